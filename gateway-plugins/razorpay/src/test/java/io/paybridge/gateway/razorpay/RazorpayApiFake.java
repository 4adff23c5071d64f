package io.paybridge.gateway.razorpay;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plays Razorpay's REST API in tests: the endpoints {@link RazorpayPlugin} calls, served by a real
 * HTTP server on 127.0.0.1 at a random port, with subscriptions, payments and refunds kept in
 * memory. Point the plugin at it with {@link #pluginSettings()}. Other modules' end-to-end tests
 * use it through this module's test-jar, beside {@link RazorpaySimulator}, which plays Razorpay's
 * webhooks.
 *
 * <p>It behaves as Razorpay does where the plugin depends on it:
 *
 * <ul>
 *   <li>Authentication: HTTP Basic with the key id and key secret; anything else gets {@code 401}.
 *   <li>Unknown ids get {@code 400 BAD_REQUEST_ERROR} "The id provided does not exist".
 *   <li>{@code GET /v1/subscriptions/{id}}; {@code POST /v1/subscriptions/{id}/cancel} with {@code
 *       cancel_at_cycle_end} 0 cancels at once, 1 schedules the cancel; a subscription already
 *       cancelled, completed or expired gets {@code 400} "Subscription is not cancellable in …
 *       status.".
 *   <li>{@code GET /v1/payments/{id}} (with {@code amount_refunded} and {@code refund_status});
 *       {@code GET /v1/payments/{id}/refunds} (newest first, {@code count} and {@code skip});
 *       {@code GET /v1/refunds/{id}}; refunds of a payment may be kept {@code pending} ({@link
 *       #keepRefundsPending}) until {@link #settleRefund}.
 *   <li>{@code POST /v1/payments/{id}/refund} with an optional {@code amount} (default: what is
 *       left), {@code receipt} and {@code notes}; a payment with nothing left gets {@code 400} "The
 *       payment has been fully refunded already", an amount beyond what is left gets {@code 400}
 *       too. With an {@code X-Refund-Idempotency} key (10 or more letters, digits, {@code -} or
 *       {@code _}) the first answer is replayed to a request with the same key and body; another
 *       body under a used key gets {@code 400}.
 *   <li>{@code POST /v1/orders} ({@link RazorpayOrderBook}).
 * </ul>
 *
 * <p>Tests script trouble with the {@link GatewaySimulator}'s faults: {@link #failNext} answers the
 * next matching request with an error before it is authenticated or executed; {@link #delayNext}
 * executes the next matching request and holds its answer back, which models an answer lost to a
 * client timeout; {@link #answerNext} sends any raw answer. Every request is recorded ({@link
 * #calls()}).
 */
public final class RazorpayApiFake extends GatewaySimulator<RazorpayApiFake> {

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_-]{10,}");
  private static final Set<String> ENDED = Set.of("cancelled", "completed", "expired");

  /** What Razorpay keeps under a refund idempotency key: the request body and the first answer. */
  private record Stored(String path, JsonObject body, Answer answer) {}

  private final String keyId;
  private final String keySecret;
  private final Map<String, JsonObject> subscriptions = new LinkedHashMap<>();
  private final Map<String, JsonObject> payments = new LinkedHashMap<>();
  private final List<JsonObject> refunds = new ArrayList<>();
  private final Map<String, Stored> idempotency = new LinkedHashMap<>();
  private final RazorpayOrderBook orders = new RazorpayOrderBook();
  private final Set<String> pendingPayments = new java.util.HashSet<>();

  /**
   * @param keyId the only key id the fake accepts
   * @param keySecret that key's secret
   */
  public RazorpayApiFake(String keyId, String keySecret) {
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.keySecret = Objects.requireNonNull(keySecret, "keySecret");
  }

  /** A fresh test-mode key id in Razorpay's format. */
  public static String newKeyId() {
    return RazorpaySimulator.newId("rzp_test_");
  }

  /** A fresh key secret in Razorpay's format (24 letters and digits). */
  public static String newKeySecret() {
    return RazorpaySimulator.newId("") + RazorpaySimulator.newId("").substring(0, 10);
  }

  /** Starts serving on 127.0.0.1 at a random port. */
  /** Plugin settings that point {@link RazorpayPlugin} at this fake. */
  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(RazorpayPlugin.API_BASE_SETTING, baseUrl());
  }

  // ---- state

  /** Adds a monthly card subscription whose current cycle ends at {@code currentEnd}. */
  public synchronized JsonObject addSubscription(
      String subscriptionId, String status, Instant currentEnd) {
    JsonObject subscription =
        RazorpaySimulator.subscription(
            subscriptionId, RazorpaySimulator.newId("cust_"), status, new JsonArray(), currentEnd);
    subscription.remove("type");
    if (ENDED.contains(status)) {
      subscription.put("ended_at", subscription.getLong("current_start")).put("charge_at", null);
    }
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

  /** Adds a captured card payment and returns it. */
  public synchronized JsonObject addPayment(String paymentId, long amount, String currency) {
    JsonObject payment =
        new JsonObject()
            .put("id", paymentId)
            .put("entity", "payment")
            .put("amount", amount)
            .put("currency", currency.toUpperCase(Locale.ROOT))
            .put("status", "captured")
            .put("order_id", null)
            .put("invoice_id", RazorpaySimulator.newId("inv_"))
            .put("international", false)
            .put("method", "card")
            .put("amount_refunded", 0)
            .put("refund_status", null)
            .put("captured", true)
            .put("description", "Recurring payment via subscription")
            .put("email", "gaurav.kumar@example.com")
            .put("contact", "+919000090000")
            .put("notes", new JsonArray())
            .put("created_at", Instant.now().getEpochSecond());
    payments.put(paymentId, payment);
    return payment.copy();
  }

  /** The payment as the fake holds it now, or {@code null}. */
  public synchronized JsonObject payment(String paymentId) {
    JsonObject p = payments.get(paymentId);
    return p == null ? null : p.copy();
  }

  /** Refunds what is left of a payment, as a refund made elsewhere (in the Dashboard) would. */
  public synchronized JsonObject refundInFull(String paymentId) {
    JsonObject payment = payments.get(paymentId);
    if (payment == null) {
      throw new IllegalArgumentException("no payment " + paymentId);
    }
    long left = payment.getLong("amount") - payment.getLong("amount_refunded");
    return createRefund(payment, left, null, new JsonArray()).copy();
  }

  /** The orders checkouts created ({@code POST /v1/orders}). */
  RazorpayOrderBook orders() {
    return orders;
  }

  /** Refunds of the payment made from now on stay {@code pending} until {@link #settleRefund}. */
  public synchronized void keepRefundsPending(String paymentId) {
    pendingPayments.add(paymentId);
  }

  /** Ends a pending refund: {@code processed}, or {@code failed} giving its amount back. */
  public synchronized JsonObject settleRefund(String refundId, String status) {
    JsonObject refund =
        refunds.stream()
            .filter(r -> refundId.equals(r.getString("id")))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no refund " + refundId));
    refund.put("status", status);
    if ("failed".equals(status)) {
      JsonObject payment = payments.get(refund.getString("payment_id"));
      long refunded = payment.getLong("amount_refunded") - refund.getLong("amount");
      payment
          .put("amount_refunded", refunded)
          .put("refund_status", refunded == 0 ? null : "partial")
          .put("status", "captured");
    }
    return refund.copy();
  }

  /** Every refund made, oldest first. */
  public synchronized List<JsonObject> refunds() {
    return refunds.stream().map(JsonObject::copy).toList();
  }

  // ---- serving

  @Override
  protected void routes(Router router) {
    router.route().handler(this::authenticate);
    router.get("/v1/subscriptions/:id").handler(ctx -> answer(ctx, subscriptionAnswer(ctx)));
    router
        .post("/v1/subscriptions/:id/cancel")
        .handler(ctx -> answer(ctx, cancel(ctx.pathParam("id"), call(ctx).json())));
    router.get("/v1/payments/:id").handler(ctx -> answer(ctx, paymentAnswer(ctx)));
    router
        .get("/v1/payments/:id/refunds")
        .handler(ctx -> answer(ctx, listRefunds(ctx.pathParam("id"), call(ctx).queryParams())));
    router.get("/v1/refunds/:id").handler(ctx -> answer(ctx, refundAnswer(ctx.pathParam("id"))));
    router
        .post("/v1/payments/:id/refund")
        .handler(ctx -> answer(ctx, idempotent(call(ctx), ctx.pathParam("id"))));
    router.post("/v1/orders").handler(ctx -> answer(ctx, orders.create(call(ctx).json())));
    router
        .route()
        .handler(
            ctx ->
                answer(
                    ctx,
                    error(
                        404,
                        "BAD_REQUEST_ERROR",
                        "The requested URL was not found on the server.")))
        .failureHandler(this::unreadableBody);
  }

  /** Razorpay's error body for an injected status. */
  @Override
  protected Answer errorAnswer(int status, ApiCall call) {
    return errorFor(status);
  }

  @Override
  protected Answer withGatewayHeaders(Answer answer) {
    return answer.withDefaultHeader("Content-Type", "application/json; charset=UTF-8");
  }

  private void authenticate(RoutingContext ctx) {
    if (authenticated(call(ctx).header("Authorization"))) {
      ctx.next();
    } else {
      answer(ctx, error(401, "BAD_REQUEST_ERROR", "Authentication failed"));
    }
  }

  /** A request body that is not the JSON the endpoint takes. */
  private void unreadableBody(RoutingContext ctx) {
    if (ctx.failure() instanceof DecodeException || ctx.failure() instanceof ClassCastException) {
      answer(ctx, error(400, "BAD_REQUEST_ERROR", "The request body is not valid JSON"));
    } else {
      ctx.next();
    }
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return false;
    }
    try {
      String pair =
          new String(
              Base64.getDecoder().decode(authorization.substring("Basic ".length()).strip()),
              StandardCharsets.UTF_8);
      return pair.equals(keyId + ":" + keySecret);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private synchronized Answer subscriptionAnswer(RoutingContext ctx) {
    JsonObject s = subscriptions.get(ctx.pathParam("id"));
    return s == null ? noSuchId() : json(200, s);
  }

  private synchronized Answer paymentAnswer(RoutingContext ctx) {
    JsonObject p = payments.get(ctx.pathParam("id"));
    return p == null ? noSuchId() : json(200, p);
  }

  private synchronized Answer cancel(String id, JsonObject body) {
    JsonObject s = subscriptions.get(id);
    if (s == null) {
      return noSuchId();
    }
    String status = s.getString("status");
    if (ENDED.contains(status)) {
      return error(
          400, "BAD_REQUEST_ERROR", "Subscription is not cancellable in " + status + " status.");
    }
    Object atCycleEnd = body.getValue("cancel_at_cycle_end");
    if (Boolean.TRUE.equals(atCycleEnd) || (atCycleEnd instanceof Number n && n.intValue() == 1)) {
      s.put("has_scheduled_changes", true).put("change_scheduled_at", s.getLong("current_end"));
      return json(200, s);
    }
    s.put("status", "cancelled")
        .put("ended_at", Instant.now().getEpochSecond())
        .put("charge_at", null)
        .put("has_scheduled_changes", false)
        .put("change_scheduled_at", null);
    return json(200, s);
  }

  /**
   * A payment's refunds, newest first as Razorpay lists them, {@code count} (max 100) after {@code
   * skip}.
   */
  private synchronized Answer listRefunds(String paymentId, Map<String, String> query) {
    if (!payments.containsKey(paymentId)) {
      return noSuchId();
    }
    int count;
    int skip;
    try {
      count = Integer.parseInt(query.getOrDefault("count", "10"));
      skip = Integer.parseInt(query.getOrDefault("skip", "0"));
    } catch (NumberFormatException e) {
      return error(400, "BAD_REQUEST_ERROR", "The count must be an integer.");
    }
    if (count < 1 || count > 100 || skip < 0) {
      return error(400, "BAD_REQUEST_ERROR", "The count may not be greater than 100.");
    }
    List<JsonObject> newestFirst =
        new ArrayList<>(
            refunds.stream().filter(r -> paymentId.equals(r.getString("payment_id"))).toList());
    java.util.Collections.reverse(newestFirst);
    JsonArray items = new JsonArray();
    newestFirst.stream().skip(skip).limit(count).forEach(r -> items.add(r.copy()));
    return json(
        200,
        new JsonObject()
            .put("entity", "collection")
            .put("count", items.size())
            .put("items", items));
  }

  private synchronized Answer refundAnswer(String refundId) {
    return refunds.stream()
        .filter(r -> refundId.equals(r.getString("id")))
        .findFirst()
        .map(r -> json(200, r.copy()))
        .orElseGet(RazorpayApiFake::noSuchId);
  }

  /** Runs a refund under Razorpay's refund idempotency rules. */
  private synchronized Answer idempotent(ApiCall call, String paymentId) {
    String key = call.header("X-Refund-Idempotency");
    JsonObject body = call.json();
    if (key == null) {
      return refund(paymentId, body);
    }
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      return error(
          400,
          "BAD_REQUEST_ERROR",
          "The idempotency key must be at least 10 letters, digits, hyphens or underscores.");
    }
    Stored stored = idempotency.get(key);
    if (stored != null) {
      if (!stored.path().equals(call.path()) || !stored.body().equals(body)) {
        return error(
            400,
            "BAD_REQUEST_ERROR",
            "Different request with the same idempotency key has already been processed.");
      }
      return stored.answer();
    }
    Answer answer = refund(paymentId, body);
    idempotency.put(key, new Stored(call.path(), body, answer));
    return answer;
  }

  private Answer refund(String paymentId, JsonObject body) {
    JsonObject payment = payments.get(paymentId);
    if (payment == null) {
      return noSuchId();
    }
    if (!Set.of("captured", "refunded").contains(payment.getString("status"))) {
      return error(400, "BAD_REQUEST_ERROR", "Only captured payments can be refunded.");
    }
    long left = payment.getLong("amount") - payment.getLong("amount_refunded");
    if (left <= 0) {
      return error(400, "BAD_REQUEST_ERROR", "The payment has been fully refunded already");
    }
    Long amount = body.getLong("amount");
    if (amount == null) {
      amount = left;
    }
    if (amount <= 0 || amount > left) {
      return error(
          400, "BAD_REQUEST_ERROR", "The refund amount provided is greater than amount captured");
    }
    Object notes = body.getValue("notes");
    return json(
        200,
        createRefund(
            payment,
            amount,
            body.getString("receipt"),
            notes instanceof JsonObject o && !o.isEmpty() ? o : new JsonArray()));
  }

  private JsonObject createRefund(JsonObject payment, long amount, String receipt, Object notes) {
    JsonObject refund =
        new JsonObject()
            .put("id", RazorpaySimulator.newId("rfnd_"))
            .put("entity", "refund")
            .put("amount", amount)
            .put("currency", payment.getString("currency"))
            .put("payment_id", payment.getString("id"))
            .put("notes", notes)
            .put("receipt", receipt)
            .put("acquirer_data", new JsonObject().put("arn", null))
            .put("created_at", Instant.now().getEpochSecond())
            .put("batch_id", null)
            .put(
                "status",
                pendingPayments.contains(payment.getString("id")) ? "pending" : "processed")
            .put("speed_processed", "normal")
            .put("speed_requested", "normal");
    refunds.add(refund);
    long refunded = payment.getLong("amount_refunded") + amount;
    boolean full = refunded >= payment.getLong("amount");
    payment
        .put("amount_refunded", refunded)
        .put("refund_status", full ? "full" : "partial")
        .put("status", full ? "refunded" : payment.getString("status"));
    return refund;
  }

  // ---- Razorpay's error answers

  private static Answer noSuchId() {
    return error(400, "BAD_REQUEST_ERROR", "The id provided does not exist");
  }

  /** A JSON answer, printed compactly as Razorpay prints it. */
  private static Answer json(int status, JsonObject body) {
    return Answer.of(status, "application/json; charset=UTF-8", body.encode());
  }

  static Answer error(int status, String code, String description) {
    return json(
        status,
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("code", code)
                    .put("description", description)
                    .put("source", "NA")
                    .put("step", "NA")
                    .put("reason", "NA")
                    .put("metadata", new JsonObject())));
  }

  private static Answer errorFor(int status) {
    if (status == 429) {
      return error(429, "BAD_REQUEST_ERROR", "Too many requests");
    }
    if (status >= 500) {
      return error(
          status,
          "SERVER_ERROR",
          "The server encountered an error. The incident has been reported to admins.");
    }
    return error(status, "BAD_REQUEST_ERROR", "Scripted failure");
  }
}
