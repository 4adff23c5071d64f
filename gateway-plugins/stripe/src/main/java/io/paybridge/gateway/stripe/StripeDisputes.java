package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.amount;
import static io.paybridge.gateway.stripe.StripeFields.currency;
import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;
import static io.paybridge.spi.EventKind.DISPUTE;
import static io.paybridge.spi.EventKind.DISPUTE_REVERSED;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What Stripe's dispute events book: the funds withdrawn under {@code dispute:<dispute id>}
 * (negative, with Stripe's dispute fee), and once reinstated, the reinstatement under {@code
 * dispute_reversal:<dispute id>} with the withdrawal, so the pair nets right in any order.
 */
final class StripeDisputes {

  private StripeDisputes() {}

  static ParsedWebhook disputeFundsWithdrawn(StripeDelivery d, JsonObject dispute) {
    DisputeMoney money = disputeMoney(dispute);
    return d.books(List.of(disputeEntry(d, dispute, money)));
  }

  /** The withdrawal and the reinstatement, so the pair nets right in any order. */
  static ParsedWebhook disputeFundsReinstated(StripeDelivery d, JsonObject dispute) {
    DisputeMoney money = disputeMoney(dispute);
    PaymentEvent reversal =
        disputeEvent(
                d,
                dispute,
                DISPUTE_REVERSED,
                "dispute_reversal:" + Json.requireString(dispute, "id"),
                money.reinstated(),
                money.currency())
            .build();
    return d.books(List.of(disputeEntry(d, dispute, money), reversal));
  }

  private static PaymentEvent disputeEntry(
      StripeDelivery d, JsonObject dispute, DisputeMoney money) {
    return disputeEvent(
            d,
            dispute,
            DISPUTE,
            "dispute:" + Json.requireString(dispute, "id"),
            -money.withdrawn(),
            money.currency())
        .feeMinor(money.fee())
        .build();
  }

  private static PaymentEvent.Builder disputeEvent(
      StripeDelivery d,
      JsonObject dispute,
      EventKind kind,
      String key,
      long amount,
      String currency) {
    return PaymentEvent.builder(kind, key, d.created())
        .amount(amount, currency)
        .externalPaymentId(first(idOf(dispute, "payment_intent"), idOf(dispute, "charge")))
        .customerRef(
            first(
                d.metadataValue(dispute, "metadata"),
                d.expandedCustomerRef(dispute, "payment_intent"),
                d.expandedCustomerRef(dispute, "charge")));
  }

  /**
   * The money a dispute moved, in the disputed payment's currency.
   *
   * @param withdrawn what was taken from the merchant, positive
   * @param reinstated what was given back, positive
   * @param fee Stripe's dispute fee on the withdrawal, or {@code null}
   */
  private record DisputeMoney(String currency, long withdrawn, long reinstated, Long fee) {}

  /**
   * What the dispute's balance transactions (one withdrawal, and one reinstatement once won) moved.
   * When they are absent, or settled in another currency than the disputed payment's (they would
   * not net against it), the disputed {@code amount} stands for both.
   */
  private static DisputeMoney disputeMoney(JsonObject dispute) {
    String currency = currency(dispute);
    long disputed = amount(dispute, "amount", currency);
    if (disputed == 0) {
      throw new MalformedWebhookException("'amount' of a dispute is zero");
    }
    JsonArray transactions = Json.optArray(dispute, "balance_transactions");
    if (transactions == null || transactions.isEmpty()) {
      return new DisputeMoney(currency, disputed, disputed, null);
    }
    long withdrawn = 0;
    long reinstated = 0;
    Long fee = null;
    for (int i = 0; i < transactions.size(); i++) {
      if (!(transactions.getValue(i) instanceof JsonObject transaction)
          || !currency.equals(currency(transaction))) {
        return new DisputeMoney(currency, disputed, disputed, null);
      }
      long moved = Json.requireLong(transaction, "amount");
      String field = "balance_transactions[" + i + "].amount";
      if (moved < 0) {
        withdrawn = Math.addExact(withdrawn, StripeAmounts.toIsoMinor(-moved, currency, field));
        Long charged = Json.optLong(transaction, "fee");
        if (charged != null && charged > 0) {
          fee = StripeAmounts.toIsoMinor(charged, currency, "balance_transactions[" + i + "].fee");
        }
      } else {
        reinstated = Math.addExact(reinstated, StripeAmounts.toIsoMinor(moved, currency, field));
      }
    }
    return new DisputeMoney(
        currency,
        withdrawn > 0 ? withdrawn : disputed,
        reinstated > 0 ? reinstated : disputed,
        fee);
  }
}
