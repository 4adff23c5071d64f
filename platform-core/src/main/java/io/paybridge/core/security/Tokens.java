package io.paybridge.core.security;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers: webhook hook keys, client ids and secrets. */
public final class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  /** {@code prefix} followed by {@code bytes} random bytes in unpadded base64url. */
  public static String random(String prefix, int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return prefix + B64.encodeToString(b);
  }
}
