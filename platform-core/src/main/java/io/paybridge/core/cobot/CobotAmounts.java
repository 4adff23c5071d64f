package io.paybridge.core.cobot;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * Cobot's amounts are decimal strings in the currency's major unit ({@code "12.50"} EUR, {@code
 * "3000"} JPY); the ledger's are whole minor units. Converted exactly with the currency's exponent,
 * never through floating point.
 */
final class CobotAmounts {

  private CobotAmounts() {}

  /**
   * The amount in minor units; null when it is not a plain decimal, is negative, or has more
   * decimals than the currency has (a fraction of a cent cannot be charged).
   */
  static Long toMinor(String decimal, String currency) {
    int exponent = exponent(currency);
    if (decimal == null || exponent < 0 || !decimal.strip().matches("\\d{1,15}(\\.\\d{1,10})?")) {
      return null;
    }
    try {
      return new BigDecimal(decimal.strip()).movePointRight(exponent).longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** Minor units as Cobot writes an amount: {@code 1250} EUR is {@code "12.50"}. */
  static String toDecimal(long minor, String currency) {
    int exponent = Math.max(0, exponent(currency));
    return BigDecimal.valueOf(minor, exponent).toPlainString();
  }

  /** The currency's exponent, or -1 for an unknown currency or one without minor units. */
  static int exponent(String currency) {
    try {
      return currency == null ? -1 : Currency.getInstance(currency).getDefaultFractionDigits();
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
