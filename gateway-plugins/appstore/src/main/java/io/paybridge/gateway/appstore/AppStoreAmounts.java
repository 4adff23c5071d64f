package io.paybridge.gateway.appstore;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Apple's amounts as ISO-4217 minor units. A transaction's {@code price} is in milliunits of its
 * currency (10990 USD is 10.99 dollars; 1000000 JPY is 1000 yen), so it converts exactly to minor
 * units for every currency with up to three decimals, and a price finer than its currency allows
 * (10995 USD) is refused rather than rounded.
 */
final class AppStoreAmounts {

  /** Milliunits per unit of currency. */
  private static final int MILLIUNIT_DIGITS = 3;

  /** {@code revocationPercentage} is a percentage in milliunits: 100000 is 100 %. */
  private static final int PERCENTAGE_DIGITS = 5;

  private static final long WHOLE = 100_000;

  private AppStoreAmounts() {}

  /**
   * A price in milliunits as minor units of {@code currency}.
   *
   * @throws MalformedWebhookException when negative or finer than the currency's minor unit
   */
  static long priceToMinor(long milliunits, String currency) {
    if (milliunits < 0) {
      throw new MalformedWebhookException("price " + milliunits + " is negative");
    }
    return Money.toMinor(BigDecimal.valueOf(milliunits, MILLIUNIT_DIGITS), currency);
  }

  /**
   * The refunded share of a price: all of it, or for a prorated refund {@code percentage} (in
   * milliunits of a percent) of it, rounded half up to the currency's minor unit, since Apple
   * itself rounds the percentage and reports no refunded amount.
   *
   * @param percentage {@code revocationPercentage}, or {@code null} for a full refund
   */
  static long refundedMinor(long priceMilliunits, Long percentage, String currency) {
    if (percentage == null || percentage == WHOLE) {
      return priceToMinor(priceMilliunits, currency);
    }
    if (percentage < 0 || percentage > WHOLE) {
      throw new MalformedWebhookException(
          "revocationPercentage " + percentage + " is not between 0 and 100000");
    }
    if (priceMilliunits < 0) {
      throw new MalformedWebhookException("price " + priceMilliunits + " is negative");
    }
    BigDecimal refunded =
        BigDecimal.valueOf(priceMilliunits)
            .multiply(BigDecimal.valueOf(percentage))
            .movePointLeft(MILLIUNIT_DIGITS + PERCENTAGE_DIGITS);
    return refunded
        .setScale(Money.exponent(currency), RoundingMode.HALF_UP)
        .unscaledValue()
        .longValueExact();
  }
}
