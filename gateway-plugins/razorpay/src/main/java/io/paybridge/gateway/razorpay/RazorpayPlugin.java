package io.paybridge.gateway.razorpay;

import static io.paybridge.spi.EventKind.AUTHORIZED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.RestApiGatewayPlugin;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Razorpay webhooks, implemented on the JDK without Razorpay's SDK.
 *
 * <h2>Authenticity</h2>
 *
 * {@code X-Razorpay-Signature} is the hex HMAC-SHA256 of the raw body keyed with the webhook secret
 * the tenant set on the endpoint. The scheme has no timestamp, so a captured delivery can be
 * replayed; deduplication on keys taken from the signed body makes a replay change nothing.
 *
 * <h2>Dedupe key</h2>
 *
 * The receipt's dedupe key is built from the signed body only, as
 *
 * <pre>{@code <event>:<entity id>[:<entity id>...]@<created_at>}</pre>
 *
 * the event name, the {@code id} of every entity in {@code payload} (ordered by entity name:
 * dispute, order, payment, refund, subscription) and the event's own {@code created_at}. Razorpay
 * retries an event with the very body it signed, so retries share the key; distinct events differ
 * in their entities or, for a repeat on one entity (a subscription halted twice), in their creation
 * time. The {@code x-razorpay-event-id} header is not signed, so neither this key nor any ledger
 * key depends on it: one signed body replayed under fresh header ids is one event.
 *
 * <h2>Meaning</h2>
 *
 * The body is {@code {"entity":"event","event":…,"contains":[…],"payload":{"payment":{"entity":…},
 * …},"created_at":…}}. Amounts are integer minor units (paise for INR) and pass through unchanged.
 * {@link #eventTable()} lists every event with what it books or why it books nothing; in short:
 *
 * <ul>
 *   <li>{@code payment.authorized}: funds authorized, keyed {@code authorized:<payment id>}.
 *   <li>{@code payment.captured}, {@code order.paid}: a payment keyed {@code payment:<payment id>}.
 *   <li>{@code subscription.charged}: a recurring charge keyed {@code payment:<payment id>}, the
 *       same key as that payment's {@code payment.captured}, with the subscription id and its
 *       {@code current_end} as period end.
 *   <li>{@code subscription.halted}, {@code .cancelled}, {@code .completed}: the subscription
 *       ended, keyed {@code cancel:<subscription id>:<event>}.
 *   <li>{@code refund.processed}: a negative refund keyed {@code refund:<refund id>}; {@code
 *       refund.failed}: that refund and its reversal {@code refund_reversal:<refund id>}, so the
 *       ledger nets to zero whichever arrives first. Auto-refunds of payments Razorpay never
 *       captured ({@code payload.payment.entity.captured} false) book nothing.
 *   <li>Disputes: Razorpay deducts the disputed amount when a dispute is raised ("Deduct at Onset")
 *       and returns it when the dispute is won. {@code payment.dispute.created} and {@code .lost}
 *       book a negative {@link EventKind#DISPUTE} keyed {@code dispute:<dispute id>}; {@code .won},
 *       and {@code .closed} without an {@code amount_deducted}, book that debit and a {@link
 *       EventKind#DISPUTE_REVERSED} keyed {@code dispute_reversal:<dispute id>}, so the ledger nets
 *       to zero whatever order the events arrive in. {@code .under_review} and {@code
 *       .action_required} move no money.
 * </ul>
 *
 * Everything else is acknowledged and kept with the reason. The customer reference is the {@code
 * notes} value under the account's {@code customerRefKey} (default {@value
 * #DEFAULT_CUSTOMER_REF_KEY}) on the payment, then on the order, subscription or refund the event
 * carries, else the payment's or the subscription's {@code customer_id}. Razorpay sends {@code
 * notes} as an empty array when there are none, and {@code captured} as {@code true} or {@code
 * "1"}; both forms are read.
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
public final class RazorpayPlugin extends RestApiGatewayPlugin<RazorpayApi> {

  public static final String ID = "razorpay";
  public static final String SIGNATURE_HEADER = "X-Razorpay-Signature";

  /** Razorpay's delivery id header: not signed, so never a dedupe or ledger key. */
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

  static final String PAYMENT_AUTHORIZED = "payment.authorized";
  static final String PAYMENT_CAPTURED = "payment.captured";
  static final String PAYMENT_FAILED = "payment.failed";
  static final String ORDER_PAID = "order.paid";
  static final String SUBSCRIPTION_AUTHENTICATED = "subscription.authenticated";
  static final String SUBSCRIPTION_ACTIVATED = "subscription.activated";
  static final String SUBSCRIPTION_CHARGED = "subscription.charged";
  static final String SUBSCRIPTION_PENDING = "subscription.pending";
  static final String SUBSCRIPTION_HALTED = "subscription.halted";
  static final String SUBSCRIPTION_CANCELLED = "subscription.cancelled";
  static final String SUBSCRIPTION_COMPLETED = "subscription.completed";
  static final String SUBSCRIPTION_UPDATED = "subscription.updated";
  static final String SUBSCRIPTION_PAUSED = "subscription.paused";
  static final String SUBSCRIPTION_RESUMED = "subscription.resumed";
  static final String REFUND_CREATED = "refund.created";
  static final String REFUND_PROCESSED = "refund.processed";
  static final String REFUND_FAILED = "refund.failed";
  static final String REFUND_SPEED_CHANGED = "refund.speed_changed";
  static final String DISPUTE_CREATED = "payment.dispute.created";
  static final String DISPUTE_WON = "payment.dispute.won";
  static final String DISPUTE_LOST = "payment.dispute.lost";
  static final String DISPUTE_CLOSED = "payment.dispute.closed";
  static final String DISPUTE_UNDER_REVIEW = "payment.dispute.under_review";
  static final String DISPUTE_ACTION_REQUIRED = "payment.dispute.action_required";

  /** What the subscription events that move no money say happened. */
  private static final Map<String, String> SUBSCRIPTION_NOTES =
      Map.of(
          SUBSCRIPTION_AUTHENTICATED,
              "the customer authorised the mandate, and nothing is charged yet",
          SUBSCRIPTION_ACTIVATED, "it became active, which moves no money",
          SUBSCRIPTION_PENDING, "a charge failed and Razorpay will retry it, so no money moved",
          SUBSCRIPTION_UPDATED, "its plan or quantity changed, which moves no money",
          SUBSCRIPTION_PAUSED, "it was paused, which moves no money",
          SUBSCRIPTION_RESUMED, "it was resumed, which moves no money");

  private static final List<EventRule> EVENT_TABLE =
      List.of(
          EventRule.books(
              PAYMENT_AUTHORIZED,
              "AUTHORIZED under authorized:<payment id> (funds held, not part of a balance)"),
          EventRule.books(PAYMENT_CAPTURED, "PAYMENT under payment:<payment id>"),
          EventRule.books(
              ORDER_PAID, "PAYMENT under payment:<payment id>, the same entry as payment.captured"),
          EventRule.ignores(PAYMENT_FAILED, "the payment failed: no money moved"),
          EventRule.books(
              SUBSCRIPTION_CHARGED,
              "RECURRING_CHARGED under payment:<payment id>, the same entry as that payment's"
                  + " payment.captured"),
          EventRule.books(
              SUBSCRIPTION_HALTED, "RECURRING_CANCELLED under cancel:<subscription id>:<event>"),
          EventRule.books(
              SUBSCRIPTION_CANCELLED, "RECURRING_CANCELLED under cancel:<subscription id>:<event>"),
          EventRule.books(
              SUBSCRIPTION_COMPLETED,
              "RECURRING_CANCELLED under cancel:<subscription id>:<event> (all its charges made)"),
          EventRule.ignores(
              SUBSCRIPTION_AUTHENTICATED, "the mandate was authorised: nothing is charged yet"),
          EventRule.ignores(
              SUBSCRIPTION_ACTIVATED, "the subscription became active: no money moved"),
          EventRule.ignores(
              SUBSCRIPTION_PENDING, "a charge failed and will be retried: no money moved"),
          EventRule.ignores(SUBSCRIPTION_UPDATED, "the plan or quantity changed: no money moved"),
          EventRule.ignores(SUBSCRIPTION_PAUSED, "the subscription was paused: no money moved"),
          EventRule.ignores(SUBSCRIPTION_RESUMED, "the subscription was resumed: no money moved"),
          EventRule.ignores(
              REFUND_CREATED,
              "a refund is booked when it is processed (refund.processed), not when requested"),
          EventRule.books(
              REFUND_PROCESSED,
              "REFUND (negative) under refund:<refund id>; an auto-refund of a payment never"
                  + " captured books nothing"),
          EventRule.books(
              REFUND_FAILED,
              "REFUND under refund:<refund id> and REFUND_REVERSED under"
                  + " refund_reversal:<refund id>: nets to zero whichever arrives first"),
          EventRule.ignores(
              REFUND_SPEED_CHANGED, "an instant refund fell back to normal speed: no money moved"),
          EventRule.books(
              DISPUTE_CREATED,
              "DISPUTE (negative) under dispute:<dispute id>: Razorpay deducts the disputed"
                  + " amount when the dispute is raised"),
          EventRule.books(
              DISPUTE_LOST, "DISPUTE (negative) under dispute:<dispute id>, the onset's entry"),
          EventRule.books(
              DISPUTE_WON,
              "DISPUTE under dispute:<dispute id> and DISPUTE_REVERSED under"
                  + " dispute_reversal:<dispute id>: the amount comes back, netting to zero"
                  + " whatever the order"),
          EventRule.books(
              DISPUTE_CLOSED,
              "as payment.dispute.won (closed without a chargeback); only the debit if the"
                  + " dispute reports an amount_deducted"),
          EventRule.ignores(DISPUTE_UNDER_REVIEW, "the evidence is being reviewed: no money moved"),
          EventRule.ignores(DISPUTE_ACTION_REQUIRED, "more evidence is needed: no money moved"));

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public RazorpayPlugin() {
    super("Razorpay", API_BASE_SETTING, DEFAULT_API_BASE, API_TIMEOUT_SETTING, RazorpayApi::new);
  }

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

  /**
   * The payment, order, subscription, refund and dispute events of Razorpay's webhook guide, with
   * what each does; a tenant subscribes to the booking ones.
   */
  @Override
  public List<EventRule> eventTable() {
    return EVENT_TABLE;
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    return Verdict.checked("Razorpay signature", () -> check(request, credentials));
  }

  private static Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(WEBHOOK_SECRET) != null) {
      return Verdict.rejected("the account has no Razorpay webhookSecret");
    }
    String signature = request.header(SIGNATURE_HEADER);
    if (signature == null || signature.isBlank()) {
      return Verdict.rejected("no X-Razorpay-Signature header");
    }
    byte[] expected =
        Signatures.hmacSha256(
            Signatures.utf8(credentials.get(WEBHOOK_SECRET)), request.body().getBytes());
    return Signatures.hexEquals(expected, signature)
        ? Verdict.ok()
        : Verdict.rejected("X-Razorpay-Signature does not match the body");
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    JsonObject root = Json.object(request.body());
    String event = Json.requireString(root, "event");
    JsonObject payload = Json.requireObject(root, "payload");
    long createdAt = Json.requireLong(root, "created_at");
    Delivery d =
        new Delivery(
            event,
            epochSecond(createdAt, "created_at"),
            credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY),
            entity(root, "payment"),
            entity(root, "order"),
            entity(root, "subscription"),
            entity(root, "refund"),
            entity(root, "dispute"));
    String eventId = eventId(payload, event, createdAt);
    Outcome outcome;
    try {
      outcome = outcome(d);
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Razorpay " + event + " " + eventId + ": " + e.getMessage(), e);
    }
    return new ParsedWebhook(eventId, event, outcome.events(), outcome.reason(), null);
  }

  /** What a delivery books, or why it books nothing. */
  private record Outcome(List<PaymentEvent> events, String reason) {
    static Outcome books(PaymentEvent... events) {
      return new Outcome(List.of(events), null);
    }

    static Outcome ignored(String reason) {
      return new Outcome(List.of(), reason);
    }
  }

  private static Outcome outcome(Delivery d) {
    return switch (d.event()) {
      case PAYMENT_AUTHORIZED -> payment(d, AUTHORIZED, "authorized:");
      case PAYMENT_CAPTURED, ORDER_PAID -> captured(d);
      case PAYMENT_FAILED ->
          Outcome.ignored(
              "payment " + paymentId(d) + " failed: Razorpay collected no money for it");
      case SUBSCRIPTION_CHARGED -> subscriptionCharged(d);
      case SUBSCRIPTION_HALTED, SUBSCRIPTION_CANCELLED, SUBSCRIPTION_COMPLETED ->
          subscriptionEnded(d);
      case SUBSCRIPTION_AUTHENTICATED,
              SUBSCRIPTION_ACTIVATED,
              SUBSCRIPTION_PENDING,
              SUBSCRIPTION_UPDATED,
              SUBSCRIPTION_PAUSED,
              SUBSCRIPTION_RESUMED ->
          Outcome.ignored(
              "subscription "
                  + subscriptionId(d)
                  + ": "
                  + SUBSCRIPTION_NOTES.get(d.event())
                  + "; its charges arrive as subscription.charged");
      case REFUND_PROCESSED -> refund(d, false);
      case REFUND_FAILED -> refund(d, true);
      case REFUND_CREATED ->
          Outcome.ignored(
              "refund "
                  + refundId(d)
                  + " was created: it is booked when Razorpay reports it processed"
                  + " (refund.processed), and reversed if it fails (refund.failed)");
      case REFUND_SPEED_CHANGED ->
          Outcome.ignored(
              "refund " + refundId(d) + " changed speed (instant to normal): no money moved");
      case DISPUTE_CREATED, DISPUTE_LOST -> dispute(d, false);
      case DISPUTE_WON -> dispute(d, true);
      case DISPUTE_CLOSED -> disputeClosed(d);
      case DISPUTE_UNDER_REVIEW ->
          Outcome.ignored(
              "dispute "
                  + disputeId(d)
                  + " is under review with the evidence submitted: no money moved");
      case DISPUTE_ACTION_REQUIRED ->
          Outcome.ignored(
              "dispute "
                  + disputeId(d)
                  + " needs more evidence before it can be contested: no money moved");
      default ->
          Outcome.ignored(
              "Razorpay event "
                  + shorten(d.event())
                  + " is not in Paybridge's events table for Razorpay, so nothing is booked");
    };
  }

  /** One delivery's event name, time, the account's notes key and the entities it carries. */
  private record Delivery(
      String event,
      Instant occurredAt,
      String customerRefKey,
      JsonObject payment,
      JsonObject order,
      JsonObject subscription,
      JsonObject refund,
      JsonObject dispute) {}

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

  private static String paymentId(Delivery d) {
    return Json.requireString(require(d.payment(), "payment"), "id");
  }

  private static String subscriptionId(Delivery d) {
    return Json.requireString(require(d.subscription(), "subscription"), "id");
  }

  private static String refundId(Delivery d) {
    return Json.requireString(require(d.refund(), "refund"), "id");
  }

  private static String disputeId(Delivery d) {
    return Json.requireString(require(d.dispute(), "dispute"), "id");
  }

  /**
   * The receipt's dedupe key, from the signed body only: the event name, the id of every entity the
   * payload carries (in the order of their names), and the event's {@code created_at}, as {@code
   * <event>:<id>[:<id>…]@<created_at>}. Razorpay retries an event with the same body, so the key is
   * stable across retries; entity ids and the event's creation time tell apart distinct events,
   * including a second {@code subscription.halted} of the same subscription. The unsigned {@code
   * x-razorpay-event-id} header is not used: a signed body replayed under fresh ids is still the
   * same event.
   */
  static String eventId(JsonObject payload, String event, long createdAt) {
    StringBuilder key = new StringBuilder(event);
    for (String name : new TreeSet<>(payload.fieldNames())) {
      Object wrapper = payload.getValue(name);
      if (!(wrapper instanceof JsonObject w) || !(w.getValue("entity") instanceof JsonObject e)) {
        continue;
      }
      String id = Json.optString(e, "id");
      if (id != null && !id.isBlank()) {
        key.append(':').append(id);
      }
    }
    return key.append('@').append(createdAt).toString();
  }

  private static Outcome captured(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    if (!isCaptured(payment)) {
      return Outcome.ignored(
          d.event()
              + " reports payment "
              + Json.requireString(payment, "id")
              + " as not captured (captured="
              + payment.getValue("captured")
              + "): no money is collected until it is");
    }
    return payment(d, PAYMENT, "payment:");
  }

  private static Outcome payment(Delivery d, EventKind kind, String keyPrefix) {
    JsonObject payment = require(d.payment(), "payment");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return Outcome.ignored("payment " + id + " is for 0 " + currency + ": nothing to book");
    }
    return Outcome.books(
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

  private static Outcome subscriptionCharged(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return Outcome.ignored(
          "subscription charge " + id + " is for 0 " + currency + ": nothing to book");
    }
    String key = d.customerRefKey();
    return Outcome.books(
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

  private static Outcome subscriptionEnded(Delivery d) {
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(subscription, "id");
    return Outcome.books(
        PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.event(), d.occurredAt())
            .externalSubscriptionId(id)
            .customerRef(
                first(
                    notesValue(subscription, d.customerRefKey()),
                    Json.optString(subscription, "customer_id")))
            .periodEnd(optEpochSecond(subscription, "current_end"))
            .build());
  }

  /**
   * {@code refund.processed}: the refund, keyed {@code refund:<id>}. {@code refund.failed}: the
   * same refund and its reversal ({@code refund_reversal:<id>}), so the ledger nets to zero
   * whichever of the two events arrives first. Razorpay also refunds payments it never captured
   * (auto-refunds, {@code payment.captured} false): nothing was booked for those, so they book
   * nothing.
   */
  private static Outcome refund(Delivery d, boolean failed) {
    JsonObject refund = require(d.refund(), "refund");
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund);
    JsonObject payment = d.payment() == null ? new JsonObject() : d.payment();
    String paymentId = first(Json.optString(refund, "payment_id"), Json.optString(payment, "id"));
    if (d.payment() != null && payment.getValue("captured") != null && !isCaptured(payment)) {
      return Outcome.ignored(
          "refund "
              + id
              + " is Razorpay's auto-refund of payment "
              + paymentId
              + ", which was never captured: neither the payment nor its refund is booked");
    }
    if (amount == 0) {
      return Outcome.ignored("refund " + id + " is for 0 " + currency + ": nothing to book");
    }
    String key = d.customerRefKey();
    String customerRef =
        first(
            notesValue(refund, key),
            notesValue(payment, key),
            Json.optString(payment, "customer_id"));
    PaymentEvent booked =
        PaymentEvent.builder(REFUND, "refund:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email(payment))
            .contact(Json.optString(payment, "contact"))
            .build();
    if (!failed) {
      return Outcome.books(booked);
    }
    return Outcome.books(
        booked,
        PaymentEvent.builder(REFUND_REVERSED, "refund_reversal:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build());
  }

  /**
   * A dispute's debit, keyed {@code dispute:<id>}: Razorpay deducts the disputed amount from the
   * balance when the dispute is raised (Deduct at Onset), so {@code payment.dispute.created} books
   * it, and {@code payment.dispute.lost} books the same key in case it arrives first. When the
   * dispute is won the amount comes back: {@code payment.dispute.won} books the debit and its
   * reversal ({@code dispute_reversal:<id>}), so the ledger nets to zero whatever the order.
   */
  private static Outcome dispute(Delivery d, boolean reinstated) {
    JsonObject dispute = require(d.dispute(), "dispute");
    String id = Json.requireString(dispute, "id");
    String currency = currency(dispute);
    long amount = amount(dispute);
    if (amount == 0) {
      return Outcome.ignored("dispute " + id + " is for 0 " + currency + ": nothing to book");
    }
    JsonObject payment = d.payment() == null ? new JsonObject() : d.payment();
    String paymentId = first(Json.optString(dispute, "payment_id"), Json.optString(payment, "id"));
    String customerRef =
        first(notesValue(payment, d.customerRefKey()), Json.optString(payment, "customer_id"));
    PaymentEvent debit =
        PaymentEvent.builder(EventKind.DISPUTE, "dispute:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build();
    if (!reinstated) {
      return Outcome.books(debit);
    }
    return Outcome.books(
        debit,
        PaymentEvent.builder(EventKind.DISPUTE_REVERSED, "dispute_reversal:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build());
  }

  /**
   * {@code payment.dispute.closed} ends a fraud-phase dispute without a chargeback (the merchant
   * explained the payment or refunded it, and a refund is booked on its own): the amount deducted
   * at onset comes back, as when a dispute is won. Should the closed dispute report an {@code
   * amount_deducted}, Razorpay kept the money, and only the debit is booked.
   */
  private static Outcome disputeClosed(Delivery d) {
    Long deducted = Json.optLong(require(d.dispute(), "dispute"), "amount_deducted");
    return dispute(d, deducted == null || deducted == 0);
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

  /** A value from a delivery, bounded for a reason. */
  private static String shorten(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
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
