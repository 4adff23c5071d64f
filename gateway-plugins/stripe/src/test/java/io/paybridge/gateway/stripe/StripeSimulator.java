package io.paybridge.gateway.stripe;

import io.paybridge.spi.Signatures;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays Stripe's part in tests: builds event bodies shaped like the snapshot events Stripe sends on
 * API version {@value #API_VERSION}, signs them exactly as Stripe does, and delivers them over real
 * HTTP. Other modules' end-to-end tests use it through this module's test-jar.
 *
 * <p>Amounts are passed as Stripe sends them (integer smallest units) and currencies in any case;
 * bodies carry them lower case, as Stripe does. Customer references go into {@code metadata} under
 * {@value #CUSTOMER_REF_KEY}, the plugin's default key.
 *
 * <p>Stripe's REST API, which the plugin calls for renewals and cancel-and-refund, is played by
 * {@link StripeApiFake}.
 */
public final class StripeSimulator {

  /** The API version whose object shapes the simulator sends. */
  public static final String API_VERSION = "2025-03-31.basil";

  /** The metadata key the simulator stores customer references under. */
  public static final String CUSTOMER_REF_KEY = "customer_ref";

  private static final String PATH = "/hooks/test/stripe";
  private static final String USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
  private static final String CONTENT_TYPE = "application/json; charset=utf-8";

  /** One of the addresses Stripe documents for webhook deliveries. */
  private static final String STRIPE_ADDRESS = "3.18.12.63";

  private static final String ID_ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom SECRETS = new SecureRandom();

  private final String webhookSecret;

  public StripeSimulator(String webhookSecret) {
    this.webhookSecret = Objects.requireNonNull(webhookSecret, "webhookSecret");
  }

  /** A fresh endpoint signing secret in Stripe's format: {@code whsec_} and random base64. */
  public static String newWebhookSecret() {
    byte[] bytes = new byte[24];
    SECRETS.nextBytes(bytes);
    return "whsec_" + Base64.getEncoder().encodeToString(bytes);
  }

  /** A {@code payment_intent.succeeded} event for a card payment captured in full. */
  public String paymentIntentSucceeded(
      String eventId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef) {
    long now = nowSeconds();
    JsonObject intent =
        new JsonObject()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("amount", amountMinor)
            .put("amount_capturable", 0)
            .put("amount_details", new JsonObject().put("tip", new JsonObject()))
            .put("amount_received", amountMinor)
            .put("application", null)
            .put("application_fee_amount", null)
            .put(
                "automatic_payment_methods",
                new JsonObject().put("allow_redirects", "always").put("enabled", true))
            .put("canceled_at", null)
            .put("cancellation_reason", null)
            .put("capture_method", "automatic_async")
            .put("client_secret", paymentIntentId + "_secret_" + randomChars(25))
            .put("confirmation_method", "automatic")
            .put("created", now - 2)
            .put("currency", lower(currency))
            .put("customer", newId("cus_"))
            .put("description", null)
            .put("last_payment_error", null)
            .put("latest_charge", newId("ch_"))
            .put("livemode", false)
            .put("metadata", metadata(customerRef))
            .put("next_action", null)
            .put("on_behalf_of", null)
            .put("payment_method", newId("pm_"))
            .put("payment_method_configuration_details", null)
            .put(
                "payment_method_options",
                new JsonObject()
                    .put(
                        "card",
                        new JsonObject()
                            .put("installments", null)
                            .put("mandate_options", null)
                            .put("network", null)
                            .put("request_three_d_secure", "automatic")))
            .put("payment_method_types", new JsonArray().add("card"))
            .put("processing", null)
            .put("receipt_email", "jenny.rosen@example.com")
            .put("review", null)
            .put("setup_future_usage", null)
            .put("shipping", null)
            .put("source", null)
            .put("statement_descriptor", null)
            .put("statement_descriptor_suffix", null)
            .put("status", "succeeded")
            .put("transfer_data", null)
            .put("transfer_group", null);
    return event(eventId, "payment_intent.succeeded", intent);
  }

  /** A {@code refund.created} event for a card refund that succeeded at once. */
  public String refundCreated(
      String eventId, String refundId, String paymentIntentId, long amountMinor, String currency) {
    JsonObject refund =
        new JsonObject()
            .put("id", refundId)
            .put("object", "refund")
            .put("amount", amountMinor)
            .put("balance_transaction", newId("txn_"))
            .put("charge", newId("ch_"))
            .put("created", nowSeconds())
            .put("currency", lower(currency))
            .put(
                "destination_details",
                new JsonObject()
                    .put(
                        "card",
                        new JsonObject()
                            .put("reference_status", "pending")
                            .put("reference_type", "acquirer_reference_number")
                            .put("type", "refund"))
                    .put("type", "card"))
            .put("metadata", new JsonObject())
            .put("payment_intent", paymentIntentId)
            .put("reason", "requested_by_customer")
            .put("receipt_number", null)
            .put("source_transfer_reversal", null)
            .put("status", "succeeded")
            .put("transfer_reversal", null);
    return event(eventId, "refund.created", refund);
  }

  /**
   * An {@code invoice.paid} event for a monthly subscription renewal, with the subscription under
   * {@code parent.subscription_details} as Stripe sends it from API version 2025-03-31; the
   * customer reference is the subscription's metadata, which Stripe copies there.
   */
  public String invoicePaid(
      String eventId,
      String invoiceId,
      String subscriptionId,
      long amountMinor,
      String currency,
      String customerRef,
      Instant periodEnd) {
    long now = nowSeconds();
    long end = periodEnd.getEpochSecond();
    long start = periodEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long previousStart = periodEnd.atZone(ZoneOffset.UTC).minusMonths(2).toEpochSecond();
    String cur = lower(currency);
    String price = newId("price_");
    String product = newId("prod_");
    JsonObject line =
        new JsonObject()
            .put("id", newId("il_"))
            .put("object", "line_item")
            .put("amount", amountMinor)
            .put("currency", cur)
            .put("description", "1 × Pro (at " + amountMinor + " " + cur + " / month)")
            .put("discount_amounts", new JsonArray())
            .put("discountable", true)
            .put("discounts", new JsonArray())
            .put("invoice", invoiceId)
            .put("livemode", false)
            .put("metadata", new JsonObject())
            .put(
                "parent",
                new JsonObject()
                    .put("invoice_item_details", null)
                    .put(
                        "subscription_item_details",
                        new JsonObject()
                            .put("invoice_item", null)
                            .put("proration", false)
                            .put("proration_details", new JsonObject().put("credited_items", null))
                            .put("subscription", subscriptionId)
                            .put("subscription_item", newId("si_")))
                    .put("type", "subscription_item_details"))
            .put("period", new JsonObject().put("end", end).put("start", start))
            .put("pretax_credit_amounts", new JsonArray())
            .put(
                "pricing",
                new JsonObject()
                    .put(
                        "price_details",
                        new JsonObject().put("price", price).put("product", product))
                    .put("type", "price_details")
                    .put("unit_amount_decimal", Long.toString(amountMinor)))
            .put("quantity", 1)
            .put("taxes", new JsonArray());
    JsonObject invoice =
        new JsonObject()
            .put("id", invoiceId)
            .put("object", "invoice")
            .put("account_country", "US")
            .put("account_name", "Paybridge Test Tenant")
            .put("account_tax_ids", null)
            .put("amount_due", amountMinor)
            .put("amount_overpaid", 0)
            .put("amount_paid", amountMinor)
            .put("amount_remaining", 0)
            .put("amount_shipping", 0)
            .put("application", null)
            .put("attempt_count", 1)
            .put("attempted", true)
            .put("auto_advance", false)
            .put(
                "automatic_tax",
                new JsonObject()
                    .put("disabled_reason", null)
                    .put("enabled", false)
                    .put("liability", null)
                    .put("provider", null)
                    .put("status", null))
            .put("automatically_finalizes_at", null)
            .put("billing_reason", "subscription_cycle")
            .put("collection_method", "charge_automatically")
            .put("created", start)
            .put("currency", cur)
            .put("custom_fields", null)
            .put("customer", newId("cus_"))
            .put("customer_address", null)
            .put("customer_email", "jenny.rosen@example.com")
            .put("customer_name", "Jenny Rosen")
            .put("customer_phone", null)
            .put("customer_shipping", null)
            .put("customer_tax_exempt", "none")
            .put("customer_tax_ids", new JsonArray())
            .put("default_payment_method", null)
            .put("default_source", null)
            .put("default_tax_rates", new JsonArray())
            .put("description", null)
            .put("discounts", new JsonArray())
            .put("due_date", null)
            .put("effective_at", start)
            .put("ending_balance", 0)
            .put("footer", null)
            .put("from_invoice", null)
            .put(
                "hosted_invoice_url",
                "https://invoice.stripe.com/i/acct_test/test_" + randomChars(40))
            .put(
                "invoice_pdf",
                "https://pay.stripe.com/invoice/acct_test/test_" + randomChars(40) + "/pdf")
            .put("issuer", new JsonObject().put("type", "self"))
            .put("last_finalization_error", null)
            .put("latest_revision", null)
            .put(
                "lines",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(line))
                    .put("has_more", false)
                    .put("total_count", 1)
                    .put("url", "/v1/invoices/" + invoiceId + "/lines"))
            .put("livemode", false)
            .put("metadata", new JsonObject())
            .put("next_payment_attempt", null)
            .put("number", randomChars(8).toUpperCase(Locale.ROOT) + "-0002")
            .put("on_behalf_of", null)
            .put(
                "parent",
                new JsonObject()
                    .put("quote_details", null)
                    .put(
                        "subscription_details",
                        new JsonObject()
                            .put("metadata", metadata(customerRef))
                            .put("subscription", subscriptionId))
                    .put("type", "subscription_details"))
            .put(
                "payment_settings",
                new JsonObject()
                    .put("default_mandate", null)
                    .put("payment_method_options", null)
                    .put("payment_method_types", null))
            .put("period_end", start)
            .put("period_start", previousStart)
            .put("post_payment_credit_notes_amount", 0)
            .put("pre_payment_credit_notes_amount", 0)
            .put("receipt_number", null)
            .put("rendering", null)
            .put("shipping_cost", null)
            .put("shipping_details", null)
            .put("starting_balance", 0)
            .put("statement_descriptor", null)
            .put("status", "paid")
            .put(
                "status_transitions",
                new JsonObject()
                    .put("finalized_at", now)
                    .put("marked_uncollectible_at", null)
                    .put("paid_at", now)
                    .put("voided_at", null))
            .put("subtotal", amountMinor)
            .put("subtotal_excluding_tax", amountMinor)
            .put("test_clock", null)
            .put("total", amountMinor)
            .put("total_discount_amounts", new JsonArray())
            .put("total_excluding_tax", amountMinor)
            .put("total_pretax_credit_amounts", new JsonArray())
            .put("total_taxes", new JsonArray())
            .put("webhooks_delivered_at", now);
    return event(eventId, "invoice.paid", invoice);
  }

  /**
   * A {@code customer.subscription.deleted} event for a monthly subscription cancelled at once; its
   * period end (on the subscription item, as from API version 2025-03-31) lies two weeks ahead.
   */
  public String subscriptionDeleted(String eventId, String subscriptionId) {
    long now = nowSeconds();
    Instant periodEnd = Instant.ofEpochSecond(now).plus(Duration.ofDays(14));
    long end = periodEnd.getEpochSecond();
    long start = periodEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long created = start - Duration.ofDays(62).toSeconds();
    String product = newId("prod_");
    JsonObject price =
        new JsonObject()
            .put("id", newId("price_"))
            .put("object", "price")
            .put("active", true)
            .put("billing_scheme", "per_unit")
            .put("created", created)
            .put("currency", "usd")
            .put("livemode", false)
            .put("lookup_key", null)
            .put("metadata", new JsonObject())
            .put("nickname", null)
            .put("product", product)
            .put(
                "recurring",
                new JsonObject()
                    .put("interval", "month")
                    .put("interval_count", 1)
                    .put("meter", null)
                    .put("usage_type", "licensed"))
            .put("tax_behavior", "unspecified")
            .put("tiers_mode", null)
            .put("transform_quantity", null)
            .put("type", "recurring")
            .put("unit_amount", 1500)
            .put("unit_amount_decimal", "1500");
    JsonObject item =
        new JsonObject()
            .put("id", newId("si_"))
            .put("object", "subscription_item")
            .put("created", created)
            .put("current_period_end", end)
            .put("current_period_start", start)
            .put("discounts", new JsonArray())
            .put("metadata", new JsonObject())
            .put("price", price)
            .put("quantity", 1)
            .put("subscription", subscriptionId)
            .put("tax_rates", new JsonArray());
    JsonObject subscription =
        new JsonObject()
            .put("id", subscriptionId)
            .put("object", "subscription")
            .put("application", null)
            .put("application_fee_percent", null)
            .put(
                "automatic_tax",
                new JsonObject()
                    .put("disabled_reason", null)
                    .put("enabled", false)
                    .put("liability", null))
            .put("billing_cycle_anchor", created)
            .put("billing_thresholds", null)
            .put("cancel_at", null)
            .put("cancel_at_period_end", false)
            .put("canceled_at", now)
            .put(
                "cancellation_details",
                new JsonObject()
                    .put("comment", null)
                    .put("feedback", null)
                    .put("reason", "cancellation_requested"))
            .put("collection_method", "charge_automatically")
            .put("created", created)
            .put("currency", "usd")
            .put("customer", newId("cus_"))
            .put("days_until_due", null)
            .put("default_payment_method", newId("pm_"))
            .put("default_source", null)
            .put("default_tax_rates", new JsonArray())
            .put("description", null)
            .put("discounts", new JsonArray())
            .put("ended_at", now)
            .put(
                "invoice_settings",
                new JsonObject()
                    .put("account_tax_ids", null)
                    .put("issuer", new JsonObject().put("type", "self")))
            .put(
                "items",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(item))
                    .put("has_more", false)
                    .put("total_count", 1)
                    .put("url", "/v1/subscription_items?subscription=" + subscriptionId))
            .put("latest_invoice", newId("in_"))
            .put("livemode", false)
            .put("metadata", new JsonObject())
            .put("next_pending_invoice_item_invoice", null)
            .put("on_behalf_of", null)
            .put("pause_collection", null)
            .put("pending_invoice_item_interval", null)
            .put("pending_setup_intent", null)
            .put("pending_update", null)
            .put("schedule", null)
            .put("start_date", created)
            .put("status", "canceled")
            .put("test_clock", null)
            .put("transfer_data", null)
            .put("trial_end", null)
            .put("trial_start", null);
    return event(eventId, "customer.subscription.deleted", subscription);
  }

  /** An event of any type around the given {@code data.object}, in Stripe's envelope. */
  public String event(String eventId, String type, JsonObject dataObject) {
    return new JsonObject()
        .put("id", eventId)
        .put("object", "event")
        .put("api_version", API_VERSION)
        .put("created", nowSeconds())
        .put("data", new JsonObject().put("object", dataObject))
        .put("livemode", false)
        .put("pending_webhooks", 1)
        .put(
            "request",
            new JsonObject()
                .put("id", newId("req_"))
                .put("idempotency_key", UUID.randomUUID().toString()))
        .put("type", type)
        .encodePrettily();
  }

  /**
   * The {@code Stripe-Signature} value Stripe sends for {@code body} signed at {@code signedAt}.
   */
  public String signatureHeader(String body, Instant signedAt) {
    String t = Long.toString(signedAt.getEpochSecond());
    byte[] mac =
        Signatures.hmacSha256(
            Signatures.utf8(webhookSecret), Signatures.utf8(t + "."), Signatures.utf8(body));
    return "t=" + t + ",v1=" + Signatures.hex(mac);
  }

  /** The delivery as the platform would receive it at the moment it was signed. */
  public WebhookRequest request(String body, Instant signedAt) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", CONTENT_TYPE)
            .add("User-Agent", USER_AGENT)
            .add("Cache-Control", "no-cache")
            .add(StripePlugin.SIGNATURE_HEADER, signatureHeader(body, signedAt));
    return new WebhookRequest(
        "POST",
        PATH,
        headers,
        MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(body),
        STRIPE_ADDRESS,
        signedAt);
  }

  /** Delivers {@code body}, signed now, to {@code url} as Stripe would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return client
        .postAbs(url)
        .timeout(10_000)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("User-Agent", USER_AGENT)
        .putHeader(StripePlugin.SIGNATURE_HEADER, signatureHeader(body, Instant.now()))
        .sendBuffer(Buffer.buffer(body));
  }

  private static JsonObject metadata(String customerRef) {
    JsonObject metadata = new JsonObject();
    if (customerRef != null) {
      metadata.put(CUSTOMER_REF_KEY, customerRef);
    }
    return metadata;
  }

  private static String lower(String currency) {
    return currency.toLowerCase(Locale.ROOT);
  }

  private static long nowSeconds() {
    return Instant.now().getEpochSecond();
  }

  /** An object id in Stripe's style: a type prefix and 24 random letters and digits. */
  static String newId(String prefix) {
    return prefix + randomChars(24);
  }

  private static String randomChars(int n) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return sb.toString();
  }
}
