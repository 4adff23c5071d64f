package io.paybridge.gateway.stripe;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Plays Stripe's REST API in tests: the endpoints {@link StripePlugin} calls, served by a real HTTP
 * server on 127.0.0.1 at a random port, with subscriptions, payment intents, charges, invoice
 * payments and refunds kept in memory. Point the plugin at it with {@link #pluginSettings()}. Other
 * modules' end-to-end tests use it through this module's test-jar, beside {@link StripeSimulator},
 * which plays Stripe's webhooks.
 *
 * <p>It behaves as Stripe does where the plugin depends on it:
 *
 * <ul>
 *   <li>Authentication: the secret key as a bearer token (or as the Basic user name, which Stripe
 *       also accepts); a missing or other key gets {@code 401}.
 *   <li>Versioning: a {@code Stripe-Version} other than {@link #API_VERSION} gets {@code 400}; the
 *       fake only speaks the version whose shapes the plugin reads. Objects have that version's
 *       shape: a subscription's period lies on its items.
 *   <li>{@code GET /v1/subscriptions/{id}}; {@code DELETE /v1/subscriptions/{id}} cancels at once,
 *       and answers {@code 404 resource_missing} for an unknown or already cancelled subscription,
 *       as Stripe does.
 *   <li>{@code GET /v1/refunds[?charge=…][&payment_intent=…]} and {@code GET
 *       /v1/invoice_payments[?invoice=…][&status=…][&payment[type]=payment_intent&payment[payment_intent]=…]}:
 *       list objects ({@code {"object":"list","data":[…],"has_more":…,"url":…}}), newest first,
 *       paged with {@code limit} (1 to 100, default 10) and {@code starting_after}, as Stripe pages
 *       every list. {@code expand[]=data.invoice} expands invoice payments' invoices the fake was
 *       given ({@link #putInvoice}). A filter naming an unknown charge gets {@code 404
 *       resource_missing}; {@code payment[payment_intent]} without {@code payment[type]} gets
 *       {@code 400 parameter_missing}.
 *   <li>{@code POST /v1/refunds} with {@code payment_intent} or {@code charge} and optionally
 *       {@code amount} and {@code reason}: refunds that much or what remains of the charge, or
 *       answers {@code 400 charge_already_refunded}, {@code amount_too_large} for more than
 *       remains, and a bad {@code reason} as Stripe does; {@code GET /v1/refunds/{id}}; refunds of
 *       a charge may be kept pending ({@link #keepRefundsPending}) until {@link #settleRefund}.
 *       With an {@code Idempotency-Key}, the first answer is stored whatever it was and replayed
 *       (with {@code Idempotent-Replayed: true}) to a request with the same key and parameters;
 *       other parameters under a used key get {@code 400 idempotency_error}.
 *   <li>Checkouts: PaymentIntents with {@code capture_method=manual}, confirmed by the customer
 *       ({@link #checkouts()}, optionally under a Radar review), captured and cancelled, and
 *       reviews; see {@link StripeCheckoutFake}.
 *   <li>Saving a card: customers, SetupIntents confirmed from the browser with the publishable key
 *       ({@link #publishableKey()}) by the stand-in for Stripe.js at {@link #stripeJsUrl()}, and
 *       Stripe's test cards; see {@link StripeSetupFake}.
 * </ul>
 *
 * <p>Tests script trouble with the {@link GatewaySimulator}'s faults: {@link #failNext} answers the
 * next matching request with an error before it is authenticated or executed (as Stripe's rate
 * limiter or an overloaded edge would, so nothing is stored under an idempotency key; {@code 401}
 * and {@code 403} with the bodies Stripe gives a revoked key and a restricted key without the
 * permission); {@link #delayNext} executes the next matching request and holds its answer back,
 * which models an answer lost to a client timeout; {@link #answerNext} sends any raw answer. Every
 * request is recorded ({@link #calls()}).
 */
public final class StripeApiFake extends GatewaySimulator<StripeApiFake> {

  /** The only API version the fake speaks. */
  public static final String API_VERSION = StripeSimulator.API_VERSION;

  private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What Stripe keeps under an idempotency key: the parameters and the first answer. */
  private record Stored(String path, Map<String, String> parameters, Answer answer) {}

  private final String secretKey;
  private final StripeSetupFake setups = new StripeSetupFake(this);
  private final StripeCheckoutFake checkouts = new StripeCheckoutFake(this);
  private String publishableKey = newPublishableKey();
  private final Map<String, JsonObject> subscriptions = new LinkedHashMap<>();
  private final Map<String, JsonObject> paymentIntents = new LinkedHashMap<>();
  private final Map<String, JsonObject> charges = new LinkedHashMap<>();
  private final List<JsonObject> invoicePayments = new ArrayList<>();
  private final Map<String, JsonObject> invoices = new LinkedHashMap<>();
  private final List<JsonObject> refunds = new ArrayList<>();
  private final Map<String, Stored> idempotency = new LinkedHashMap<>();
  private final Map<String, JsonObject> paymentMethods = new LinkedHashMap<>();
  private final Map<String, JsonObject> declines = new LinkedHashMap<>();
  private final Set<String> pendingRefundCharges = new java.util.HashSet<>();
  private int pageCap = 100;

  /**
   * @param secretKey the only API key the fake accepts
   */
  public StripeApiFake(String secretKey) {
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
  }

  /**
   * A fresh secret key in Stripe's test-mode format: {@code sk_test_} and 32 letters and digits.
   */
  public static String newSecretKey() {
    return "sk_test_" + alphanumeric(32);
  }

  /** A fresh publishable key in Stripe's test-mode format. */
  public static String newPublishableKey() {
    return "pk_test_" + alphanumeric(32);
  }

  private static String alphanumeric(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /**
   * Makes {@code key} the only publishable key the fake accepts from the browser (by default a
   * fresh one, see {@link #publishableKey()}).
   */
  public synchronized StripeApiFake withPublishableKey(String key) {
    this.publishableKey = Objects.requireNonNull(key, "publishableKey");
    return this;
  }

  /** The publishable key the fake accepts, to save as the account's {@code publishableKey}. */
  public synchronized String publishableKey() {
    return publishableKey;
  }

  /** The URL of the fake's stand-in for Stripe.js, for the card form's script tag. */
  public String stripeJsUrl() {
    return baseUrl() + "/v3/";
  }

  /** Plugin settings that point {@link StripePlugin} at this fake. */
  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(StripePlugin.API_BASE_SETTING, baseUrl());
  }

  // ---- state

  /**
   * Adds a monthly subscription in this API version's shape (its period on its single item) and
   * returns it.
   */
  public synchronized JsonObject addSubscription(
      String subscriptionId, String status, Instant currentPeriodEnd) {
    long end = currentPeriodEnd.getEpochSecond();
    long start = currentPeriodEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    JsonObject item =
        new JsonObject()
            .put("id", StripeSimulator.newId("si_"))
            .put("object", "subscription_item")
            .put("created", start)
            .put("current_period_end", end)
            .put("current_period_start", start)
            .put("metadata", new JsonObject())
            .put("quantity", 1)
            .put("subscription", subscriptionId);
    JsonObject subscription =
        new JsonObject()
            .put("id", subscriptionId)
            .put("object", "subscription")
            .put("cancel_at", null)
            .put("cancel_at_period_end", false)
            .put("canceled_at", "canceled".equals(status) ? start : null)
            .put(
                "cancellation_details",
                new JsonObject().put("comment", null).put("feedback", null).put("reason", null))
            .put("collection_method", "charge_automatically")
            .put("created", start)
            .put("currency", "usd")
            .put("customer", StripeSimulator.newId("cus_"))
            .put("ended_at", "canceled".equals(status) ? start : null)
            .put(
                "items",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(item))
                    .put("has_more", false)
                    .put("total_count", 1)
                    .put("url", "/v1/subscription_items?subscription=" + subscriptionId))
            .put("livemode", false)
            .put("metadata", new JsonObject())
            .put("start_date", start)
            .put("status", status);
    subscriptions.put(subscriptionId, subscription);
    return subscription.copy();
  }

  /** Stores a subscription of any shape (it needs an {@code id}), replacing one with that id. */
  public synchronized JsonObject putSubscription(JsonObject subscription) {
    String id = Objects.requireNonNull(subscription.getString("id"), "subscription id");
    subscriptions.put(id, subscription.copy());
    return subscription.copy();
  }

  /** The subscription as the fake holds it now, or {@code null}. */
  public synchronized JsonObject subscription(String subscriptionId) {
    JsonObject s = subscriptions.get(subscriptionId);
    return s == null ? null : s.copy();
  }

  /** Adds a succeeded payment intent, with its captured charge, and returns the intent. */
  public synchronized JsonObject addPaymentIntent(
      String paymentIntentId, long amount, String currency) {
    JsonObject charge = newCharge(StripeSimulator.newId("ch_"), amount, currency, paymentIntentId);
    JsonObject intent =
        new JsonObject()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("amount", amount)
            .put("amount_received", amount)
            .put("currency", currency.toLowerCase(Locale.ROOT))
            .put("latest_charge", charge.getString("id"))
            .put("status", "succeeded");
    paymentIntents.put(paymentIntentId, intent);
    return intent.copy();
  }

  /** Adds a captured charge that belongs to no payment intent and returns it. */
  public synchronized JsonObject addCharge(String chargeId, long amount, String currency) {
    return newCharge(chargeId, amount, currency, null).copy();
  }

  /** Adds a charge to the fake's charges, for {@link StripeCheckoutFake}; the live object. */
  JsonObject newCharge(String id, long amount, String currency, String paymentIntent) {
    JsonObject charge =
        new JsonObject()
            .put("id", id)
            .put("object", "charge")
            .put("amount", amount)
            .put("amount_captured", amount)
            .put("amount_refunded", 0)
            .put("captured", true)
            .put("currency", currency.toLowerCase(Locale.ROOT))
            .put("paid", true)
            .put("payment_intent", paymentIntent)
            .put("refunded", false)
            .put("status", "succeeded");
    charges.put(id, charge);
    return charge;
  }

  /** The charge as the fake holds it now (with {@code amount_refunded}), or {@code null}. */
  public synchronized JsonObject charge(String chargeId) {
    JsonObject c = charges.get(chargeId);
    return c == null ? null : c.copy();
  }

  /** The charge of a payment intent, or {@code null}. */
  public synchronized JsonObject chargeOf(String paymentIntentId) {
    JsonObject intent = paymentIntents.get(paymentIntentId);
    return intent == null ? null : charge(intent.getString("latest_charge"));
  }

  /** Links an invoice to a payment intent added before, as its paid payment. */
  public synchronized JsonObject addInvoicePayment(String invoiceId, String paymentIntentId) {
    JsonObject intent = paymentIntents.get(paymentIntentId);
    if (intent == null) {
      throw new IllegalArgumentException("add payment intent " + paymentIntentId + " first");
    }
    JsonObject invoicePayment =
        new JsonObject()
            .put("id", StripeSimulator.newId("inpay_"))
            .put("object", "invoice_payment")
            .put("amount_paid", intent.getLong("amount"))
            .put("amount_requested", intent.getLong("amount"))
            .put("created", Instant.now().getEpochSecond())
            .put("currency", intent.getString("currency"))
            .put("invoice", invoiceId)
            .put("is_default", true)
            .put("livemode", false)
            .put(
                "payment",
                new JsonObject()
                    .put("payment_intent", paymentIntentId)
                    .put("type", "payment_intent"))
            .put("status", "paid")
            .put(
                "status_transitions",
                new JsonObject()
                    .put("canceled_at", null)
                    .put("paid_at", Instant.now().getEpochSecond()));
    invoicePayments.add(invoicePayment);
    return invoicePayment.copy();
  }

  /** Refunds a charge in full, as a refund made elsewhere (in the Dashboard) would. */
  public synchronized JsonObject refundInFull(String chargeId) {
    JsonObject charge = charges.get(chargeId);
    if (charge == null) {
      throw new IllegalArgumentException("no charge " + chargeId);
    }
    long remaining = charge.getLong("amount") - charge.getLong("amount_refunded");
    return createRefund(charge, remaining, new JsonObject()).copy();
  }

  /** Every refund made, oldest first. */
  public synchronized List<JsonObject> refunds() {
    return refunds.stream().map(JsonObject::copy).toList();
  }

  /**
   * Adds a refund of a charge added before, in any status, as if made in the Dashboard; a pending
   * or succeeded one counts toward the charge's {@code amount_refunded}.
   */
  public synchronized JsonObject addRefund(String chargeId, long amount, String status) {
    JsonObject charge = charges.get(chargeId);
    if (charge == null) {
      throw new IllegalArgumentException("no charge " + chargeId);
    }
    JsonObject refund = createRefund(charge, amount, new JsonObject());
    if (!"succeeded".equals(status)) {
      refund.put("status", status);
    }
    if ("failed".equals(status) || "canceled".equals(status)) {
      long refunded = charge.getLong("amount_refunded") - amount;
      charge.put("amount_refunded", refunded).put("refunded", false);
    }
    return refund.copy();
  }

  /**
   * Makes every refund of this charge made from now on stay {@code pending}, as refunds to some
   * payment methods do, until {@link #settleRefund} decides it.
   */
  public synchronized void keepRefundsPending(String chargeId) {
    pendingRefundCharges.add(chargeId);
  }

  /**
   * Ends a pending refund as Stripe would: {@code succeeded}, or {@code failed} (with a {@code
   * failure_reason}) giving its amount back to the charge's refundable amount.
   */
  public synchronized JsonObject settleRefund(String refundId, String status) {
    JsonObject refund =
        refunds.stream()
            .filter(r -> refundId.equals(r.getString("id")))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no refund " + refundId));
    refund.put("status", status);
    if ("failed".equals(status)) {
      refund.put("failure_reason", "lost_or_stolen_card");
      JsonObject charge = charges.get(refund.getString("charge"));
      charge.put("amount_refunded", charge.getLong("amount_refunded") - refund.getLong("amount"));
      charge.put("refunded", false);
    }
    return refund.copy();
  }

  /**
   * Serves at most {@code n} items per list page, whatever {@code limit} asks. Stripe fills a page
   * up to {@code limit}; this makes paging visible with a few objects, and a client that follows
   * {@code has_more} pages the same either way.
   */
  public synchronized StripeApiFake servePagesOf(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a page holds at least one item");
    }
    pageCap = n;
    return this;
  }

  /**
   * Stores an invoice in the pinned version's shape, so that invoice payments listed with {@code
   * expand[]=data.invoice} carry it.
   */
  public synchronized JsonObject putInvoice(JsonObject invoice) {
    String id = Objects.requireNonNull(invoice.getString("id"), "invoice id");
    invoices.put(id, invoice.copy());
    return invoice.copy();
  }

  /**
   * Adds a card payment method attached to {@code customer}, as a customer's saved card is after a
   * SetupIntent, and returns its id.
   */
  public synchronized String addPaymentMethod(
      String id, String customer, String brand, String last4) {
    paymentMethods.put(
        id,
        new JsonObject()
            .put("id", id)
            .put("object", "payment_method")
            .put("card", new JsonObject().put("brand", brand).put("last4", last4))
            .put("customer", customer)
            .put("type", "card"));
    return id;
  }

  /**
   * Makes every off-session charge of this payment method fail as the issuer declines it: {@code
   * 402} with a {@code card_error} of this code, decline code and message.
   */
  public synchronized void declinePaymentMethod(
      String id, String code, String declineCode, String message) {
    declines.put(
        id,
        new JsonObject()
            .put("code", code)
            .put("decline_code", declineCode)
            .put("message", message)
            .put("type", "card_error"));
  }

  /** The ids of the payment intents created for {@code customer}, oldest first. */
  public synchronized List<String> paymentIntentsFor(String customer) {
    return paymentIntents.values().stream()
        .filter(pi -> customer.equals(pi.getString("customer")))
        .map(pi -> pi.getString("id"))
        .toList();
  }

  /** The setup intent as the fake holds it now (with its customer and metadata), or null. */
  public JsonObject setupIntent(String setupIntentId) {
    return setups.setupIntent(setupIntentId);
  }

  /** Every customer created through the API, oldest first. */
  public List<JsonObject> customers() {
    return setups.customers();
  }

  /**
   * Confirms a setup intent with a card as Stripe.js would from the customer's browser (expiring in
   * two years, CVC 123), for tests without a browser; returns the confirm's answer: the intent as
   * the publishable key sees it, or Stripe's {@code {"error":{…}}}.
   */
  public JsonObject confirmSetup(String setupIntentId, String cardNumber) {
    return setups.confirm(setupIntentId, cardNumber);
  }

  // ---- checkouts: payment intents with manual capture, and Radar reviews

  /** The customer's and the reviewer's side of checkouts ({@link StripeCheckoutFake}). */
  public StripeCheckoutFake checkouts() {
    return checkouts;
  }

  /** The ids of the payment intents whose metadata names this Paybridge checkout, oldest first. */
  public synchronized List<String> paymentIntentsOfCheckout(String checkoutId) {
    return paymentIntents.values().stream()
        .filter(
            pi ->
                pi.getJsonObject("metadata") != null
                    && checkoutId.equals(
                        pi.getJsonObject("metadata").getString(StripeCheckouts.CHECKOUT_METADATA)))
        .map(pi -> pi.getString("id"))
        .toList();
  }

  /** The payment intent as the fake holds it now, or {@code null}. */
  public synchronized JsonObject paymentIntent(String paymentIntentId) {
    JsonObject intent = paymentIntents.get(paymentIntentId);
    return intent == null ? null : intent.copy();
  }

  /** Keeps a payment intent, for {@link StripeCheckoutFake}. */
  void keepPaymentIntent(JsonObject intent) {
    paymentIntents.put(intent.getString("id"), intent);
  }

  /** The live payment intent, for {@link StripeCheckoutFake}; null when unknown. */
  JsonObject storedPaymentIntent(String id) {
    return paymentIntents.get(id);
  }

  /** The live charge, for {@link StripeCheckoutFake}; null when unknown. */
  JsonObject storedCharge(String id) {
    return charges.get(id);
  }

  // ---- serving

  @Override
  protected void routes(Router router) {
    setups.browserRoutes(router);
    router.route().handler(this::authenticate);
    router.get("/v1/subscriptions/:id").handler(ctx -> answer(ctx, retrieve(ctx.pathParam("id"))));
    router.delete("/v1/subscriptions/:id").handler(ctx -> answer(ctx, cancel(ctx.pathParam("id"))));
    router
        .get("/v1/invoice_payments")
        .handler(ctx -> answer(ctx, listInvoicePayments(call(ctx).queryParams())));
    router.get("/v1/refunds").handler(ctx -> answer(ctx, listRefunds(call(ctx).queryParams())));
    router.get("/v1/refunds/:id").handler(ctx -> answer(ctx, retrieveRefund(ctx.pathParam("id"))));
    router
        .post("/v1/refunds")
        .handler(ctx -> answer(ctx, idempotent(call(ctx), this::createRefund)));
    router
        .get("/v1/payment_methods/:id")
        .handler(ctx -> answer(ctx, retrievePaymentMethod(ctx.pathParam("id"))));
    router
        .post("/v1/payment_intents")
        .handler(
            ctx ->
                answer(
                    ctx,
                    idempotent(
                        call(ctx),
                        c ->
                            StripeCheckoutFake.isCheckout(c)
                                ? checkouts.create(c)
                                : createPaymentIntent(c))));
    checkouts.routes(router);
    router
        .get("/v1/payment_intents/:id")
        .handler(ctx -> answer(ctx, retrievePaymentIntent(ctx.pathParam("id"))));
    setups.routes(router);
    router.route().handler(ctx -> answer(ctx, unrecognized(call(ctx))));
  }

  /** Answers from {@link StripeSetupFake}'s routes. */
  void send(RoutingContext ctx, Answer answer) {
    answer(ctx, answer);
  }

  /** The request as the log holds it, for {@link StripeSetupFake}'s routes. */
  static ApiCall request(RoutingContext ctx) {
    return call(ctx);
  }

  /** Stripe's error body for an injected status. */
  @Override
  protected Answer errorAnswer(int status, ApiCall call) {
    return errorFor(status);
  }

  /** Stripe answers JSON, naming the request and the API version. */
  @Override
  protected Answer withGatewayHeaders(Answer answer) {
    return answer
        .withDefaultHeader("Content-Type", "application/json")
        .withHeader("Request-Id", StripeSimulator.newId("req_"))
        .withHeader("Stripe-Version", API_VERSION);
  }

  private void authenticate(RoutingContext ctx) {
    Answer refusal = refusal(call(ctx));
    if (refusal == null) {
      ctx.next();
    } else {
      answer(ctx, refusal);
    }
  }

  /** Why Stripe refuses the request's key or version, or {@code null} when it accepts them. */
  private Answer refusal(ApiCall call) {
    String authorization = call.header("Authorization");
    String key = null;
    if (authorization != null && authorization.startsWith("Bearer ")) {
      key = authorization.substring("Bearer ".length()).strip();
    } else if (authorization != null && authorization.startsWith("Basic ")) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(authorization.substring("Basic ".length()).strip()),
                StandardCharsets.UTF_8);
        key = pair.contains(":") ? pair.substring(0, pair.indexOf(':')) : pair;
      } catch (IllegalArgumentException e) {
        key = null;
      }
    }
    if (key == null || key.isEmpty()) {
      return error(
          401,
          "invalid_request_error",
          null,
          "No API key was sent. Send your secret key as a bearer token in the Authorization"
              + " header.",
          null);
    }
    if (!key.equals(secretKey)) {
      String shown = key.length() > 4 ? key.substring(key.length() - 4) : "";
      return error(
          401, "invalid_request_error", null, "Invalid API Key provided: ****" + shown, null);
    }
    String version = call.header("Stripe-Version");
    if (version != null && !version.equals(API_VERSION)) {
      return error(
          400,
          "invalid_request_error",
          null,
          "This fake speaks Stripe API version " + API_VERSION + " only, not " + version,
          null);
    }
    return null;
  }

  private synchronized Answer retrieve(String id) {
    JsonObject s = subscriptions.get(id);
    return s == null ? noSuch("subscription", id, "id") : json(200, s);
  }

  private synchronized Answer cancel(String id) {
    JsonObject s = subscriptions.get(id);
    if (s == null || ENDED.contains(s.getString("status"))) {
      return noSuch("subscription", id, "id");
    }
    long now = Instant.now().getEpochSecond();
    s.put("status", "canceled").put("canceled_at", now).put("ended_at", now);
    JsonObject details = s.getJsonObject("cancellation_details");
    if (details != null) {
      details.put("reason", "cancellation_requested");
    }
    return json(200, s);
  }

  private synchronized Answer listInvoicePayments(Map<String, String> query) {
    String invoice = query.get("invoice");
    String status = query.get("status");
    String type = query.get("payment[type]");
    String intent = query.get("payment[payment_intent]");
    if (intent != null && type == null) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Missing required param: payment[type].",
          "payment[type]");
    }
    boolean expandInvoice = "data.invoice".equals(query.get("expand[]"));
    List<JsonObject> matching = new ArrayList<>();
    for (JsonObject p : invoicePayments) {
      JsonObject payment = p.getJsonObject("payment");
      if ((invoice == null || invoice.equals(p.getString("invoice")))
          && (status == null || status.equals(p.getString("status")))
          && (type == null || type.equals(payment.getString("type")))
          && (intent == null || intent.equals(payment.getString("payment_intent")))) {
        JsonObject listed = p.copy();
        JsonObject stored = invoices.get(p.getString("invoice"));
        if (expandInvoice && stored != null) {
          listed.put("invoice", stored.copy());
        }
        matching.add(listed);
      }
    }
    return page("/v1/invoice_payments", matching, query);
  }

  private synchronized Answer listRefunds(Map<String, String> query) {
    String charge = query.get("charge");
    String intent = query.get("payment_intent");
    if (charge != null && !charges.containsKey(charge)) {
      return noSuch("charge", charge, "charge");
    }
    List<JsonObject> matching = new ArrayList<>();
    for (JsonObject r : refunds) {
      if ((charge == null || charge.equals(r.getString("charge")))
          && (intent == null || intent.equals(r.getString("payment_intent")))) {
        matching.add(r.copy());
      }
    }
    return page("/v1/refunds", matching, query);
  }

  private synchronized Answer retrieveRefund(String id) {
    return refunds.stream()
        .filter(r -> id.equals(r.getString("id")))
        .findFirst()
        .map(r -> json(200, r.copy()))
        .orElseGet(() -> noSuch("refund", id, "id"));
  }

  /**
   * One page of a list, newest first as Stripe lists: {@code limit} items (1 to 100, default 10)
   * after the object named by {@code starting_after}.
   */
  private Answer page(String url, List<JsonObject> oldestFirst, Map<String, String> query) {
    List<JsonObject> newestFirst = new ArrayList<>(oldestFirst);
    Collections.reverse(newestFirst);
    int limit = 10;
    if (query.containsKey("limit")) {
      try {
        limit = Integer.parseInt(query.get("limit"));
      } catch (NumberFormatException e) {
        limit = 0;
      }
      if (limit < 1 || limit > 100) {
        return error(
            400,
            "invalid_request_error",
            "parameter_invalid_integer",
            "Invalid integer: " + query.get("limit") + "; limit must be between 1 and 100.",
            "limit");
      }
    }
    int from = 0;
    String after = query.get("starting_after");
    if (after != null) {
      from = -1;
      for (int i = 0; i < newestFirst.size(); i++) {
        if (after.equals(newestFirst.get(i).getString("id"))) {
          from = i + 1;
        }
      }
      if (from < 0) {
        return error(
            400,
            "invalid_request_error",
            "resource_missing",
            "No such object: '" + after + "'",
            "starting_after");
      }
    }
    int to = Math.min(newestFirst.size(), from + Math.min(limit, pageCap));
    JsonArray data = new JsonArray();
    newestFirst.subList(from, to).forEach(data::add);
    return json(
        200,
        new JsonObject()
            .put("object", "list")
            .put("data", data)
            .put("has_more", to < newestFirst.size())
            .put("url", url));
  }

  /** Runs a POST under Stripe's idempotency rules. */
  synchronized Answer idempotent(ApiCall call, Function<ApiCall, Answer> execute) {
    String key = call.header("Idempotency-Key");
    if (key == null) {
      return execute.apply(call);
    }
    Map<String, String> parameters = call.form();
    Stored stored = idempotency.get(key);
    if (stored != null) {
      if (!stored.path().equals(call.path()) || !stored.parameters().equals(parameters)) {
        return error(
            400,
            "idempotency_error",
            null,
            "Idempotency key '"
                + key
                + "' was first used with other parameters; use a new key for a different"
                + " request.",
            null);
      }
      return stored.answer().withHeader("Idempotent-Replayed", "true");
    }
    Answer answer = execute.apply(call);
    idempotency.put(key, new Stored(call.path(), parameters, answer));
    return answer;
  }

  private synchronized Answer retrievePaymentMethod(String id) {
    JsonObject method = paymentMethods.get(id);
    return method == null
        ? noSuch("PaymentMethod", id, "payment_method")
        : json(200, method.copy());
  }

  private synchronized Answer retrievePaymentIntent(String id) {
    JsonObject intent = paymentIntents.get(id);
    return intent == null ? noSuch("payment_intent", id, "intent") : json(200, intent.copy());
  }

  /**
   * {@code POST /v1/payment_intents} confirmed at once, as a merchant charges a saved method while
   * the customer is away: succeeded (with its captured charge), or, for a declined method, kept in
   * {@code requires_payment_method} and answered {@code 402} with the decline.
   */
  private Answer createPaymentIntent(ApiCall call) {
    Map<String, String> form = call.form();
    long amount;
    try {
      amount = Long.parseLong(form.getOrDefault("amount", ""));
    } catch (NumberFormatException e) {
      amount = 0;
    }
    if (amount < 1) {
      return error(
          400,
          "invalid_request_error",
          "parameter_invalid_integer",
          "Invalid integer: " + form.get("amount"),
          "amount");
    }
    if (!"true".equals(form.get("confirm")) || !"true".equals(form.get("off_session"))) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "This fake confirms off-session payment intents only: send confirm=true and"
              + " off_session=true.",
          "confirm");
    }
    String methodId = form.get("payment_method");
    JsonObject method = methodId == null ? null : paymentMethods.get(methodId);
    if (method == null) {
      return error(
          400,
          "invalid_request_error",
          "resource_missing",
          "No such PaymentMethod: '" + methodId + "'",
          "payment_method");
    }
    String customer = form.get("customer");
    if (customer == null || !customer.equals(method.getString("customer"))) {
      return error(
          400,
          "invalid_request_error",
          null,
          "The provided PaymentMethod does not belong to the Customer " + customer + ".",
          "payment_method");
    }
    String currency = form.getOrDefault("currency", "");
    String id = StripeSimulator.newId("pi_");
    JsonObject metadata = new JsonObject();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            metadata.put(k.substring("metadata[".length(), k.length() - 1), v);
          }
        });
    JsonObject intent =
        new JsonObject()
            .put("id", id)
            .put("object", "payment_intent")
            .put("amount", amount)
            .put("created", java.time.Instant.now().getEpochSecond())
            .put("currency", currency)
            .put("customer", customer)
            .put("description", form.get("description"))
            .put("metadata", metadata)
            .put("payment_method", methodId);
    paymentIntents.put(id, intent);
    JsonObject decline = declines.get(methodId);
    if (decline != null) {
      intent
          .put("amount_received", 0)
          .put("last_payment_error", decline.copy())
          .put("status", "requires_payment_method");
      JsonObject error = decline.copy().put("payment_intent", intent.copy());
      return json(402, new JsonObject().put("error", error));
    }
    JsonObject charge = newCharge(StripeSimulator.newId("ch_"), amount, currency, id);
    intent
        .put("amount_received", amount)
        .put("latest_charge", charge.getString("id"))
        .put("status", "succeeded");
    return json(200, intent.copy());
  }

  private Answer createRefund(ApiCall call) {
    Map<String, String> form = call.form();
    String intentId = form.get("payment_intent");
    String chargeId = form.get("charge");
    if ((intentId == null) == (chargeId == null)) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Name exactly one of charge or payment_intent.",
          intentId == null ? "charge" : "payment_intent");
    }
    JsonObject charge;
    if (intentId != null) {
      JsonObject intent = paymentIntents.get(intentId);
      if (intent == null) {
        return noSuch("payment_intent", intentId, "payment_intent");
      }
      charge = charges.get(intent.getString("latest_charge"));
    } else {
      charge = charges.get(chargeId);
      if (charge == null) {
        return noSuch("charge", chargeId, "charge");
      }
    }
    long remaining = charge.getLong("amount") - charge.getLong("amount_refunded");
    if (remaining <= 0) {
      return error(
          400,
          "invalid_request_error",
          "charge_already_refunded",
          "Charge " + charge.getString("id") + " has already been refunded.",
          null);
    }
    long amount = remaining;
    if (form.containsKey("amount")) {
      try {
        amount = Long.parseLong(form.get("amount"));
      } catch (NumberFormatException e) {
        return error(
            400, "invalid_request_error", "parameter_invalid_integer", "Bad amount", "amount");
      }
      if (amount <= 0 || amount > remaining) {
        return error(
            400,
            "invalid_request_error",
            "amount_too_large",
            "Refund amount " + amount + " is more than the " + remaining + " left to refund.",
            "amount");
      }
    }
    String reason = form.get("reason");
    if (reason != null
        && !Set.of("duplicate", "fraudulent", "requested_by_customer").contains(reason)) {
      return error(
          400,
          "invalid_request_error",
          null,
          "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
          "reason");
    }
    JsonObject metadata = new JsonObject();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            metadata.put(k.substring("metadata[".length(), k.length() - 1), v);
          }
        });
    JsonObject refund = createRefund(charge, amount, metadata).put("reason", reason);
    if (pendingRefundCharges.contains(charge.getString("id"))) {
      refund.put("status", "pending");
    }
    return json(200, refund.copy());
  }

  private JsonObject createRefund(JsonObject charge, long amount, JsonObject metadata) {
    JsonObject refund =
        new JsonObject()
            .put("id", StripeSimulator.newId("re_"))
            .put("object", "refund")
            .put("amount", amount)
            .put("charge", charge.getString("id"))
            .put("created", Instant.now().getEpochSecond())
            .put("currency", charge.getString("currency"))
            .put("metadata", metadata)
            .put("payment_intent", charge.getString("payment_intent"))
            .put("reason", null)
            .put("status", "succeeded");
    refunds.add(refund);
    long refunded = charge.getLong("amount_refunded") + amount;
    charge.put("amount_refunded", refunded).put("refunded", refunded >= charge.getLong("amount"));
    return refund;
  }

  // ---- Stripe's error answers

  /** A JSON answer, printed as Stripe prints it. */
  static Answer json(int status, JsonObject body) {
    return Answer.of(status, "application/json", body.encodePrettily());
  }

  private static Answer unrecognized(ApiCall call) {
    return error(
        404,
        "invalid_request_error",
        null,
        "Unrecognized request URL (" + call.method() + ": " + call.path() + ")",
        null);
  }

  static Answer noSuch(String type, String id, String param) {
    return error(
        404,
        "invalid_request_error",
        "resource_missing",
        "No such " + type + ": '" + id + "'",
        param);
  }

  /** Stripe's error envelope, keys in Stripe's (alphabetical) order. */
  static Answer error(int status, String type, String code, String message, String param) {
    JsonObject error = new JsonObject();
    if (code != null) {
      error.put("code", code);
      error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
    }
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    error.put(
        "request_log_url",
        "https://dashboard.stripe.com/test/logs/" + StripeSimulator.newId("req_"));
    error.put("type", type);
    return json(status, new JsonObject().put("error", error));
  }

  private static Answer errorFor(int status) {
    if (status == 429) {
      return error(
          429,
          "invalid_request_error",
          "rate_limit",
          "Too many requests in too short a time; slow down and retry.",
          null);
    }
    if (status >= 500) {
      return error(status, "api_error", null, "Stripe failed to handle the request.", null);
    }
    if (status == 401) {
      return error(
          401,
          "invalid_request_error",
          "api_key_expired",
          "Expired API Key provided: sk_test_****2bcd",
          null);
    }
    if (status == 403) {
      return error(
          403,
          "invalid_request_error",
          null,
          "The provided key 'rk_test_****2bcd' does not have the required permissions for this"
              + " endpoint on account 'acct_1Paybridge'.",
          null);
    }
    return error(status, "invalid_request_error", null, "Scripted failure.", null);
  }
}
