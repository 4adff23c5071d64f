package io.paybridge.gateway.razorpay;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.RandomIds;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Plays Razorpay's part in tests: builds webhook bodies shaped like Razorpay's (compact JSON, the
 * {@code entity/event/contains/payload/created_at} envelope, entities as Razorpay documents them),
 * signs them as Razorpay does and delivers them over real HTTP. Other modules' end-to-end tests use
 * it through this module's test-jar.
 *
 * <p>Customer references go into {@code notes} under {@value #CUSTOMER_REF_KEY}, the plugin's
 * default key; without one, {@code notes} is an empty array, as Razorpay sends it. As on real
 * subscriptions, a subscription charge carries the reference in the subscription's notes while the
 * payment's notes are empty.
 *
 * <p>Razorpay's REST API, which the plugin calls for renewals and cancel-and-refund, is played by
 * {@link RazorpayApiFake}.
 */
public final class RazorpaySimulator {

  /** The notes key the simulator stores customer references under. */
  public static final String CUSTOMER_REF_KEY = "customer_ref";

  private static final String PATH = "/hooks/test/razorpay";
  private static final String CONTENT_TYPE = "application/json";
  private static final String USER_AGENT = "Razorpay-Webhook/v1";
  private static final String RAZORPAY_ADDRESS = "52.66.75.174";
  private static final String ACCOUNT_ID = "acc_BFQ7uQEaa7j2z7";

  /** The key id of the account the simulator's {@link #credentials()} describe. */
  public static final String TEST_KEY_ID = "rzp_test_1DP5mmOlF5G5ag";

  private final String webhookSecret;

  public RazorpaySimulator(String webhookSecret) {
    this.webhookSecret = Objects.requireNonNull(webhookSecret, "webhookSecret");
  }

  /**
   * The credentials of an account whose webhooks this simulator signs, as a tenant submits them,
   * with a test-mode API key.
   */
  public JsonObject credentialsJson() {
    return new JsonObject()
        .put("keyId", TEST_KEY_ID)
        .put("keySecret", "Lh8sQ2wX4nV7bZ1cK9dM3fTr")
        .put("webhookSecret", webhookSecret);
  }

  /** The same credentials, normalized by the plugin's schema. */
  public Credentials credentials() {
    return new RazorpayPlugin().credentialSchema().validate(credentialsJson());
  }

  /** A {@code payment.captured} event for a UPI payment. */
  public String paymentCaptured(
      String paymentId, long amountMinor, String currency, String customerRef) {
    JsonObject payment = payment(paymentId, amountMinor, currency, "captured", notes(customerRef));
    return event("payment.captured", new JsonObject().put("payment", wrap(payment)));
  }

  /** A {@code payment.authorized} event: the funds are held, not yet captured, no fee yet. */
  public String paymentAuthorized(
      String paymentId, long amountMinor, String currency, String customerRef) {
    JsonObject payment =
        payment(paymentId, amountMinor, currency, "authorized", notes(customerRef))
            .put("captured", false)
            .put("fee", null)
            .put("tax", null);
    return event("payment.authorized", new JsonObject().put("payment", wrap(payment)));
  }

  /**
   * A {@code subscription.charged} event: a monthly subscription's card payment, with the
   * subscription's current period ending at {@code currentEnd}.
   */
  public String subscriptionCharged(
      String paymentId,
      String subscriptionId,
      long amountMinor,
      String currency,
      String customerRef,
      Instant currentEnd) {
    String customerId = newId("cust_");
    JsonObject subscription =
        subscription(subscriptionId, customerId, "active", notes(customerRef), currentEnd);
    JsonObject payment =
        payment(paymentId, amountMinor, currency, "captured", new JsonArray())
            .put("method", "card")
            .put("vpa", null)
            .put("card_id", newId("card_"))
            .put("invoice_id", newId("inv_"))
            .put("customer_id", customerId)
            .put("token_id", newId("token_"))
            .put("description", "Recurring payment via subscription")
            .put(
                "card",
                new JsonObject()
                    .put("id", newId("card_"))
                    .put("entity", "card")
                    .put("name", "Gaurav Kumar")
                    .put("last4", "1111")
                    .put("network", "Visa")
                    .put("type", "debit")
                    .put("issuer", null)
                    .put("international", false)
                    .put("emi", false)
                    .put("sub_type", "consumer"));
    payment.remove("upi");
    return event(
        "subscription.charged",
        new JsonObject().put("subscription", wrap(subscription)).put("payment", wrap(payment)));
  }

  /** A {@code subscription.cancelled} event for a subscription cancelled at once. */
  public String subscriptionCancelled(String subscriptionId) {
    Instant currentEnd = Instant.now().plus(Duration.ofDays(12)).truncatedTo(ChronoUnit.SECONDS);
    JsonObject subscription =
        subscription(subscriptionId, newId("cust_"), "cancelled", new JsonArray(), currentEnd)
            .put("ended_at", nowSeconds());
    return event(
        "subscription.cancelled", new JsonObject().put("subscription", wrap(subscription)));
  }

  /** A {@code refund.processed} event for a full refund of a UPI payment. */
  public String refundProcessed(
      String refundId, String paymentId, long amountMinor, String currency) {
    return refundEvent("refund.processed", refundId, paymentId, amountMinor, currency);
  }

  /**
   * A refund event ({@code refund.created}, {@code .processed}, {@code .failed} or {@code
   * .speed_changed}) for a full refund of a captured UPI payment, with the refund's status as that
   * event reports it.
   */
  public String refundEvent(
      String type, String refundId, String paymentId, long amountMinor, String currency) {
    String status =
        switch (type) {
          case "refund.processed" -> "processed";
          case "refund.failed" -> "failed";
          default -> "pending";
        };
    JsonObject refund =
        new JsonObject()
            .put("id", refundId)
            .put("entity", "refund")
            .put("amount", amountMinor)
            .put("currency", currency.toUpperCase(Locale.ROOT))
            .put("payment_id", paymentId)
            .put("notes", new JsonArray())
            .put("receipt", null)
            .put("acquirer_data", new JsonObject().put("rrn", RandomIds.digits(12)))
            .put("created_at", nowSeconds())
            .put("batch_id", null)
            .put("status", status)
            .put("speed_processed", "normal")
            .put("speed_requested", "normal");
    JsonObject payment =
        payment(paymentId, amountMinor, currency, "refunded", new JsonArray())
            .put("amount_refunded", amountMinor)
            .put("refund_status", "full");
    return event(type, new JsonObject().put("refund", wrap(refund)).put("payment", wrap(payment)));
  }

  /**
   * A refund event of Razorpay's auto-refund of a payment it never captured: the payment entity
   * says {@code captured} false.
   */
  public String autoRefundEvent(
      String type, String refundId, String paymentId, long amountMinor, String currency) {
    JsonObject body = new JsonObject(refundEvent(type, refundId, paymentId, amountMinor, currency));
    body.getJsonObject("payload")
        .getJsonObject("payment")
        .getJsonObject("entity")
        .put("captured", false)
        .put("status", "refunded")
        .put("fee", null)
        .put("tax", null);
    return body.encode();
  }

  /** A {@code payment.failed} event: the payment was attempted and declined. */
  public String paymentFailed(String paymentId, long amountMinor, String currency) {
    JsonObject payment =
        payment(paymentId, amountMinor, currency, "failed", new JsonArray())
            .put("captured", false)
            .put("fee", null)
            .put("tax", null)
            .put("error_code", "BAD_REQUEST_ERROR")
            .put("error_description", "Payment failed")
            .put("error_source", "customer")
            .put("error_step", "payment_authorization")
            .put("error_reason", "payment_cancelled");
    return event("payment.failed", new JsonObject().put("payment", wrap(payment)));
  }

  /**
   * A dispute event ({@code payment.dispute.created}, {@code .won}, {@code .lost}, {@code .closed},
   * {@code .under_review} or {@code .action_required}) shaped like Razorpay's sample: the disputed
   * payment and the dispute, whose status follows the event, and whose {@code amount_deducted} is
   * the amount once lost and 0 before.
   */
  public String disputeEvent(
      String type, String disputeId, String paymentId, long amountMinor, String currency) {
    String status =
        switch (type) {
          case "payment.dispute.won" -> "won";
          case "payment.dispute.lost" -> "lost";
          case "payment.dispute.closed" -> "closed";
          case "payment.dispute.under_review" -> "under_review";
          default -> "open";
        };
    JsonObject dispute =
        new JsonObject()
            .put("id", disputeId)
            .put("entity", "dispute")
            .put("payment_id", paymentId)
            .put("amount", amountMinor)
            .put("currency", currency.toUpperCase(Locale.ROOT))
            .put("amount_deducted", "lost".equals(status) ? amountMinor : 0)
            .put("reason_code", "chargeback")
            .put("respond_by", nowSeconds() + 7 * 86_400)
            .put("status", status)
            .put("phase", "closed".equals(status) ? "fraud" : "chargeback")
            .put("created_at", nowSeconds() - 86_400);
    JsonObject payment =
        payment(paymentId, amountMinor, currency, "captured", new JsonArray())
            .put("method", "card");
    return event(
        type, new JsonObject().put("payment", wrap(payment)).put("dispute", wrap(dispute)));
  }

  /**
   * A subscription event that carries only the subscription (activated, authenticated, pending,
   * updated, paused, resumed, completed), with the status it reports.
   */
  public String subscriptionEvent(String type, String subscriptionId, String status) {
    Instant currentEnd = Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
    JsonObject subscription =
        subscription(subscriptionId, newId("cust_"), status, new JsonArray(), currentEnd);
    return event(type, new JsonObject().put("subscription", wrap(subscription)));
  }

  /**
   * An event of any type around {@code payload} (entity name to {@code {"entity": …}}), in
   * Razorpay's envelope; {@code contains} lists the payload's entities.
   */
  public String event(String type, JsonObject payload) {
    return new JsonObject()
        .put("entity", "event")
        .put("account_id", ACCOUNT_ID)
        .put("event", type)
        .put("contains", new JsonArray(List.copyOf(payload.fieldNames())))
        .put("payload", payload)
        .put("created_at", nowSeconds())
        .encode();
  }

  /** The {@code X-Razorpay-Signature} value Razorpay sends for {@code body}. */
  public String signature(String body) {
    return Signatures.hex(
        Signatures.hmacSha256(Signatures.utf8(webhookSecret), Signatures.utf8(body)));
  }

  /**
   * The webhook of {@code body} as Razorpay sends it; {@code eventId} goes into {@code
   * x-razorpay-event-id} unless it is {@code null}.
   */
  public Webhook webhook(String body, String eventId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("User-Agent", USER_AGENT);
    headers.put(RazorpayPlugin.SIGNATURE_HEADER, signature(body));
    if (eventId != null) {
      headers.put(RazorpayPlugin.EVENT_ID_HEADER, eventId);
    }
    return Webhook.of(body, headers);
  }

  /** The delivery as the platform would receive it now. */
  public WebhookRequest request(String body, String eventId) {
    return webhook(body, eventId).received(PATH, RAZORPAY_ADDRESS, Instant.now());
  }

  /** Delivers {@code body} to {@code url} as Razorpay would. */
  public Future<HttpResponse<Buffer>> post(
      WebClient client, String url, String body, String eventId) {
    return webhook(body, eventId).post(client, url);
  }

  private static JsonObject payment(
      String id, long amount, String currency, String status, Object notes) {
    long fee = amount * 236 / 10_000;
    return new JsonObject()
        .put("id", id)
        .put("entity", "payment")
        .put("amount", amount)
        .put("currency", currency.toUpperCase(Locale.ROOT))
        .put("status", status)
        .put("order_id", newId("order_"))
        .put("invoice_id", null)
        .put("international", false)
        .put("method", "upi")
        .put("amount_refunded", 0)
        .put("refund_status", null)
        .put("captured", true)
        .put("description", "Payment for order")
        .put("card_id", null)
        .put("bank", null)
        .put("wallet", null)
        .put("vpa", "gaurav.kumar@exampleupi")
        .put("email", "gaurav.kumar@example.com")
        .put("contact", "+919000090000")
        .put("notes", notes)
        .put("fee", fee)
        .put("tax", fee * 18 / 118)
        .put("error_code", null)
        .put("error_description", null)
        .put("error_source", null)
        .put("error_step", null)
        .put("error_reason", null)
        .put(
            "acquirer_data",
            new JsonObject()
                .put("rrn", RandomIds.digits(12))
                .put("upi_transaction_id", RandomIds.alphanumeric(32)))
        .put("created_at", nowSeconds() - 5)
        .put("upi", new JsonObject().put("vpa", "gaurav.kumar@exampleupi"));
  }

  /**
   * A monthly card subscription as Razorpay renders it, its current cycle ending at {@code
   * currentEnd}.
   */
  static JsonObject subscription(
      String id, String customerId, String status, Object notes, Instant currentEnd) {
    long end = currentEnd.getEpochSecond();
    long start = currentEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long created = currentEnd.atZone(ZoneOffset.UTC).minusMonths(3).toEpochSecond();
    return new JsonObject()
        .put("id", id)
        .put("entity", "subscription")
        .put("plan_id", newId("plan_"))
        .put("customer_id", customerId)
        .put("status", status)
        .put("type", 2)
        .put("current_start", start)
        .put("current_end", end)
        .put("ended_at", null)
        .put("quantity", 1)
        .put("notes", notes)
        .put("charge_at", end)
        .put("start_at", created)
        .put("end_at", currentEnd.atZone(ZoneOffset.UTC).plusMonths(9).toEpochSecond())
        .put("auth_attempts", 0)
        .put("total_count", 12)
        .put("paid_count", 3)
        .put("customer_notify", true)
        .put("created_at", created)
        .put("expire_by", null)
        .put("short_url", null)
        .put("has_scheduled_changes", false)
        .put("change_scheduled_at", null)
        .put("source", "api")
        .put("payment_method", "card")
        .put("offer_id", null)
        .put("remaining_count", 9);
  }

  private static JsonObject wrap(JsonObject entity) {
    return new JsonObject().put("entity", entity);
  }

  private static Object notes(String customerRef) {
    return customerRef == null
        ? new JsonArray()
        : new JsonObject().put(CUSTOMER_REF_KEY, customerRef);
  }

  private static long nowSeconds() {
    return Instant.now().getEpochSecond();
  }

  /** An entity id in Razorpay's style: a type prefix and 14 random letters and digits. */
  static String newId(String prefix) {
    return prefix + RandomIds.alphanumeric(14);
  }
}
