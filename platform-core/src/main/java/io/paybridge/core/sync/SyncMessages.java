package io.paybridge.core.sync;

import io.paybridge.core.ledger.Payment;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * What a sync target receives for a recorded payment: a signed Standard Webhooks event ({@code
 * webhook} targets) or a customer transaction ({@code customer-transaction} targets). Both carry
 * the payment's stable message id, the same for every attempt and every target, which receivers
 * dedupe on.
 */
final class SyncMessages {

  /** A request to make: its headers and body. */
  record Message(MultiMap headers, Buffer body) {}

  private SyncMessages() {}

  /** The message for a payment to a target, signed (webhook targets) at {@code now}. */
  static Message of(SyncStore.Target target, UUID tenantId, Payment payment, Instant now) {
    String id = messageId(payment.id());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    if ("webhook".equals(target.type())) {
      Buffer body =
          new JsonObject()
              .put("type", eventType(payment.kind()))
              .put("id", id)
              .put("tenantId", tenantId.toString())
              .put("createdAt", payment.recordedAt().toString())
              .put("data", payment.toJson())
              .toBuffer();
      long timestamp = now.getEpochSecond();
      headers
          .add("webhook-id", id)
          .add("webhook-timestamp", String.valueOf(timestamp))
          .add(
              "webhook-signature",
              StandardWebhooks.signature(
                  target.config().getString("secret"), id, timestamp, body.getBytes()));
      return new Message(headers, body);
    }
    Buffer body =
        new JsonObject()
            .put("userId", payment.customerRef())
            .put("amountMinor", payment.amountMinor())
            .put("currency", payment.currency())
            .put("paymentId", payment.externalPaymentId())
            .put("gateway", payment.gateway())
            .put("kind", payment.kind())
            .put("paybridgeId", id)
            .toBuffer();
    headers.add("Idempotency-Key", id);
    JsonObject extra = target.config().getJsonObject("headers", new JsonObject());
    extra.forEach(h -> headers.add(h.getKey(), String.valueOf(h.getValue())));
    return new Message(headers, body);
  }

  /** The webhook event type of a ledger entry kind. */
  static String eventType(String kind) {
    return switch (kind) {
      case "PAYMENT" -> "payment.recorded";
      case "REFUND" -> "refund.recorded";
      case "REFUND_REVERSED" -> "refund.reversed";
      case "DISPUTE" -> "dispute.funds_withdrawn";
      case "DISPUTE_REVERSED" -> "dispute.funds_reinstated";
      case "AUTHORIZED" -> "payment.authorized";
      case "RECURRING_CHARGED" -> "subscription.charged";
      case "RECURRING_CANCELLED" -> "subscription.cancelled";
      case "RECURRING_RENEWED" -> "subscription.renewed";
      default -> "ledger." + kind.toLowerCase(Locale.ROOT);
    };
  }

  /** The stable message id of an entry: the same for every attempt and every target. */
  static String messageId(long entryId) {
    return "pb_" + entryId;
  }
}
