package io.paybridge.spi;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;

/**
 * Amount conversions with each currency's real exponent (JPY 0, USD 2, KWD 3). Never uses floating
 * point; refuses amounts that would lose precision.
 */
public final class Money {

  /**
   * Currencies gateways settle in that ISO-4217 does not list, with the exponent of their smallest
   * unit: Kin's quark is 1/100 000 Kin.
   */
  private static final java.util.Map<String, Integer> NON_ISO = java.util.Map.of("KIN", 5);

  private Money() {}

  /** The ISO-4217 code in upper case, or a {@link MalformedWebhookException}. */
  public static String currency(String code) {
    if (code == null || code.isBlank()) {
      throw new MalformedWebhookException("currency is missing");
    }
    String upper = code.strip().toUpperCase(Locale.ROOT);
    if (NON_ISO.containsKey(upper)) {
      return upper;
    }
    try {
      Currency.getInstance(upper);
    } catch (IllegalArgumentException e) {
      throw new MalformedWebhookException("unknown currency '" + code + "'");
    }
    return upper;
  }

  /** Minor-unit exponent of an ISO-4217 currency. */
  public static int exponent(String code) {
    Integer nonIso = NON_ISO.get(currency(code));
    if (nonIso != null) {
      return nonIso;
    }
    int digits = Currency.getInstance(currency(code)).getDefaultFractionDigits();
    return Math.max(digits, 0);
  }

  /**
   * A decimal string in major units ({@code "10.99"}) as minor units of the currency ({@code
   * 1099}). More decimals than the currency has, unless they are zeros, is malformed.
   */
  public static long toMinor(String decimal, String currencyCode) {
    if (decimal == null || decimal.isBlank()) {
      throw new MalformedWebhookException("amount is missing");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(decimal.strip());
    } catch (NumberFormatException e) {
      throw new MalformedWebhookException("amount '" + decimal + "' is not a decimal number");
    }
    return toMinor(value, currencyCode);
  }

  public static long toMinor(BigDecimal major, String currencyCode) {
    int exp = exponent(currencyCode);
    try {
      return major.movePointRight(exp).stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedWebhookException(
          "amount "
              + major.toPlainString()
              + " has more precision than "
              + currencyCode
              + " allows");
    }
  }

  /** Minor units as a plain decimal string in major units ({@code 1099 USD → "10.99"}). */
  public static String toMajor(long minor, String currencyCode) {
    return BigDecimal.valueOf(minor).movePointLeft(exponent(currencyCode)).toPlainString();
  }
}
