package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalEventTable.SALE_REVERSED;
import static io.paybridge.gateway.paypal.PayPalResources.amount;
import static io.paybridge.gateway.paypal.PayPalResources.email;
import static io.paybridge.gateway.paypal.PayPalResources.first;
import static io.paybridge.gateway.paypal.PayPalResources.linkedId;
import static io.paybridge.spi.EventKind.DISPUTE;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * What PayPal's refunds and reversals book: money leaving the merchant, negative, once PayPal
 * reports it completed. A capture's refund is keyed {@code refund:<refund id>}, a capture's
 * reversal (a chargeback) {@code dispute:<capture id>}, and a sale's refund or reversal {@code
 * refund:<id>}.
 */
final class PayPalWithdrawals {

  private PayPalWithdrawals() {}

  static ParsedWebhook captureRefunded(JsonObject refund, PayPalDelivery d) {
    return refund(
        d,
        "refund",
        refund,
        "status",
        "no money has gone back to the buyer.",
        PayPalWithdrawals::capturedPayment);
  }

  static ParsedWebhook captureReversed(JsonObject reversal, PayPalDelivery d) {
    ParsedWebhook unbooked =
        notWithdrawn(d, "reversal", reversal, "status", "PayPal has not taken the funds back.");
    if (unbooked != null) {
      return unbooked;
    }
    String capture = capturedPayment(reversal);
    String key = capture != null ? capture : Json.requireString(reversal, "id");
    return withdrawn(d, DISPUTE, "dispute:" + key, reversal, capture);
  }

  /**
   * A sale's refund or reversal: a v1 refund resource, booked negative whatever sign PayPal wrote
   * (reversals carry a negative amount). Both are keyed {@code refund:<id>}: they are the same kind
   * of resource, so a reversal relabelled as a refund (or the other way round) is still one entry.
   */
  static ParsedWebhook saleRefunded(JsonObject refund, PayPalDelivery d) {
    return refund(
        d,
        SALE_REVERSED.equals(d.type()) ? "sale reversal" : "sale refund",
        refund,
        "state",
        "no money has left the merchant.",
        r -> first(Json.optString(r, "sale_id"), capturedPayment(r)));
  }

  /**
   * A refund (or a sale's reversal) keyed {@code refund:<id>}, once completed.
   *
   * @param payment the payment it takes money from, read once it is completed
   */
  private static ParsedWebhook refund(
      PayPalDelivery d,
      String noun,
      JsonObject refund,
      String stateField,
      String notDone,
      Function<JsonObject, String> payment) {
    ParsedWebhook unbooked = notWithdrawn(d, noun, refund, stateField, notDone);
    return unbooked != null
        ? unbooked
        : withdrawn(
            d, REFUND, "refund:" + Json.requireString(refund, "id"), refund, payment.apply(refund));
  }

  /** Why a refund or reversal is not booked (not {@code COMPLETED}, or of zero amount), or null. */
  private static ParsedWebhook notWithdrawn(
      PayPalDelivery d, String noun, JsonObject resource, String stateField, String notDone) {
    return d.unbookable(
        noun, resource, stateField, "COMPLETED"::equals, notDone, () -> magnitude(resource));
  }

  /** Money leaving the merchant (a refund or a chargeback), booked negative. */
  private static ParsedWebhook withdrawn(
      PayPalDelivery d, EventKind kind, String entryKey, JsonObject resource, String paymentId) {
    return d.booked(
        List.of(
            PaymentEvent.builder(kind, entryKey, d.occurredAt(resource, "create_time"))
                .amount(-magnitude(resource), amount(resource, "amount").currency())
                .externalPaymentId(paymentId)
                .customerRef(d.customerRef(resource))
                .email(email(resource))
                .build()));
  }

  private static long magnitude(JsonObject resource) {
    return Math.abs(amount(resource, "amount").minor());
  }

  /**
   * The payment a refund or reversal takes money from: its {@code capture_id}, else the last path
   * segment of its {@code up}, {@code sale} or {@code capture} link.
   */
  private static String capturedPayment(JsonObject refund) {
    return first(
        Json.optString(refund, "capture_id"),
        linkedId(refund, "up"),
        linkedId(refund, "sale"),
        linkedId(refund, "capture"));
  }
}
