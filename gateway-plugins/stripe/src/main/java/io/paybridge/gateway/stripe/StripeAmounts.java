package io.paybridge.gateway.stripe;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import java.util.Set;

/**
 * Stripe amounts in ISO-4217 minor units.
 *
 * <p>Stripe sends integer amounts in what it calls the currency's smallest unit, and for nearly
 * every currency that is the ISO-4217 minor unit: cents for USD, yen for JPY, fils for KWD. Where
 * Stripe's unit and ISO's differ, the amount is rescaled so that the ledger always holds ISO minor
 * units: Stripe keeps ISK as a two-decimal currency (100 means one króna, ISO has no decimals) and
 * treats MGA as zero-decimal (ISO gives it two).
 */
final class StripeAmounts {

  /** Stripe's zero-decimal currencies. */
  private static final Set<String> ZERO_DECIMAL =
      Set.of(
          "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
          "XAF", "XOF", "XPF");

  /** Stripe's three-decimal currencies. */
  private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

  private StripeAmounts() {}

  /** How many decimals Stripe's integer amounts carry for an upper-case ISO code. */
  static int stripeExponent(String currency) {
    if (ZERO_DECIMAL.contains(currency)) {
      return 0;
    }
    return THREE_DECIMAL.contains(currency) ? 3 : 2;
  }

  /**
   * A Stripe amount of an upper-case ISO currency in that currency's ISO minor units.
   *
   * @param field the JSON field the amount came from, for the error message
   * @throws MalformedWebhookException if the amount is negative or not a whole ISO minor unit
   */
  static long toIsoMinor(long stripeAmount, String currency, String field) {
    if (stripeAmount < 0) {
      throw new MalformedWebhookException("'" + field + "' is negative: " + stripeAmount);
    }
    int from = stripeExponent(currency);
    int to = Money.exponent(currency);
    if (from == to) {
      return stripeAmount;
    }
    if (from > to) {
      long factor = pow10(from - to);
      if (stripeAmount % factor != 0) {
        throw new MalformedWebhookException(
            "'" + field + "' " + stripeAmount + " is not a whole amount of " + currency);
      }
      return stripeAmount / factor;
    }
    try {
      return Math.multiplyExact(stripeAmount, pow10(to - from));
    } catch (ArithmeticException e) {
      throw new MalformedWebhookException("'" + field + "' " + stripeAmount + " is out of range");
    }
  }

  /**
   * An amount in ISO minor units of an upper-case currency as Stripe's integer amount, for a
   * request.
   *
   * @throws IllegalArgumentException if Stripe cannot express the amount (a fraction of its unit)
   */
  static long fromIsoMinor(long isoMinor, String currency) {
    int from = Money.exponent(currency);
    int to = stripeExponent(currency);
    if (from == to) {
      return isoMinor;
    }
    if (from > to) {
      long factor = pow10(from - to);
      if (isoMinor % factor != 0) {
        throw new IllegalArgumentException(
            isoMinor + " minor units of " + currency + " is not a whole amount Stripe can charge");
      }
      return isoMinor / factor;
    }
    return Math.multiplyExact(isoMinor, pow10(to - from));
  }

  private static long pow10(int n) {
    long f = 1;
    for (int i = 0; i < n; i++) {
      f *= 10;
    }
    return f;
  }
}
