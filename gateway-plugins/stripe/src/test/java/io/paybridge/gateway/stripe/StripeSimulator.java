package io.paybridge.gateway.stripe;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Plays Stripe's part in tests: builds event bodies shaped like the snapshot events Stripe sends,
 * signs them exactly as Stripe does, and delivers them over real HTTP. Other modules' end-to-end
 * tests use it through this module's test-jar.
 *
 * <p>Stripe renders an event's object in the API version of the webhook endpoint, and two of those
 * versions matter to the plugin: {@value #API_VERSION_2024}, where a payment intent or charge names
 * its invoice and an invoice names its subscription and payment intent, and {@value #API_VERSION}
 * ("basil") and later, where a payment names no invoice and an invoice keeps its subscription under
 * {@code parent.subscription_details}. The object builders take the version and render its shape;
 * {@link #API_VERSIONS} are the versions the plugin is tested with. The short event builders keep
 * the versions they have always had: {@link #paymentIntentSucceeded} and {@link #event(String,
 * String, JsonObject)} render {@value #API_VERSION_2024} (a one-time payment that books without an
 * API key), {@link #invoicePaid} and {@link #subscriptionDeleted} render {@value #API_VERSION}.
 *
 * <p>Amounts are passed as Stripe sends them (integer smallest units) and currencies in any case;
 * bodies carry them lower case, as Stripe does. Customer references go into {@code metadata} under
 * {@value #CUSTOMER_REF_KEY}, the plugin's default key.
 *
 * <p>Stripe's REST API, which the plugin calls for lookups, renewals and cancel-and-refund, is
 * played by {@link StripeApiFake}.
 */
public final class StripeSimulator {

  /** API version 2025-03-31 ("basil"): the newest shapes, and the version the API fake speaks. */
  public static final String API_VERSION = "2025-03-31.basil";

  /** The last version before basil whose shapes the plugin reads. */
  public static final String API_VERSION_2024 = "2024-06-20";

  /** The versions the plugin is tested with, oldest first. */
  public static final List<String> API_VERSIONS = List.of(API_VERSION_2024, API_VERSION);

  /** The metadata key the simulator stores customer references under. */
  public static final String CUSTOMER_REF_KEY = "customer_ref";

  private static final String PATH = "/hooks/test/stripe";
  private static final String USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
  private static final String CONTENT_TYPE = "application/json; charset=utf-8";

  /** One of the addresses Stripe documents for webhook deliveries. */
  private static final String STRIPE_ADDRESS = "3.18.12.63";

  private static final SecureRandom SECRETS = new SecureRandom();

  /** Stripe's dispute fee in the US: 15.00 USD. */
  private static final long DISPUTE_FEE = 1500;

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

  /** Whether objects of this API version have basil's shapes (2025-03-31 or later). */
  public static boolean isBasil(String apiVersion) {
    return apiVersion.substring(0, 10).compareTo("2025-03-31") >= 0;
  }

  // ---- events

  /**
   * A {@code payment_intent.succeeded} event for a one-time card payment captured in full, as an
   * endpoint on {@value #API_VERSION_2024} receives it: it names no invoice, so it books without
   * asking Stripe.
   */
  public String paymentIntentSucceeded(
      String eventId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef) {
    return event(
        eventId,
        "payment_intent.succeeded",
        paymentIntent(API_VERSION_2024, paymentIntentId, amountMinor, currency, customerRef, null),
        API_VERSION_2024);
  }

  /** A {@code refund.created} event for a card refund that succeeded at once. */
  public String refundCreated(
      String eventId, String refundId, String paymentIntentId, long amountMinor, String currency) {
    return event(
        eventId,
        "refund.created",
        refund(refundId, newId("ch_"), paymentIntentId, amountMinor, currency, "succeeded"),
        API_VERSION);
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
    return event(
        eventId,
        "invoice.paid",
        invoice(
            API_VERSION,
            invoiceId,
            subscriptionId,
            null,
            amountMinor,
            currency,
            customerRef,
            periodEnd),
        API_VERSION);
  }

  /**
   * A {@code customer.subscription.deleted} event for a monthly subscription cancelled at once; its
   * period end (on the subscription item, as from API version 2025-03-31) lies two weeks ahead.
   */
  public String subscriptionDeleted(String eventId, String subscriptionId) {
    return event(
        eventId,
        "customer.subscription.deleted",
        canceledSubscription(API_VERSION, subscriptionId, null),
        API_VERSION);
  }

  /** An event of any type around the given {@code data.object}, on {@value #API_VERSION_2024}. */
  public String event(String eventId, String type, JsonObject dataObject) {
    return event(eventId, type, dataObject, API_VERSION_2024);
  }

  /** An event of any type around the given {@code data.object}, in Stripe's envelope. */
  public String event(String eventId, String type, JsonObject dataObject, String apiVersion) {
    return new JsonObject()
        .put("id", eventId)
        .put("object", "event")
        .put("api_version", apiVersion)
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

  // ---- objects

  /**
   * A card payment intent that succeeded, captured in full. Before basil it carries {@code invoice}
   * (the invoice it pays, or {@code null}); basil's payment intents have no such field.
   */
  public JsonObject paymentIntent(
      String apiVersion,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef,
      String invoiceId) {
    JsonObject intent =
        paymentIntentBase(paymentIntentId, amountMinor, currency, customerRef)
            .put("amount_capturable", 0)
            .put("amount_received", amountMinor)
            .put("capture_method", "automatic_async")
            .put("latest_charge", newId("ch_"))
            .put("status", "succeeded");
    return withInvoice(apiVersion, intent, invoiceId);
  }

  /**
   * A card payment intent authorized but not captured ({@code capture_method: manual}), as {@code
   * payment_intent.amount_capturable_updated} carries it.
   */
  public JsonObject paymentIntentRequiringCapture(
      String apiVersion,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef) {
    JsonObject intent =
        paymentIntentBase(paymentIntentId, amountMinor, currency, customerRef)
            .put("amount_capturable", amountMinor)
            .put("amount_received", 0)
            .put("capture_method", "manual")
            .put("latest_charge", newId("ch_"))
            .put("status", "requires_capture");
    return withInvoice(apiVersion, intent, null);
  }

  private JsonObject paymentIntentBase(
      String paymentIntentId, long amountMinor, String currency, String customerRef) {
    return new JsonObject()
        .put("id", paymentIntentId)
        .put("object", "payment_intent")
        .put("amount", amountMinor)
        .put("amount_details", new JsonObject().put("tip", new JsonObject()))
        .put("application", null)
        .put("application_fee_amount", null)
        .put(
            "automatic_payment_methods",
            new JsonObject().put("allow_redirects", "always").put("enabled", true))
        .put("canceled_at", null)
        .put("cancellation_reason", null)
        .put("client_secret", paymentIntentId + "_secret_" + RandomIds.alphanumeric(25))
        .put("confirmation_method", "automatic")
        .put("created", nowSeconds() - 2)
        .put("currency", lower(currency))
        .put("customer", newId("cus_"))
        .put("description", null)
        .put("last_payment_error", null)
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
        .put("transfer_data", null)
        .put("transfer_group", null);
  }

  /**
   * A captured card charge. Like {@code charge.succeeded} and {@code charge.refunded} carry it from
   * API version 2022-11-15 on, it has no {@code refunds} list; before basil it carries {@code
   * invoice}. {@code amountRefunded} is what was refunded of it so far.
   */
  public JsonObject charge(
      String apiVersion,
      String chargeId,
      String paymentIntentId,
      long amountMinor,
      long amountRefunded,
      String currency,
      String customerRef,
      String invoiceId) {
    long now = nowSeconds();
    JsonObject charge =
        new JsonObject()
            .put("id", chargeId)
            .put("object", "charge")
            .put("amount", amountMinor)
            .put("amount_captured", amountMinor)
            .put("amount_refunded", amountRefunded)
            .put("application", null)
            .put("application_fee", null)
            .put("application_fee_amount", null)
            .put("balance_transaction", newId("txn_"))
            .put(
                "billing_details",
                new JsonObject()
                    .put(
                        "address",
                        new JsonObject()
                            .put("city", null)
                            .put("country", "US")
                            .put("line1", null)
                            .put("line2", null)
                            .put("postal_code", "94103")
                            .put("state", null))
                    .put("email", "jenny.rosen@example.com")
                    .put("name", "Jenny Rosen")
                    .put("phone", null))
            .put("calculated_statement_descriptor", "PAYBRIDGE TEST")
            .put("captured", true)
            .put("created", now - 2)
            .put("currency", lower(currency))
            .put("customer", newId("cus_"))
            .put("description", null)
            .put("disputed", false)
            .put("failure_balance_transaction", null)
            .put("failure_code", null)
            .put("failure_message", null)
            .put("fraud_details", new JsonObject())
            .put("livemode", false)
            .put("metadata", metadata(customerRef))
            .put("on_behalf_of", null)
            .put(
                "outcome",
                new JsonObject()
                    .put("network_status", "approved_by_network")
                    .put("reason", null)
                    .put("risk_level", "normal")
                    .put("risk_score", 32)
                    .put("seller_message", "Payment complete.")
                    .put("type", "authorized"))
            .put("paid", true)
            .put("payment_intent", paymentIntentId)
            .put("payment_method", newId("pm_"))
            .put(
                "payment_method_details",
                new JsonObject()
                    .put(
                        "card",
                        new JsonObject()
                            .put("amount_authorized", amountMinor)
                            .put("brand", "visa")
                            .put("country", "US")
                            .put("exp_month", 8)
                            .put("exp_year", 2030)
                            .put("funding", "credit")
                            .put("last4", "4242")
                            .put("network", "visa"))
                    .put("type", "card"))
            .put("receipt_email", null)
            .put("receipt_number", null)
            .put(
                "receipt_url",
                "https://pay.stripe.com/receipts/payment/" + RandomIds.alphanumeric(40))
            .put("refunded", amountRefunded >= amountMinor)
            .put("review", null)
            .put("shipping", null)
            .put("source_transfer", null)
            .put("statement_descriptor", null)
            .put("statement_descriptor_suffix", null)
            .put("status", "succeeded")
            .put("transfer_data", null)
            .put("transfer_group", null);
    return withInvoice(apiVersion, charge, invoiceId);
  }

  /** A card refund in the given status ({@code pending}, {@code succeeded}, {@code failed}…). */
  public JsonObject refund(
      String refundId,
      String chargeId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String status) {
    boolean failed = "failed".equals(status);
    return new JsonObject()
        .put("id", refundId)
        .put("object", "refund")
        .put("amount", amountMinor)
        .put("balance_transaction", newId("txn_"))
        .put("charge", chargeId)
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
        .put("failure_balance_transaction", failed ? newId("txn_") : null)
        .put("failure_reason", failed ? "expired_or_canceled_card" : null)
        .put("metadata", new JsonObject())
        .put("payment_intent", paymentIntentId)
        .put("reason", "requested_by_customer")
        .put("receipt_number", null)
        .put("source_transfer_reversal", null)
        .put("status", status)
        .put("transfer_reversal", null);
  }

  /**
   * A paid invoice of a monthly subscription (or, with {@code subscriptionId} null, a one-off
   * invoice). Before basil the invoice names its {@code subscription}, {@code payment_intent} and
   * {@code charge} and keeps the subscription's metadata under {@code subscription_details}; from
   * basil the subscription and its metadata are under {@code parent.subscription_details}, and the
   * invoice names no payment ({@code paymentIntentId} is not rendered).
   */
  public JsonObject invoice(
      String apiVersion,
      String invoiceId,
      String subscriptionId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef,
      Instant periodEnd) {
    boolean basil = isBasil(apiVersion);
    long now = nowSeconds();
    long end = periodEnd.getEpochSecond();
    long start = periodEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long previousStart = periodEnd.atZone(ZoneOffset.UTC).minusMonths(2).toEpochSecond();
    String cur = lower(currency);
    JsonObject invoice =
        new JsonObject()
            .put("id", invoiceId)
            .put("object", "invoice")
            .put("account_country", "US")
            .put("account_name", "Paybridge Test Tenant")
            .put("account_tax_ids", null)
            .put("amount_due", amountMinor)
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
                    .put("status", null))
            .put("billing_reason", subscriptionId == null ? "manual" : "subscription_cycle")
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
                "https://invoice.stripe.com/i/acct_test/test_" + RandomIds.alphanumeric(40))
            .put(
                "invoice_pdf",
                "https://pay.stripe.com/invoice/acct_test/test_"
                    + RandomIds.alphanumeric(40)
                    + "/pdf")
            .put("issuer", new JsonObject().put("type", "self"))
            .put("last_finalization_error", null)
            .put("latest_revision", null)
            .put(
                "lines",
                new JsonObject()
                    .put("object", "list")
                    .put(
                        "data",
                        new JsonArray()
                            .add(
                                invoiceLine(
                                    basil,
                                    invoiceId,
                                    subscriptionId,
                                    amountMinor,
                                    cur,
                                    start,
                                    end)))
                    .put("has_more", false)
                    .put("total_count", 1)
                    .put("url", "/v1/invoices/" + invoiceId + "/lines"))
            .put("livemode", false)
            .put("metadata", new JsonObject())
            .put("next_payment_attempt", null)
            .put("number", RandomIds.alphanumeric(8).toUpperCase(Locale.ROOT) + "-0002")
            .put("on_behalf_of", null)
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
            .put("webhooks_delivered_at", now);
    if (basil) {
      invoice
          .put("amount_overpaid", 0)
          .put(
              "parent",
              subscriptionId == null
                  ? null
                  : new JsonObject()
                      .put("quote_details", null)
                      .put(
                          "subscription_details",
                          new JsonObject()
                              .put("metadata", metadata(customerRef))
                              .put("subscription", subscriptionId))
                      .put("type", "subscription_details"))
          .put("total_pretax_credit_amounts", new JsonArray())
          .put("total_taxes", new JsonArray());
    } else {
      invoice
          .put("charge", paymentIntentId == null ? null : newId("ch_"))
          .put("discount", null)
          .put("paid", true)
          .put("paid_out_of_band", false)
          .put("payment_intent", paymentIntentId)
          .put("subscription", subscriptionId)
          .put(
              "subscription_details",
              new JsonObject()
                  .put("metadata", subscriptionId == null ? null : metadata(customerRef)))
          .put("tax", null)
          .put("total_tax_amounts", new JsonArray());
      if (subscriptionId == null) {
        invoice.put("metadata", metadata(customerRef));
      }
    }
    return invoice;
  }

  private static JsonObject invoiceLine(
      boolean basil,
      String invoiceId,
      String subscriptionId,
      long amountMinor,
      String cur,
      long start,
      long end) {
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
            .put("period", new JsonObject().put("end", end).put("start", start))
            .put("quantity", 1);
    if (basil) {
      return line.put(
              "parent",
              subscriptionId == null
                  ? new JsonObject()
                      .put(
                          "invoice_item_details",
                          new JsonObject().put("invoice_item", newId("ii_")))
                      .put("subscription_item_details", null)
                      .put("type", "invoice_item_details")
                  : new JsonObject()
                      .put("invoice_item_details", null)
                      .put(
                          "subscription_item_details",
                          new JsonObject()
                              .put("invoice_item", null)
                              .put("proration", false)
                              .put(
                                  "proration_details", new JsonObject().put("credited_items", null))
                              .put("subscription", subscriptionId)
                              .put("subscription_item", newId("si_")))
                      .put("type", "subscription_item_details"))
          .put("pretax_credit_amounts", new JsonArray())
          .put(
              "pricing",
              new JsonObject()
                  .put(
                      "price_details", new JsonObject().put("price", price).put("product", product))
                  .put("type", "price_details")
                  .put("unit_amount_decimal", Long.toString(amountMinor)))
          .put("taxes", new JsonArray());
    }
    return line.put("plan", null)
        .put(
            "price",
            new JsonObject()
                .put("id", price)
                .put("object", "price")
                .put("currency", cur)
                .put("product", product)
                .put("type", subscriptionId == null ? "one_time" : "recurring")
                .put("unit_amount", amountMinor))
        .put("proration", false)
        .put("subscription", subscriptionId)
        .put("subscription_item", subscriptionId == null ? null : newId("si_"))
        .put("tax_amounts", new JsonArray())
        .put("type", subscriptionId == null ? "invoiceitem" : "subscription");
  }

  /**
   * A monthly subscription cancelled at once, its period ending two weeks ahead: on the
   * subscription before basil, on its item from basil.
   */
  public JsonObject canceledSubscription(
      String apiVersion, String subscriptionId, String customerRef) {
    boolean basil = isBasil(apiVersion);
    long now = nowSeconds();
    Instant periodEnd = Instant.ofEpochSecond(now).plus(Duration.ofDays(14));
    long end = periodEnd.getEpochSecond();
    long start = periodEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long created = start - Duration.ofDays(62).toSeconds();
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
            .put("product", newId("prod_"))
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
            .put("metadata", metadata(customerRef))
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
    if (basil) {
      item.put("current_period_end", end).put("current_period_start", start);
    } else {
      subscription.put("current_period_end", end).put("current_period_start", start);
    }
    return subscription;
  }

  /**
   * A completed Checkout Session, paid. In {@code subscription} mode it names the subscription and
   * its first invoice; in {@code payment} mode its payment intent.
   */
  public JsonObject checkoutSession(
      String apiVersion,
      String sessionId,
      String mode,
      String paymentIntentId,
      String invoiceId,
      String subscriptionId,
      long amountMinor,
      String currency,
      String customerRef) {
    JsonObject session =
        new JsonObject()
            .put("id", sessionId)
            .put("object", "checkout.session")
            .put("amount_subtotal", amountMinor)
            .put("amount_total", amountMinor)
            .put("client_reference_id", null)
            .put("created", nowSeconds() - 60)
            .put("currency", lower(currency))
            .put("customer", newId("cus_"))
            .put(
                "customer_details",
                new JsonObject()
                    .put("email", "jenny.rosen@example.com")
                    .put("name", "Jenny Rosen")
                    .put("phone", null)
                    .put("tax_exempt", "none"))
            .put("customer_email", null)
            .put("expires_at", nowSeconds() + 86_400)
            .put("invoice", invoiceId)
            .put("livemode", false)
            .put("metadata", metadata(customerRef))
            .put("mode", mode)
            .put("payment_intent", paymentIntentId)
            .put("payment_status", "paid")
            .put("status", "complete")
            .put("subscription", subscriptionId)
            .put("success_url", "https://example.com/success")
            .put("url", null);
    if (!isBasil(apiVersion)) {
      session.put("shipping_details", null);
    }
    return session;
  }

  /**
   * A card dispute of a charge, with a balance transaction for each movement of funds: a negative
   * movement is the withdrawal (carrying Stripe's dispute fee), a positive one the reinstatement
   * once the dispute is won. Stripe settles them in the account's currency, here the charge's.
   */
  public JsonObject dispute(
      String disputeId,
      String chargeId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String status,
      long... movements) {
    JsonArray transactions = new JsonArray();
    for (long moved : movements) {
      long fee = moved < 0 ? DISPUTE_FEE : 0;
      transactions.add(
          new JsonObject()
              .put("id", newId("txn_"))
              .put("object", "balance_transaction")
              .put("amount", moved)
              .put("available_on", nowSeconds() + 86_400)
              .put("created", nowSeconds())
              .put("currency", lower(currency))
              .put(
                  "description",
                  (moved < 0 ? "Chargeback withdrawal for " : "Chargeback reversal for ")
                      + chargeId)
              .put("exchange_rate", null)
              .put("fee", fee)
              .put(
                  "fee_details",
                  fee == 0
                      ? new JsonArray()
                      : new JsonArray()
                          .add(
                              new JsonObject()
                                  .put("amount", fee)
                                  .put("application", null)
                                  .put("currency", lower(currency))
                                  .put("description", "Dispute fee")
                                  .put("type", "stripe_fee")))
              .put("net", moved - fee)
              .put("reporting_category", moved < 0 ? "dispute" : "dispute_reversal")
              .put("source", disputeId)
              .put("status", "pending")
              .put("type", "adjustment"));
    }
    return new JsonObject()
        .put("id", disputeId)
        .put("object", "dispute")
        .put("amount", amountMinor)
        .put("balance_transactions", transactions)
        .put("charge", chargeId)
        .put("created", nowSeconds() - 60)
        .put("currency", lower(currency))
        .put(
            "evidence_details",
            new JsonObject()
                .put("due_by", nowSeconds() + 7 * 86_400)
                .put("has_evidence", false)
                .put("past_due", false)
                .put("submission_count", 0))
        .put("is_charge_refundable", false)
        .put("livemode", false)
        .put("metadata", new JsonObject())
        .put("network_reason_code", "10.4")
        .put("payment_intent", paymentIntentId)
        .put(
            "payment_method_details",
            new JsonObject()
                .put(
                    "card",
                    new JsonObject()
                        .put("brand", "visa")
                        .put("case_type", "chargeback")
                        .put("network_reason_code", "10.4"))
                .put("type", "card"))
        .put("reason", "fraudulent")
        .put("status", status);
  }

  /** A Radar review of a payment, closed for the given reason ({@code approved}, …). */
  public JsonObject closedReview(
      String reviewId, String chargeId, String paymentIntentId, String closedReason) {
    return new JsonObject()
        .put("id", reviewId)
        .put("object", "review")
        .put("billing_zip", "94103")
        .put("charge", chargeId)
        .put("closed_reason", closedReason)
        .put("created", nowSeconds() - 3600)
        .put("ip_address", "203.0.113.7")
        .put("ip_address_location", null)
        .put("livemode", false)
        .put("open", false)
        .put("opened_reason", "rule")
        .put("payment_intent", paymentIntentId)
        .put("reason", closedReason)
        .put("session", null);
  }

  /** Before basil, a payment names its invoice ({@code null} when it pays none); from basil not. */
  private static JsonObject withInvoice(String apiVersion, JsonObject payment, String invoiceId) {
    if (isBasil(apiVersion)) {
      if (invoiceId != null) {
        throw new IllegalArgumentException(
            "from API version 2025-03-31 a payment intent or charge names no invoice");
      }
      return payment;
    }
    return payment.put("invoice", invoiceId);
  }

  // ---- signing and delivery

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

  /** The webhook of {@code body} as Stripe sends it, signed now. */
  public Webhook webhook(String body) {
    return webhook(body, signatureHeader(body, Instant.now()));
  }

  /** The webhook as Stripe sends it, carrying the given signature header. */
  public static Webhook webhook(String body, String signatureHeader) {
    return Webhook.of(
        body,
        Map.of(
            "Content-Type",
            CONTENT_TYPE,
            "User-Agent",
            USER_AGENT,
            "Cache-Control",
            "no-cache",
            StripePlugin.SIGNATURE_HEADER,
            signatureHeader));
  }

  /** The delivery as the platform would receive it at the moment it was signed. */
  public WebhookRequest request(String body, Instant signedAt) {
    return request(body, signedAt, signatureHeader(body, signedAt));
  }

  /** The delivery as received at {@code receivedAt}, carrying the given signature header. */
  public static WebhookRequest request(String body, Instant receivedAt, String signatureHeader) {
    return webhook(body, signatureHeader).received(PATH, STRIPE_ADDRESS, receivedAt);
  }

  /** Delivers {@code body}, signed now, to {@code url} as Stripe would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
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
    return prefix + RandomIds.alphanumeric(24);
  }
}
