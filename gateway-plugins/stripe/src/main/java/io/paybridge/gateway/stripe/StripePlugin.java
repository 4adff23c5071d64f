package io.paybridge.gateway.stripe;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe webhooks: snapshot events ({@code {"id":"evt_…","type":…,"data":{"object":{…}}}}) signed
 * in the {@code Stripe-Signature} header, implemented on the JDK without Stripe's SDK.
 *
 * <h2>Authenticity</h2>
 *
 * The header is {@code t=<unix seconds>,v1=<hex>[,v1=<hex>…]}. Each {@code v1} is the lower-case
 * hex HMAC-SHA256, keyed with the endpoint's whole signing secret ({@code whsec_…} as UTF-8, not
 * decoded), of {@code <t>.<raw body>}. Any {@code v1} may match, so deliveries keep verifying while
 * the secret is rolled; other schemes ({@code v0}) are ignored. The timestamp must lie within
 * {@link #TOLERANCE} of the time the platform received the delivery, in either direction, which
 * bounds replays of a captured delivery.
 *
 * <h2>Meaning</h2>
 *
 * Amounts become ISO-4217 minor units (see {@code StripeAmounts}), currencies upper case. The
 * ledger entry key of a payment is {@code payment:<payment intent id>}, so that {@code
 * payment_intent.succeeded}, {@code charge.succeeded} and {@code checkout.session.completed} of one
 * payment book once; refunds are keyed by the refund id, subscription invoices by the invoice id.
 * The customer reference is the object's metadata value under the account's {@code customerRefKey}
 * (default {@value #DEFAULT_CUSTOMER_REF_KEY}), else Stripe's customer id.
 *
 * <ul>
 *   <li>{@code payment_intent.succeeded}, {@code charge.succeeded}: a payment. A payment intent or
 *       charge that names its invoice (API versions before 2025-03-31) is left to the invoice
 *       events, which book it as a subscription charge. From 2025-03-31 Stripe no longer links a
 *       payment intent to its invoice, so an account on such a version that sells subscriptions
 *       should not subscribe to these two events, or its subscription charges book twice. A charge
 *       that is only authorized ({@code captured: false}) is not yet money received.
 *   <li>{@code checkout.session.completed}: a payment once {@code payment_status} is {@code paid}.
 *       A subscription-mode session is keyed by its first invoice ({@code invoice:<id>}), the same
 *       key as that invoice's {@code invoice.paid}, and carries the subscription id.
 *   <li>{@code refund.created}, {@code refund.updated}: a refund once its status is {@code
 *       succeeded}.
 *   <li>{@code charge.refunded}: one refund per succeeded refund in the charge's {@code
 *       refunds.data}. Since API version 2022-11-15 Stripe no longer includes that list, and the
 *       charge's cumulative {@code amount_refunded} cannot be booked without double counting, so
 *       such deliveries carry no events: accounts should subscribe to {@code refund.created} and
 *       {@code refund.updated}, which carry each refund.
 *   <li>{@code invoice.paid}, {@code invoice.payment_succeeded}: a recurring charge keyed {@code
 *       invoice:<id>} (Stripe sends both for one invoice), with the subscription id from {@code
 *       subscription} or, from API version 2025-03-31, {@code parent.subscription_details}; an
 *       invoice outside any subscription is a plain payment; nothing is booked for a zero amount.
 *   <li>{@code customer.subscription.deleted}: a subscription cancelled.
 * </ul>
 *
 * Everything else is acknowledged and ignored.
 *
 * <h2>API calls</h2>
 *
 * As {@link Renewals} the plugin reads a subscription's state, and as {@link CancelAndRefund} it
 * cancels a subscription and refunds its charge, through Stripe's REST API at {@value
 * #DEFAULT_API_BASE} (setting {@value #API_BASE_SETTING}; total time per call from {@value
 * #API_TIMEOUT_SETTING}, in milliseconds, default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}). Calls
 * authenticate with the account's optional {@code apiKey}, which only accounts that use these
 * capabilities need; without it they fail, naming the field, and are not retryable. Every call pins
 * {@code Stripe-Version} to {@value #API_VERSION}. The details are in {@code StripeApi}.
 */
public final class StripePlugin implements GatewayPlugin, Renewals, CancelAndRefund {

  public static final String ID = "stripe";
  public static final String SIGNATURE_HEADER = "Stripe-Signature";

  /** How far a signature's timestamp may be from the receiving time, either way. */
  public static final Duration TOLERANCE = Duration.ofSeconds(300);

  public static final String WEBHOOK_SECRET = "webhookSecret";
  public static final String API_KEY = "apiKey";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String DEFAULT_CUSTOMER_REF_KEY = "customer_ref";

  /** The API version whose object shapes the plugin reads; sent with every API call. */
  public static final String API_VERSION = "2025-03-31.basil";

  /** Setting naming the base URL of Stripe's API; tests point it at a fake. */
  public static final String API_BASE_SETTING = "stripe.api.base";

  public static final String DEFAULT_API_BASE = "https://api.stripe.com";

  /** Setting for the total time one API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "stripe.api.timeout.ms";

  private static final String SECRET_PREFIX = "whsec_";
  private static final byte[] DOT = {'.'};

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.secret(
              WEBHOOK_SECRET,
              "Webhook signing secret",
              "Dashboard > Developers > Webhooks > your endpoint > Signing secret; starts with whsec_"),
          CredentialField.secret(
                  API_KEY,
                  "Secret API key",
                  "Dashboard > Developers > API keys: a secret (sk_) or restricted (rk_) key with"
                      + " write access to subscriptions and refunds; needed only for subscription"
                      + " checks and cancel-and-refund, not to receive webhooks")
              .optional(null),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference metadata key",
                  "The metadata key under which your integration stores your own customer reference")
              .optional(DEFAULT_CUSTOMER_REF_KEY));

  private static final List<String> EVENTS =
      List.of(
          "payment_intent.succeeded",
          "charge.succeeded",
          "checkout.session.completed",
          "charge.refunded",
          "refund.created",
          "refund.updated",
          "invoice.paid",
          "invoice.payment_succeeded",
          "customer.subscription.deleted");

  /** Set by {@link #init}; webhook handling works without it. */
  private volatile StripeApi api;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Stripe";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
  }

  /**
   * The schema, and a signing secret that looks like one: Stripe's all start with {@code whsec_}.
   */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    Credentials credentials = SCHEMA.validate(submitted);
    String secret = credentials.get("webhookSecret");
    if (secret != null
        && (!secret.startsWith(SECRET_PREFIX) || secret.length() <= SECRET_PREFIX.length())) {
      throw new InvalidCredentialsException(
          "webhookSecret",
          "'webhookSecret' must be the endpoint's signing secret, which starts with "
              + SECRET_PREFIX);
    }
    return credentials;
  }

  @Override
  public List<String> subscribedEvents() {
    return EVENTS;
  }

  /**
   * Creates the API client from the settings {@value #API_BASE_SETTING} and {@value
   * #API_TIMEOUT_SETTING}.
   */
  @Override
  public Future<Void> init(PluginContext context) {
    try {
      String base = context.urlSetting(API_BASE_SETTING, DEFAULT_API_BASE);
      long timeoutMs = context.millisSetting(API_TIMEOUT_SETTING, GatewayHttp.DEFAULT_TIMEOUT_MS);
      api = new StripeApi(new GatewayHttp(context.vertx(), ID), base, timeoutMs);
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    StripeApi client = api;
    return client == null
        ? notInitialised()
        : client.subscription(externalSubscriptionId, credentials);
  }

  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    StripeApi client = api;
    return client == null ? notInitialised() : client.cancelAndRefund(charge, credentials);
  }

  private static <T> Future<T> notInitialised() {
    return Future.failedFuture(
        new IllegalStateException(
            "the Stripe plugin calls Stripe's API only after init(PluginContext)"));
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    try {
      return Future.succeededFuture(check(request, credentials));
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          Verdict.rejected(
              "Stripe signature could not be checked: " + e.getClass().getSimpleName()));
    }
  }

  private static Verdict check(WebhookRequest request, Credentials credentials) {
    String secret = credentials.get(WEBHOOK_SECRET);
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return Verdict.rejected(
          "the account's webhookSecret is not a Stripe signing secret (whsec_...)");
    }
    String value = request.header(SIGNATURE_HEADER);
    if (value == null || value.isBlank()) {
      return Verdict.rejected("no Stripe-Signature header");
    }
    StripeSignatureHeader header;
    try {
      header = StripeSignatureHeader.parse(value);
    } catch (IllegalArgumentException e) {
      return Verdict.rejected(e.getMessage());
    }
    long skew = request.receivedAt().getEpochSecond() - header.epochSecond();
    if (Math.abs(skew) > TOLERANCE.toSeconds()) {
      return Verdict.rejected(
          "Stripe-Signature timestamp is "
              + Math.abs(skew)
              + " s "
              + (skew > 0 ? "old" : "in the future")
              + ", tolerance "
              + TOLERANCE.toSeconds()
              + " s");
    }
    byte[] expected =
        Signatures.hmacSha256(
            Signatures.utf8(secret),
            Signatures.utf8(header.timestamp()),
            DOT,
            request.body().getBytes());
    boolean matches = false;
    for (String signature : header.v1()) {
      matches |= Signatures.hexEquals(expected, signature);
    }
    return matches ? Verdict.ok() : Verdict.rejected("no v1 signature in Stripe-Signature matches");
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    JsonObject event = Json.object(request.body());
    String id = Json.requireString(event, "id");
    String type = Json.requireString(event, "type");
    JsonObject object = Json.requireObject(event, "data.object");
    Instant created = epochSecond(Json.requireLong(event, "created"), "created");
    Delivery delivery =
        new Delivery(created, credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY));
    List<PaymentEvent> events;
    try {
      events =
          switch (type) {
            case "payment_intent.succeeded" -> paymentIntentSucceeded(object, delivery);
            case "charge.succeeded" -> chargeSucceeded(object, delivery);
            case "checkout.session.completed" -> checkoutSessionCompleted(object, delivery);
            case "refund.created", "refund.updated" -> refund(object, null, delivery);
            case "charge.refunded" -> chargeRefunded(object, delivery);
            case "invoice.paid", "invoice.payment_succeeded" -> invoicePaid(object, delivery);
            case "customer.subscription.deleted" -> subscriptionDeleted(object, delivery);
            default -> List.of();
          };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Stripe event " + id + " (" + type + "), in data.object: " + e.getMessage(), e);
    }
    return new ParsedWebhook(id, type, events);
  }

  /** What every event of one delivery shares. */
  private record Delivery(Instant occurredAt, String customerRefKey) {}

  private static List<PaymentEvent> paymentIntentSucceeded(JsonObject pi, Delivery d) {
    if (idOf(pi, "invoice") != null) {
      return List.of();
    }
    String id = Json.requireString(pi, "id");
    String currency = currency(pi);
    String field = pi.getValue("amount_received") != null ? "amount_received" : "amount";
    long amount = amount(pi, field, currency);
    if (amount == 0) {
      return List.of();
    }
    return List.of(
        PaymentEvent.builder(PAYMENT, "payment:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(id)
            .customerRef(customerRef(pi, d))
            .email(Json.optString(pi, "receipt_email"))
            .build());
  }

  private static List<PaymentEvent> chargeSucceeded(JsonObject charge, Delivery d) {
    if (idOf(charge, "invoice") != null || Boolean.FALSE.equals(optBoolean(charge, "captured"))) {
      return List.of();
    }
    String id = Json.requireString(charge, "id");
    String currency = currency(charge);
    Long captured = Json.optLong(charge, "amount_captured");
    long amount =
        captured != null && captured > 0
            ? amount(charge, "amount_captured", currency)
            : amount(charge, "amount", currency);
    if (amount == 0) {
      return List.of();
    }
    String paymentId = first(idOf(charge, "payment_intent"), id);
    return List.of(
        PaymentEvent.builder(PAYMENT, "payment:" + paymentId, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef(charge, d))
            .email(chargeEmail(charge))
            .build());
  }

  private static List<PaymentEvent> checkoutSessionCompleted(JsonObject session, Delivery d) {
    if (!"paid".equals(Json.optString(session, "payment_status"))) {
      return List.of();
    }
    String id = Json.requireString(session, "id");
    String currency = currency(session);
    long amount = amount(session, "amount_total", currency);
    if (amount == 0) {
      return List.of();
    }
    String invoice = idOf(session, "invoice");
    String subscription = idOf(session, "subscription");
    String paymentId = first(idOf(session, "payment_intent"), invoice, id);
    String entryKey =
        "subscription".equals(Json.optString(session, "mode")) && invoice != null
            ? "invoice:" + invoice
            : "payment:" + paymentId;
    return List.of(
        PaymentEvent.builder(PAYMENT, entryKey, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .externalSubscriptionId(subscription)
            .customerRef(
                first(
                    metadataValue(session, "metadata", d.customerRefKey()),
                    Json.optString(session, "client_reference_id"),
                    idOf(session, "customer")))
            .email(
                first(
                    Json.optString(session, "customer_details.email"),
                    Json.optString(session, "customer_email")))
            .build());
  }

  /** A succeeded refund; {@code charge} is the refunded charge when the refund came inside it. */
  private static List<PaymentEvent> refund(JsonObject refund, JsonObject charge, Delivery d) {
    if (!"succeeded".equals(Json.optString(refund, "status"))) {
      return List.of();
    }
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund, "amount", currency);
    if (amount == 0) {
      return List.of();
    }
    String paymentId = first(idOf(refund, "payment_intent"), idOf(refund, "charge"));
    String customerRef = metadataValue(refund, "metadata", d.customerRefKey());
    String email = null;
    if (charge != null) {
      paymentId = first(paymentId, idOf(charge, "payment_intent"), Json.optString(charge, "id"));
      customerRef = first(customerRef, customerRef(charge, d));
      email = chargeEmail(charge);
    }
    return List.of(
        PaymentEvent.builder(REFUND, "refund:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email)
            .build());
  }

  private static List<PaymentEvent> chargeRefunded(JsonObject charge, Delivery d) {
    JsonArray refunds = Json.optArray(charge, "refunds.data");
    if (refunds == null) {
      return List.of();
    }
    List<PaymentEvent> events = new ArrayList<>();
    for (int i = 0; i < refunds.size(); i++) {
      if (!(refunds.getValue(i) instanceof JsonObject refund)) {
        throw new MalformedWebhookException("'refunds.data[" + i + "]' should be an object");
      }
      events.addAll(refund(refund, charge, d));
    }
    return events;
  }

  private static List<PaymentEvent> invoicePaid(JsonObject invoice, Delivery d) {
    String id = Json.requireString(invoice, "id");
    String currency = currency(invoice);
    long amount = amount(invoice, "amount_paid", currency);
    if (amount == 0) {
      return List.of();
    }
    JsonObject parentDetails = Json.optObject(invoice, "parent.subscription_details");
    String subscription =
        first(
            idOf(invoice, "subscription"),
            parentDetails == null ? null : idOf(parentDetails, "subscription"));
    String key = d.customerRefKey();
    String customerRef =
        first(
            metadataValue(invoice, "parent.subscription_details.metadata", key),
            metadataValue(invoice, "subscription_details.metadata", key),
            metadataValue(invoice, "metadata", key),
            idOf(invoice, "customer"));
    return List.of(
        PaymentEvent.builder(
                subscription != null ? RECURRING_CHARGED : PAYMENT, "invoice:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(first(idOf(invoice, "payment_intent"), id))
            .externalSubscriptionId(subscription)
            .customerRef(customerRef)
            .email(Json.optString(invoice, "customer_email"))
            .periodEnd(invoicePeriodEnd(invoice))
            .build());
  }

  /**
   * The end of the period the invoice pays for: that of its first subscription line, else of its
   * first line. The invoice's own {@code period_end} is not it: for a renewal it is the end of the
   * period that just closed.
   */
  private static Instant invoicePeriodEnd(JsonObject invoice) {
    JsonArray lines = Json.optArray(invoice, "lines.data");
    if (lines == null || lines.isEmpty()) {
      return null;
    }
    JsonObject chosen = null;
    for (int i = 0; i < lines.size(); i++) {
      if (!(lines.getValue(i) instanceof JsonObject line)) {
        throw new MalformedWebhookException("'lines.data[" + i + "]' should be an object");
      }
      if (chosen == null) {
        chosen = line;
      }
      if ("subscription".equals(Json.optString(line, "type"))
          || Json.optObject(line, "parent.subscription_item_details") != null) {
        chosen = line;
        break;
      }
    }
    Long end = Json.optLong(chosen, "period.end");
    return end == null ? null : epochSecond(end, "lines.data.period.end");
  }

  private static List<PaymentEvent> subscriptionDeleted(JsonObject subscription, Delivery d) {
    String id = Json.requireString(subscription, "id");
    Long end = Json.optLong(subscription, "current_period_end");
    if (end == null) {
      JsonArray items = Json.optArray(subscription, "items.data");
      if (items != null && !items.isEmpty() && items.getValue(0) instanceof JsonObject item) {
        end = Json.optLong(item, "current_period_end");
      }
    }
    return List.of(
        PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id, d.occurredAt())
            .externalSubscriptionId(id)
            .customerRef(customerRef(subscription, d))
            .periodEnd(end == null ? null : epochSecond(end, "current_period_end"))
            .build());
  }

  private static String customerRef(JsonObject object, Delivery d) {
    return first(metadataValue(object, "metadata", d.customerRefKey()), idOf(object, "customer"));
  }

  private static String chargeEmail(JsonObject charge) {
    return first(
        Json.optString(charge, "receipt_email"), Json.optString(charge, "billing_details.email"));
  }

  private static String currency(JsonObject object) {
    return Money.currency(Json.requireString(object, "currency"));
  }

  /** An amount field in ISO minor units of {@code currency}; zero or more. */
  private static long amount(JsonObject object, String field, String currency) {
    return StripeAmounts.toIsoMinor(Json.requireLong(object, field), currency, field);
  }

  /**
   * A metadata value, read without path splitting because metadata keys may contain dots; {@code
   * null} when the metadata or the key is absent or the value is empty.
   */
  private static String metadataValue(JsonObject object, String metadataPath, String key) {
    JsonObject metadata = Json.optObject(object, metadataPath);
    Object value = metadata == null ? null : metadata.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String s = value.toString();
      return s.isBlank() ? null : s;
    }
    throw new MalformedWebhookException("'" + metadataPath + "." + key + "' should be a string");
  }

  /** A reference to another Stripe object: its id, or the object itself when expanded. */
  private static String idOf(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s.isBlank() ? null : s;
    }
    if (value instanceof JsonObject expanded) {
      return Json.requireString(expanded, "id");
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be an id but is " + value.getClass().getSimpleName());
  }

  private static Boolean optBoolean(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be a boolean but is " + value.getClass().getSimpleName());
  }

  private static Instant epochSecond(long seconds, String field) {
    try {
      return Instant.ofEpochSecond(seconds);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in seconds since 1970");
    }
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
