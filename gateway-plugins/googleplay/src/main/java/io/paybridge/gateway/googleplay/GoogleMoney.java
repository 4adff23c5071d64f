package io.paybridge.gateway.googleplay;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Google's {@code Money} ({@code {"currencyCode":"USD","units":"10","nanos":990000000}}: whole
 * units as an int64, which JSON carries as a string, plus billionths) as exact minor units of the
 * currency, without floating point. An amount finer than the currency's minor unit is refused
 * rather than rounded.
 */
final class GoogleMoney {

  private static final int NANOS_PER_UNIT = 1_000_000_000;

  private GoogleMoney() {}

  /** An amount in minor units and its upper-case ISO-4217 currency. */
  record Amount(long minor, String currency) {}

  /**
   * Reads the money object at {@code path} (for messages) of {@code money}.
   *
   * @throws MalformedWebhookException when the object is missing, inconsistent or too precise
   */
  static Amount read(JsonObject money, String path) {
    if (money == null) {
      throw new MalformedWebhookException("'" + path + "' is missing");
    }
    Object code = money.getValue("currencyCode");
    if (!(code instanceof String currencyCode)) {
      throw new MalformedWebhookException("'" + path + ".currencyCode' is missing");
    }
    String currency = Money.currency(currencyCode);
    long units = units(money.getValue("units"), path);
    long nanos = nanos(money.getValue("nanos"), path);
    if ((units > 0 && nanos < 0) || (units < 0 && nanos > 0)) {
      throw new MalformedWebhookException("'" + path + "' has units and nanos of opposite signs");
    }
    BigDecimal major = BigDecimal.valueOf(units).add(BigDecimal.valueOf(nanos, 9));
    return new Amount(Money.toMinor(major, currency), currency);
  }

  private static long units(Object value, String path) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof String text && text.matches("-?\\d{1,18}")) {
      return Long.parseLong(text);
    }
    throw new MalformedWebhookException("'" + path + ".units' is not a whole number");
  }

  private static long nanos(Object value, String path) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Integer i && Math.abs((long) i) < NANOS_PER_UNIT) {
      return i;
    }
    throw new MalformedWebhookException(
        "'" + path + ".nanos' is not a whole number between -999999999 and 999999999");
  }
}
