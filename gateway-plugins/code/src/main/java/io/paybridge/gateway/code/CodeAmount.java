package io.paybridge.gateway.code;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * The amount of a Code payment as Paybridge books it: a fiat {@code amount} converted exactly to
 * its currency's minor units (a {@link BigDecimal} of the JSON number's text, never a {@code
 * double}), else Kin in quarks ({@value CodePlugin#KIN}, exponent {@value
 * CodePlugin#KIN_EXPONENT}).
 */
final class CodeAmount {

  private CodeAmount() {}

  /**
   * Sets the payment's amount from its claims: the fiat amount when there is one, else the quarks
   * in Kin, with the fee Code charged in quarks.
   *
   * @throws MalformedWebhookException when the claims carry no amount Paybridge can book exactly
   */
  static void apply(JsonObject claims, PaymentEvent.Builder event) {
    String currency = CodePlugin.blankToNull(Json.optString(claims, "currency"));
    String amount = CodePlugin.blankToNull(Json.optString(claims, "amount"));
    Long quarks = Json.optLong(claims, "quarks");
    boolean inKin = currency != null && CodePlugin.KIN.equalsIgnoreCase(currency.strip());
    if (!inKin && amount != null && currency != null) {
      String code = Money.currency(currency);
      event.amount(Money.toMinor(amount, code), code);
      return;
    }
    if (quarks != null) {
      event.amount(quarks, CodePlugin.KIN);
      Long fees = Json.optLong(claims, "fees");
      if (fees != null) {
        if (fees < 0) {
          throw new MalformedWebhookException("'fees' is negative");
        }
        event.feeMinor(fees);
      }
      return;
    }
    if (inKin && amount != null) {
      event.amount(kinToQuarks(amount), CodePlugin.KIN);
      return;
    }
    throw new MalformedWebhookException(
        "payload has neither 'amount' with 'currency' nor 'quarks'");
  }

  private static long kinToQuarks(String kin) {
    BigDecimal value;
    try {
      value = new BigDecimal(kin.strip());
    } catch (NumberFormatException e) {
      throw new MalformedWebhookException("amount '" + kin + "' is not a decimal number");
    }
    try {
      return value.movePointRight(CodePlugin.KIN_EXPONENT).stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedWebhookException(
          "amount " + value.toPlainString() + " KIN is finer than a quark or out of range");
    }
  }
}
