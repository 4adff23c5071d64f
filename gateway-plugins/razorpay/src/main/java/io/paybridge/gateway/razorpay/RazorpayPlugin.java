package io.paybridge.gateway.razorpay;

import static io.paybridge.spi.EventKind.AUTHORIZED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayPlugin;
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
import java.time.Instant;
import java.util.List;

/**
 * Razorpay webhooks, implemented on the JDK without Razorpay's SDK.
 *
 * <h2>Authenticity</h2>
 *
 * {@code X-Razorpay-Signature} is the hex HMAC-SHA256 of the raw body keyed with the webhook secret
 * the tenant set on the endpoint. The scheme has no timestamp, so a captured delivery can be
 * replayed; the platform's deduplication on the event id and on ledger entry keys makes a replay
 * change nothing.
 *
 * <h2>Meaning</h2>
 *
 * The body is {@code {"entity":"event","event":…,"contains":[…],"payload":{"payment":{"entity":…},
 * …},"created_at":…}}. The receipt's dedupe key is the {@code x-razorpay-event-id} header; a
 * delivery without it gets a key derived from the event name and the ids of the entities it carries
 * ({@code payment.captured:pay_…}). Amounts are integer minor units (paise for INR) and pass
 * through unchanged. The mapping is the one the subscription publisher's adapter used:
 *
 * <ul>
 *   <li>{@code payment.authorized}: funds authorized, keyed {@code authorized:<payment id>}.
 *   <li>{@code payment.captured}, {@code order.paid}: a payment keyed {@code payment:<payment id>}.
 *   <li>{@code subscription.charged}: a recurring charge keyed {@code payment:<payment id>}, the
 *       same key as that payment's {@code payment.captured}, with the subscription id and its
 *       {@code current_end} as period end.
 *   <li>{@code subscription.halted}, {@code subscription.cancelled}: the subscription ended, keyed
 *       {@code cancel:<subscription id>:<event>}.
 *   <li>{@code refund.processed}: a negative refund keyed {@code refund:<refund id>}.
 * </ul>
 *
 * Everything else is acknowledged and ignored. The customer reference is the {@code notes} value
 * under the account's {@code customerRefKey} (default {@value #DEFAULT_CUSTOMER_REF_KEY}) on the
 * payment, then on the order, subscription or refund the event carries, else the payment's or the
 * subscription's {@code customer_id}. Razorpay sends {@code notes} as an empty array when there are
 * none, and {@code captured} as {@code true} or {@code "1"}; both forms are read.
 *
 * <h2>API calls</h2>
 *
 * As {@link Renewals} the plugin reads a subscription's state, and as {@link CancelAndRefund} it
 * cancels a subscription and refunds its payment, through Razorpay's REST API at {@value
 * #DEFAULT_API_BASE} (setting {@value #API_BASE_SETTING}; total time per call from {@value
 * #API_TIMEOUT_SETTING}, in milliseconds, default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}),
 * authenticated with HTTP Basic from the account's {@code keyId} and {@code keySecret}. The details
 * are in {@code RazorpayApi}.
 */
public final class RazorpayPlugin implements GatewayPlugin, Renewals, CancelAndRefund {

  public static final String ID = "razorpay";
  public static final String SIGNATURE_HEADER = "X-Razorpay-Signature";
  public static final String EVENT_ID_HEADER = "x-razorpay-event-id";

  public static final String KEY_ID = "keyId";
  public static final String KEY_SECRET = "keySecret";
  public static final String WEBHOOK_SECRET = "webhookSecret";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String DEFAULT_CUSTOMER_REF_KEY = "customer_ref";

  /** Setting naming the base URL of Razorpay's API; tests point it at a fake. */
  public static final String API_BASE_SETTING = "razorpay.api.base";

  public static final String DEFAULT_API_BASE = "https://api.razorpay.com";

