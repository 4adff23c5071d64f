package io.paybridge.testkit;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers in the styles gateways use: letters and digits, digits only, hex. */
public final class RandomIds {

  /** Digits, upper- and lower-case letters. */
  public static final String ALPHANUMERIC =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** Digits and upper-case letters. */
  public static final String UPPER_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private static final String DIGITS = "0123456789";
  private static final String HEX = "0123456789abcdef";

  private RandomIds() {}

  /** {@code length} characters drawn at random from {@code alphabet}. */
  public static String of(String alphabet, int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** Random digits, upper- and lower-case letters. */
  public static String alphanumeric(int length) {
    return of(ALPHANUMERIC, length);
  }

  /** Random decimal digits (the first may be 0). */
  public static String digits(int length) {
    return of(DIGITS, length);
  }

  /** Random lower-case hex digits. */
  public static String hex(int length) {
    return of(HEX, length);
  }
}
