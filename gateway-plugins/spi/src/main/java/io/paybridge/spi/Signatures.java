package io.paybridge.spi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Small, allocation-light helpers for the signature schemes gateways use. */
public final class Signatures {

  private static final HexFormat HEX = HexFormat.of();

  private Signatures() {}

  /**
   * One HMAC-SHA256 engine per thread, keyed afresh for every signature ({@code init} and {@code
   * doFinal} reset it), instead of looking the algorithm up in the security providers for every
   * webhook.
   */
  private static final ThreadLocal<Mac> HMAC_SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
          });

  /** HMAC-SHA256 of {@code data} keyed with {@code key}. */
  public static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = HMAC_SHA256.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** HMAC-SHA256 over the concatenation of the given parts. */
  public static byte[] hmacSha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = HMAC_SHA256.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Compares an expected MAC with a hex string received from outside in constant time. Upper- or
   * lower-case hex both match; anything that is not hex of the right length does not.
   */
  public static boolean hexEquals(byte[] expected, String receivedHex) {
    if (receivedHex == null || receivedHex.length() != expected.length * 2) {
      return false;
    }
    byte[] received;
    try {
      received = HEX.parseHex(receivedHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, received);
  }

  /** Constant-time comparison of two byte arrays. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
