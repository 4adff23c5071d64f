package io.paybridge.core.sync;

import io.paybridge.spi.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing per the Standard Webhooks specification: headers {@code webhook-id}, {@code
 * webhook-timestamp} (Unix seconds) and {@code webhook-signature} = {@code v1,<base64 HMAC-SHA256>}
 * over {@code id.timestamp.body}, keyed with the base64-decoded part of a {@code whsec_} secret.
 */
public final class StandardWebhooks {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private StandardWebhooks() {}

  /** A new signing secret: {@code whsec_} and 24 random bytes in base64. */
  public static String newSecret() {
    byte[] key = new byte[24];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value. */
  public static String signature(String secret, String id, long timestamp, byte[] body) {
    byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    byte[] mac =
        Signatures.hmacSha256(
            key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    return "v1," + Base64.getEncoder().encodeToString(mac);
  }
}