  /** Setting for the total time one API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "razorpay.api.timeout.ms";

  /** Razorpay's placeholder when a payment was made without an email address. */
  private static final String NO_EMAIL = "void@razorpay.com";

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              KEY_ID,
              "Key id",
              "Dashboard > Account & Settings > API keys: the key id (rzp_live_… or rzp_test_…)"),
          CredentialField.secret(
              KEY_SECRET, "Key secret", "Shown once when the API key is generated"),
          CredentialField.secret(
              WEBHOOK_SECRET,
              "Webhook secret",
              "The secret you entered when adding this webhook URL under Webhooks"),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference notes key",
                  "The notes key under which your integration stores your own customer reference")
              .optional(DEFAULT_CUSTOMER_REF_KEY));

  private static final List<String> EVENTS =
      List.of(
          "payment.authorized",
          "payment.captured",
          "order.paid",
          "subscription.charged",
          "subscription.halted",
          "subscription.cancelled",
          "refund.processed");

  /** Set by {@link #init}; webhook handling works without it. */
  private volatile RazorpayApi api;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Razorpay";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
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
      api = new RazorpayApi(new GatewayHttp(context.vertx(), ID), base, timeoutMs);
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    RazorpayApi client = api;
    return client == null
        ? notInitialised()
        : client.subscription(externalSubscriptionId, credentials);
  }

  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    RazorpayApi client = api;
    return client == null ? notInitialised() : client.cancelAndRefund(charge, credentials);
  }

  private static <T> Future<T> notInitialised() {
    return Future.failedFuture(
        new IllegalStateException(
            "the Razorpay plugin calls Razorpay's API only after init(PluginContext)"));
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    try {
      return Future.succeededFuture(check(request, credentials));
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          Verdict.rejected(
              "Razorpay signature could not be checked: " + e.getClass().getSimpleName()));
    }
  }

  private static Verdict check(WebhookRequest request, Credentials credentials) {
    String secret = credentials.get(WEBHOOK_SECRET);
    if (secret == null || secret.isEmpty()) {
      return Verdict.rejected("the account has no Razorpay webhookSecret");
    }
    String signature = request.header(SIGNATURE_HEADER);
    if (signature == null || signature.isBlank()) {
      return Verdict.rejected("no X-Razorpay-Signature header");
    }
    byte[] expected = Signatures.hmacSha256(Signatures.utf8(secret), request.body().getBytes());
    return Signatures.hexEquals(expected, signature)
        ? Verdict.ok()
        : Verdict.rejected("X-Razorpay-Signature does not match the body");
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    JsonObject root = Json.object(request.body());
    String event = Json.requireString(root, "event");
    Json.requireObject(root, "payload");
    Instant created = epochSecond(Json.requireLong(root, "created_at"), "created_at");
    Delivery d =
        new Delivery(
            event,
            created,
            credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY),
            entity(root, "payment"),
            entity(root, "order"),
            entity(root, "subscription"),
            entity(root, "refund"));
    String eventId = eventId(request, root, event);
    List<PaymentEvent> events;
    try {
      events =
          switch (event) {
            case "payment.authorized" -> payment(d, AUTHORIZED, "authorized:");
            case "payment.captured", "order.paid" -> captured(d);
            case "subscription.charged" -> subscriptionCharged(d);
            case "subscription.halted", "subscription.cancelled" -> subscriptionEnded(d);
            case "refund.processed" -> refundProcessed(d);
            default -> List.of();
          };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Razorpay " + event + " " + eventId + ": " + e.getMessage(), e);
    }
    return new ParsedWebhook(eventId, event, events);
  }

  /** One delivery's event name, time, the account's notes key and the entities it carries. */
  private record Delivery(
      String event,
      Instant occurredAt,
      String customerRefKey,
      JsonObject payment,
      JsonObject order,
      JsonObject subscription,
      JsonObject refund) {}

  private static JsonObject require(JsonObject entity, String name) {
    if (entity == null) {
      throw new MalformedWebhookException("'payload." + name + ".entity' is missing");
    }
    return entity;
  }

  /** The entity of one kind the delivery carries, at {@code payload.<name>.entity}. */
  private static JsonObject entity(JsonObject root, String name) {
    return Json.optObject(root, "payload." + name + ".entity");
  }

  /**
   * The receipt's dedupe key: Razorpay's event id header, else the event name with the ids of the
   * entities the delivery carries, which is stable across Razorpay's retries of one event.
   */
  private static String eventId(WebhookRequest request, JsonObject root, String event) {
    String header = request.header(EVENT_ID_HEADER);
    if (header != null && !header.isBlank()) {
      return header.strip();
    }
    JsonArray contains = Json.optArray(root, "contains");
    List<String> names =
        contains == null
            ? List.copyOf(Json.requireObject(root, "payload").fieldNames())
            : contains.stream().map(String::valueOf).toList();
    StringBuilder key = new StringBuilder(event);
    for (String name : names) {
      JsonObject entity = entity(root, name);
      String id = entity == null ? null : Json.optString(entity, "id");
      if (id != null && !id.isBlank()) {
        key.append(':').append(id);
      }
    }
    if (key.length() == event.length()) {
      throw new MalformedWebhookException(
          "Razorpay "
              + event
              + " has no "
              + EVENT_ID_HEADER
              + " header and no entity id to derive one from");
    }
    return key.toString();
  }

  private static List<PaymentEvent> captured(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    if (!isCaptured(payment)) {
      return List.of();
    }
    return payment(d, PAYMENT, "payment:");
  }

  private static List<PaymentEvent> payment(Delivery d, EventKind kind, String keyPrefix) {
    JsonObject payment = require(d.payment(), "payment");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return List.of();
    }
    return List.of(
        paymentDetails(PaymentEvent.builder(kind, keyPrefix + id, d.occurredAt()), payment)
            .amount(amount, currency)
            .externalPaymentId(id)
            .customerRef(
                first(
                    notesValue(payment, d.customerRefKey()),
                    d.order() == null ? null : notesValue(d.order(), d.customerRefKey()),
                    Json.optString(payment, "customer_id")))
            .build());
  }

  private static List<PaymentEvent> subscriptionCharged(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return List.of();
    }
    String key = d.customerRefKey();
    return List.of(
        paymentDetails(
                PaymentEvent.builder(RECURRING_CHARGED, "payment:" + id, d.occurredAt()), payment)
            .amount(amount, currency)
            .externalPaymentId(id)
            .externalSubscriptionId(Json.requireString(subscription, "id"))
            .customerRef(
                first(
                    notesValue(payment, key),
                    notesValue(subscription, key),
                    Json.optString(payment, "customer_id"),
                    Json.optString(subscription, "customer_id")))
            .periodEnd(optEpochSecond(subscription, "current_end"))
            .build());
  }

  private static List<PaymentEvent> subscriptionEnded(Delivery d) {
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(subscription, "id");
    return List.of(
        PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.event(), d.occurredAt())
            .externalSubscriptionId(id)
            .customerRef(
                first(
                    notesValue(subscription, d.customerRefKey()),
                    Json.optString(subscription, "customer_id")))
            .periodEnd(optEpochSecond(subscription, "current_end"))
            .build());
  }

  private static List<PaymentEvent> refundProcessed(Delivery d) {
    JsonObject refund = require(d.refund(), "refund");
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund);
    if (amount == 0) {
      return List.of();
    }
    JsonObject payment = d.payment() == null ? new JsonObject() : d.payment();
    String key = d.customerRefKey();
    return List.of(
        PaymentEvent.builder(REFUND, "refund:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(
                first(Json.optString(refund, "payment_id"), Json.optString(payment, "id")))
            .customerRef(
                first(
                    notesValue(refund, key),
                    notesValue(payment, key),
                    Json.optString(payment, "customer_id")))
            .email(email(payment))
            .contact(Json.optString(payment, "contact"))
            .build());
  }

  /** Email, contact and fee of a payment entity. */
  private static PaymentEvent.Builder paymentDetails(
      PaymentEvent.Builder builder, JsonObject payment) {
    Long fee = Json.optLong(payment, "fee");
    if (fee != null && fee < 0) {
      throw new MalformedWebhookException("'fee' is negative: " + fee);
    }
    return builder.email(email(payment)).contact(Json.optString(payment, "contact")).feeMinor(fee);
  }

  private static String email(JsonObject payment) {
    String email = Json.optString(payment, "email");
    return NO_EMAIL.equalsIgnoreCase(email) ? null : email;
  }

  /** Razorpay sends {@code captured} as a boolean on most APIs and as {@code "1"} on some. */
  private static boolean isCaptured(JsonObject payment) {
    Object value = payment.getValue("captured");
    if (value == null) {
      return true;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.longValue() != 0;
    }
    if (value instanceof String s) {
      String text = s.strip();
      if (text.equals("1") || text.equalsIgnoreCase("true")) {
        return true;
      }
      if (text.equals("0") || text.equalsIgnoreCase("false") || text.isEmpty()) {
        return false;
      }
    }
    throw new MalformedWebhookException("'captured' should be true, false, \"1\" or \"0\"");
  }

  /**
   * A {@code notes} value: Razorpay sends {@code notes} as an object, or as an empty array when
   * there are none. Read without path splitting, because keys may contain dots.
   */
  private static String notesValue(JsonObject entity, String key) {
    Object notes = entity.getValue("notes");
    if (notes == null || notes instanceof JsonArray) {
      return null;
    }
    if (!(notes instanceof JsonObject object)) {
      throw new MalformedWebhookException("'notes' should be an object or an array");
    }
    Object value = object.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String s = value.toString();
      return s.isBlank() ? null : s;
    }
    throw new MalformedWebhookException("'notes." + key + "' should be a string");
  }

  private static String currency(JsonObject entity) {
    return Money.currency(Json.requireString(entity, "currency"));
  }

  private static long amount(JsonObject entity) {
    long amount = Json.requireLong(entity, "amount");
    if (amount < 0) {
      throw new MalformedWebhookException("'amount' is negative: " + amount);
    }
    return amount;
  }

  private static Instant optEpochSecond(JsonObject entity, String field) {
    Long seconds = Json.optLong(entity, field);
    return seconds == null ? null : epochSecond(seconds, field);
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
