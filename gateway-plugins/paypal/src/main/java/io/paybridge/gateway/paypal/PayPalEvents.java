package io.paybridge.gateway.paypal;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * What PayPal's webhook events mean for the ledger. Events are {@code {"id":"WH-…", "event_type":…,
 * "create_time":…, "resource":{…}}}; the resource is a v2 capture or refund, a v1 sale, refund or
 * reversal, or a billing subscription, depending on the type. Amounts are decimal strings in major
 * units ({@code amount.value} and {@code amount.currency_code} in v2 resources, {@code
 * amount.total} and {@code amount.currency} in v1 ones).
 *
 * <ul>
 *   <li>{@code PAYMENT.CAPTURE.COMPLETED}: a payment keyed {@code capture:<id>}, with PayPal's fee
 *       from {@code seller_receivable_breakdown.paypal_fee}.
 *   <li>{@code PAYMENT.CAPTURE.REFUNDED}, {@code PAYMENT.SALE.REFUNDED}: a refund keyed {@code
 *       refund:<id>}; the refunded payment is the {@code sale_id} or {@code capture_id}, else the
 *       last path segment of the resource's {@code up} link.
 *   <li>{@code PAYMENT.SALE.REVERSED}: a refund (a reversal takes the money back) keyed {@code
 *       reversal:<id>}.
 *   <li>{@code PAYMENT.SALE.COMPLETED}: a recurring charge of the subscription {@code
 *       billing_agreement_id} when the sale names one, else a payment; keyed {@code sale:<id>},
 *       with the fee from {@code transaction_fee}.
 *   <li>{@code BILLING.SUBSCRIPTION.CANCELLED}, {@code .SUSPENDED}, {@code .EXPIRED}: the
 *       subscription ended, keyed {@code cancel:<subscription id>:<event type>}, with the period
 *       end from {@code billing_info.next_billing_time} when PayPal still sends one.
 * </ul>
 *
 * A resource whose {@code status} (v2) or {@code state} (v1) says it is not completed, or whose
 * amount is zero, books nothing. The customer reference is the resource's field named by the
 * account's {@code customerRefKey} (dots reach into nested objects), then, for v1 sales, the sale's
 * {@code custom} field, then the payer id PayPal sends ({@code payer.payer_id}, {@code
 * subscriber.payer_id} or {@code payer.payer_info.payer_id}). Other event types are ignored.
 */
final class PayPalEvents {

  static final List<String> MAPPED =
      List.of(
          "PAYMENT.CAPTURE.COMPLETED",
          "PAYMENT.CAPTURE.REFUNDED",
          "PAYMENT.SALE.COMPLETED",
          "PAYMENT.SALE.REFUNDED",
          "PAYMENT.SALE.REVERSED",
          "BILLING.SUBSCRIPTION.CANCELLED",
          "BILLING.SUBSCRIPTION.SUSPENDED",
          "BILLING.SUBSCRIPTION.EXPIRED");

  private PayPalEvents() {}

