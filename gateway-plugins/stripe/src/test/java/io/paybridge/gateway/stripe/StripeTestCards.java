package io.paybridge.gateway.stripe;

import io.vertx.core.json.JsonObject;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * What Stripe's test mode does with a card number, as {@link StripeSetupFake} plays it (see
 * https://docs.stripe.com/testing): {@value #VISA}, {@value #MASTERCARD} and a few more of Stripe's
 * succeeding numbers are saved and charge; {@value #DECLINES_LATER} is saved, but its off-session
 * charges are declined; {@value #DECLINED} is declined when it is saved; a number failing the Luhn
 * check is incorrect; any other number is declined as Stripe declines a real card in test mode.
 * Refusals are Stripe's {@code card_error} objects, checked in Stripe's order: number, expiry, CVC,
 * then the issuer.
 */
final class StripeTestCards {

  static final String VISA = "4242424242424242";
  static final String MASTERCARD = "5555555555554444";
  static final String DECLINES_LATER = "4000000000000341";
  static final String DECLINED = "4000000000000002";
  static final String DECLINE_MESSAGE = "Your card was declined.";

  private static final Set<String> SAVED =
      Set.of(
          VISA,
          MASTERCARD,
          DECLINES_LATER,
          "4000056655665556",
          "2223003122003222",
          "5200828282828210",
          "378282246310005",
          "371449635398431");

  private StripeTestCards() {}

  /**
   * Why the card is refused, as Stripe's {@code card_error} object, or {@code null} when it is
   * saved.
   *
   * @param number the card number, digits only
   * @param expMonth 1 to 12
   * @param expYear two or four digits
   */
  static JsonObject refusal(String number, String expMonth, String expYear, String cvc) {
    if (!luhn(number)) {
      return cardError("incorrect_number", null, "Your card number is incorrect.", "number");
    }
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    int month = parse(expMonth);
    int year = parse(expYear);
    year = year >= 0 && year < 100 ? 2000 + year : year;
    if (month < 1 || month > 12) {
      return cardError(
          "invalid_expiry_month", null, "Your card's expiration month is invalid.", "exp_month");
    }
    if (year < now.getYear() || year > now.getYear() + 50) {
      return cardError(
          "invalid_expiry_year", null, "Your card's expiration year is invalid.", "exp_year");
    }
    if (YearMonth.of(year, month).isBefore(now)) {
      return cardError("expired_card", "expired_card", "Your card has expired.", "exp_month");
    }
    if (!cvc.matches("[0-9]{3,4}")) {
      return cardError("invalid_cvc", null, "Your card's security code is invalid.", "cvc");
    }
    if (DECLINED.equals(number)) {
      return cardError("card_declined", "generic_decline", DECLINE_MESSAGE, null);
    }
    if (!SAVED.contains(number)) {
      return cardError(
          "card_declined",
          "test_mode_live_card",
          DECLINE_MESSAGE
              + " Your request was in test mode, but used a non test (live) card. For a list of"
              + " valid test cards, visit: https://stripe.com/docs/testing.",
          null);
    }
    return null;
  }

  /** The card's brand as Stripe names it, from the number's first digit. */
  static String brand(String number) {
    return switch (number.charAt(0)) {
      case '4' -> "visa";
      case '2', '5' -> "mastercard";
      case '3' -> "amex";
      case '6' -> "discover";
      default -> "unknown";
    };
  }

  /** Stripe's error object for a refused card, keys in Stripe's (alphabetical) order. */
  private static JsonObject cardError(
      String code, String declineCode, String message, String param) {
    JsonObject error =
        new JsonObject()
            .put("code", code)
            .put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
    if (declineCode != null) {
      error.put("decline_code", declineCode);
    }
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    return error.put("type", "card_error");
  }

  /** Whether the number has 12 to 19 digits and passes the Luhn check. */
  private static boolean luhn(String number) {
    if (!number.matches("[0-9]{12,19}")) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < number.length(); i++) {
      int digit = number.charAt(number.length() - 1 - i) - '0';
      if (i % 2 == 1) {
        digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      }
      sum += digit;
    }
    return sum % 10 == 0;
  }

  private static int parse(String number) {
    try {
      return Integer.parseInt(number == null ? "" : number.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
