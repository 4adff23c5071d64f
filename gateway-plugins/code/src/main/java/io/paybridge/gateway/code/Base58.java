package io.paybridge.gateway.code;

import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet, the text form of Solana-style keys and ids the Code wallet uses
 * (its published webhook key and every intent id).
 *
 * <p>Each leading zero byte is written as one leading {@code '1'}, and the rest is the big-endian
 * number in base 58, so the encoding is exact and round-trips byte for byte. Decoding refuses any
 * character outside the alphabet (notably {@code 0}, {@code O}, {@code I}, {@code l}, whitespace
 * and anything non-ASCII) rather than skipping it.
 */
public final class Base58 {

  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      INDEXES[ALPHABET[i]] = i;
    }
  }

  private Base58() {}

  /** The Base58 text of the given bytes; an empty array gives an empty string. */
  public static String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    // log(256) / log(58) < 1.37: enough base-58 digits for the non-zero part.
    char[] digits = new char[(input.length - zeros) * 138 / 100 + 1];
    int length = 0;
    for (int i = zeros; i < input.length; i++) {
      int carry = input[i] & 0xff;
      for (int j = 0; j < length; j++) {
        carry += digits[j] << 8;
        digits[j] = (char) (carry % 58);
        carry /= 58;
      }
      while (carry > 0) {
        digits[length++] = (char) (carry % 58);
        carry /= 58;
      }
    }
    StringBuilder out = new StringBuilder(zeros + length);
    out.append("1".repeat(zeros));
    for (int j = length - 1; j >= 0; j--) {
      out.append(ALPHABET[digits[j]]);
    }
    return out.toString();
  }

  /**
   * The bytes a Base58 text stands for.
   *
   * @throws IllegalArgumentException naming the first character outside the alphabet and its
   *     position
   */
  public static byte[] decode(String input) {
    int zeros = 0;
    while (zeros < input.length() && input.charAt(zeros) == ALPHABET[0]) {
      zeros++;
    }
    // log(58) / log(256) < 0.733: enough bytes for the rest.
    byte[] bytes = new byte[(input.length() - zeros) * 733 / 1000 + 1];
    int length = 0;
    for (int i = zeros; i < input.length(); i++) {
      char c = input.charAt(i);
      int digit = c < 128 ? INDEXES[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException(
            "invalid Base58 character '" + printable(c) + "' at position " + i);
      }
      int carry = digit;
      for (int j = 0; j < length; j++) {
        carry += (bytes[j] & 0xff) * 58;
        bytes[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        bytes[length++] = (byte) carry;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + length];
    for (int j = 0; j < length; j++) {
      out[out.length - 1 - j] = bytes[j];
    }
    return out;
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