  /** The delivery's body in normalized form. */
  static ParsedWebhook parse(Buffer body, String customerRefKey) {
    JsonObject event = Json.object(body);
    String id = Json.requireString(event, "id");
    String type = Json.requireString(event, "event_type");
    if (!MAPPED.contains(type)) {
      return ParsedWebhook.ignored(id, type);
    }
    try {
      Instant occurredAt = time(Json.requireString(event, "create_time"), "create_time");
      JsonObject resource = Json.requireObject(event, "resource");
      Delivery d = new Delivery(type, occurredAt, customerRefKey);
      List<PaymentEvent> events =
          switch (type) {
            case "PAYMENT.CAPTURE.COMPLETED" -> captureCompleted(resource, d);
            case "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.SALE.REFUNDED" ->
                refund(resource, "refund:", d);
            case "PAYMENT.SALE.REVERSED" -> refund(resource, "reversal:", d);
            case "PAYMENT.SALE.COMPLETED" -> saleCompleted(resource, d);
            default -> subscriptionEnded(resource, d);
          };
      return new ParsedWebhook(id, type, events);
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "PayPal event " + id + " (" + type + "): " + e.getMessage(), e);
    }
  }

  /** What every event of one delivery shares. */
  private record Delivery(String type, Instant occurredAt, String customerRefKey) {}

  /** An amount in minor units of its currency, as the resource states it (sign included). */
  private record Amount(long minor, String currency) {}

  private static List<PaymentEvent> captureCompleted(JsonObject capture, Delivery d) {
    if (!completed(capture)) {
      return List.of();
    }
    String id = Json.requireString(capture, "id");
    Amount amount = amount(capture, "amount");
    if (amount.minor() <= 0) {
      return List.of();
    }
    return List.of(
        PaymentEvent.builder(PAYMENT, "capture:" + id, d.occurredAt())
            .amount(amount.minor(), amount.currency())
            .externalPaymentId(id)
            .customerRef(customerRef(capture, d))
            .email(email(capture))
            .feeMinor(fee(capture, "seller_receivable_breakdown.paypal_fee", amount.currency()))
            .build());
  }

  private static List<PaymentEvent> saleCompleted(JsonObject sale, Delivery d) {
    if (!completed(sale)) {
      return List.of();
    }
    String id = Json.requireString(sale, "id");
    Amount amount = amount(sale, "amount");
    if (amount.minor() <= 0) {
      return List.of();
    }
    String agreement = blankToNull(Json.optString(sale, "billing_agreement_id"));
    return List.of(
        PaymentEvent.builder(
                agreement != null ? RECURRING_CHARGED : PAYMENT, "sale:" + id, d.occurredAt())
            .amount(amount.minor(), amount.currency())
            .externalPaymentId(id)
            .externalSubscriptionId(agreement)
            .customerRef(customerRef(sale, d))
            .email(email(sale))
            .feeMinor(fee(sale, "transaction_fee", amount.currency()))
            .build());
  }

  /** A refund or reversal: always booked negative, whatever sign PayPal wrote. */
  private static List<PaymentEvent> refund(JsonObject refund, String keyPrefix, Delivery d) {
    if (!completed(refund)) {
      return List.of();
    }
    String id = Json.requireString(refund, "id");
    Amount amount = amount(refund, "amount");
    long magnitude = Math.abs(amount.minor());
    if (magnitude == 0) {
      return List.of();
    }
    String paymentId =
        first(
            Json.optString(refund, "sale_id"),
            Json.optString(refund, "capture_id"),
            linkedId(refund, "up"),
            linkedId(refund, "sale"),
            linkedId(refund, "capture"));
    return List.of(
        PaymentEvent.builder(REFUND, keyPrefix + id, d.occurredAt())
            .amount(-magnitude, amount.currency())
            .externalPaymentId(paymentId)
            .customerRef(customerRef(refund, d))
            .email(email(refund))
            .build());
  }

  private static List<PaymentEvent> subscriptionEnded(JsonObject subscription, Delivery d) {
    String id = Json.requireString(subscription, "id");
    String next = blankToNull(Json.optString(subscription, "billing_info.next_billing_time"));
    return List.of(
        PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.type(), d.occurredAt())
            .externalSubscriptionId(id)
            .customerRef(customerRef(subscription, d))
            .email(email(subscription))
            .periodEnd(next == null ? null : time(next, "billing_info.next_billing_time"))
            .build());
  }

  /** Whether the resource's {@code status} (v2) or {@code state} (v1), if any, is completed. */
  private static boolean completed(JsonObject resource) {
    String status = first(Json.optString(resource, "status"), Json.optString(resource, "state"));
    return status == null || status.toUpperCase(Locale.ROOT).equals("COMPLETED");
  }

  private static Amount amount(JsonObject resource, String path) {
    JsonObject money = Json.requireObject(resource, path);
    String value = first(Json.optString(money, "value"), Json.optString(money, "total"));
    String code = first(Json.optString(money, "currency_code"), Json.optString(money, "currency"));
    if (value == null) {
      throw new MalformedWebhookException("'" + path + ".value' is missing");
    }
    if (code == null) {
      throw new MalformedWebhookException("'" + path + ".currency_code' is missing");
    }
    String currency = Money.currency(code);
    return new Amount(Money.toMinor(value, currency), currency);
  }

  /** A fee in the payment's currency, or {@code null} when absent or in another currency. */
  private static Long fee(JsonObject resource, String path, String currency) {
    JsonObject money = Json.optObject(resource, path);
    if (money == null) {
      return null;
    }
    Amount fee = amount(resource, path);
    return fee.currency().equals(currency) ? Math.abs(fee.minor()) : null;
  }

  private static String customerRef(JsonObject resource, Delivery d) {
    return first(
        configuredField(resource, d.customerRefKey()),
        d.type().startsWith("PAYMENT.SALE.") ? Json.optString(resource, "custom") : null,
        Json.optString(resource, "payer.payer_id"),
        Json.optString(resource, "subscriber.payer_id"),
        Json.optString(resource, "payer.payer_info.payer_id"));
  }

  /**
   * The text at the account's configured field, or {@code null} when absent or not text: a field
   * that names an object is the account's mistake, not a malformed delivery.
   */
  private static String configuredField(JsonObject resource, String path) {
    try {
      return Json.optString(resource, path);
    } catch (MalformedWebhookException e) {
      return null;
    }
  }

  private static String email(JsonObject resource) {
    return first(
        Json.optString(resource, "subscriber.email_address"),
        Json.optString(resource, "payer.email_address"),
        Json.optString(resource, "payer.payer_info.email"));
  }

  /** The last path segment of the resource's link with relation {@code rel}, or {@code null}. */
  private static String linkedId(JsonObject resource, String rel) {
    JsonArray links = Json.optArray(resource, "links");
    if (links == null) {
      return null;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.getValue(i) instanceof JsonObject link && rel.equals(Json.optString(link, "rel"))) {
        String href = Json.optString(link, "href");
        if (href == null) {
          return null;
        }
        int query = href.indexOf('?');
        String path = query >= 0 ? href.substring(0, query) : href;
        String segment = path.substring(path.lastIndexOf('/') + 1);
        return segment.isBlank() ? null : segment;
      }
    }
    return null;
  }

  private static Instant time(String text, String field) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException("'" + field + "' is not an Internet date and time");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank()) {
        return c;
      }
    }
    return null;
  }
}
