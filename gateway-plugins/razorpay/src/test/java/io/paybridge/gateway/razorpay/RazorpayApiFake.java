package io.paybridge.gateway.razorpay;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
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
 *       {@code GET /v1/payments/{id}/refunds}.
 *   <li>{@code POST /v1/payments/{id}/refund} with an optional {@code amount} (default: what is
 *       left), {@code receipt} and {@code notes}; a payment with nothing left gets {@code 400} "The
 *       payment has been fully refunded already", an amount beyond what is left gets {@code 400}
 *       too. With an {@code X-Refund-Idempotency} key (10 or more letters, digits, {@code -} or
 *       {@code _}) the first answer is replayed to a request with the same key and body; another
 *       body under a used key gets {@code 400}.
 * </ul>
 *
 * <p>Tests script trouble: {@link #failNext} answers the next matching request with an error before
 * it executes; {@link #delayNext} executes the next matching request and holds its answer back,
 * which models an answer lost to a client timeout; {@link #answerNext} sends any raw answer. Every
 * request is recorded ({@link #calls()}).
 */
public final class RazorpayApiFake {

  private static final Pattern SUBSCRIPTION = Pattern.compile("/v1/subscriptions/([^/]+)");
  private static final Pattern CANCEL = Pattern.compile("/v1/subscriptions/([^/]+)/cancel");
  private static final Pattern PAYMENT = Pattern.compile("/v1/payments/([^/]+)");
  private static final Pattern REFUND = Pattern.compile("/v1/payments/([^/]+)/refund");
  private static final Pattern REFUNDS = Pattern.compile("/v1/payments/([^/]+)/refunds");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_-]{10,}");
  private static final Set<String> ENDED = Set.of("cancelled", "completed", "expired");

  /**
   * One request as the fake received it.
   *
   * @param method HTTP method, upper case
   * @param path the path without the query
   * @param headers the request headers
   * @param body the request body as text (empty for none)
   */
  public record Call(String method, String path, MultiMap headers, String body) {

    /** A request header, or {@code null}. */
    public String header(String name) {
      return headers.get(name);
    }

    /** The body as a JSON object (empty for no body). */
    public JsonObject json() {
      return body.isBlank() ? new JsonObject() : new JsonObject(body);
    }
  }

  /** A scripted answer for the next request with this method and path. */
  private record Fault(
      String method, String path, int status, String body, Duration delay, boolean execute) {}

  /** An answer ready to send. */
  private record Answer(int status, String body, Duration delay) {
    Answer(int status, JsonObject body) {
      this(status, body.encode(), Duration.ZERO);
    }

    Answer delayed(Duration by) {
      return new Answer(status, body, by);
    }
  }

  /** What Razorpay keeps under a refund idempotency key: the request body and the first answer. */
  private record Stored(String path, JsonObject body, Answer answer) {}

  private final String keyId;
  private final String keySecret;
  private final Map<String, JsonObject> subscriptions = new LinkedHashMap<>();
  private final Map<String, JsonObject> payments = new LinkedHashMap<>();
  private final List<JsonObject> refunds = new ArrayList<>();
  private final Map<String, Stored> idempotency = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();

  private Vertx vertx;
  private HttpServer server;

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
  public Future<RazorpayApiFake> start(Vertx vertx) {
    this.vertx = vertx;
    return vertx
        .createHttpServer()
        .requestHandler(this::handle)
        .listen(0, "127.0.0.1")
        .map(
            s -> {
              server = s;
              return this;
            });
  }

  /** The base URL to configure as the plugin's {@value RazorpayPlugin#API_BASE_SETTING}. */
  public String baseUrl() {
    if (server == null) {
      throw new IllegalStateException("the fake has not been started");
    }
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Plugin settings that point {@link RazorpayPlugin} at this fake. */
  public Map<String, String> pluginSettings() {
    return Map.of(RazorpayPlugin.API_BASE_SETTING, baseUrl());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  // ---- state

  /** Adds a monthly card subscription whose current cycle ends at {@code currentEnd}. */
  public synchronized JsonObject addSubscription(
      String subscriptionId, String status, Instant currentEnd) {
    long end = currentEnd.getEpochSecond();
    long start = currentEnd.atZone(ZoneOffset.UTC).minusMonths(1).toEpochSecond();
    long created = currentEnd.atZone(ZoneOffset.UTC).minusMonths(3).toEpochSecond();
    JsonObject subscription =
        new JsonObject()
            .put("id", subscriptionId)
            .put("entity", "subscription")
            .put("plan_id", RazorpaySimulator.newId("plan_"))
            .put("customer_id", RazorpaySimulator.newId("cust_"))
            .put("status", status)
            .put("current_start", start)
            .put("current_end", end)
            .put("ended_at", ENDED.contains(status) ? start : null)
            .put("quantity", 1)
            .put("notes", new JsonArray())
            .put("charge_at", ENDED.contains(status) ? null : end)
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

  /** Every refund made, oldest first. */
  public synchronized List<JsonObject> refunds() {
    return refunds.stream().map(JsonObject::copy).toList();
  }

  // ---- calls and scripted trouble

  /** Every request received, oldest first. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests received with this method and path. */
  public synchronized List<Call> calls(String method, String path) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
  }

  /**
   * Answers the next request with this method and path with {@code status} and a Razorpay error
   * body fitting it, without executing it.
   */
  public synchronized RazorpayApiFake failNext(String method, String path, int status) {
    faults.add(new Fault(method, path, status, errorFor(status), Duration.ZERO, false));
    return this;
  }

  /** Answers the next request with this method and path with exactly this status and body. */
  public synchronized RazorpayApiFake answerNext(
      String method, String path, int status, String body) {
    faults.add(new Fault(method, path, status, body, Duration.ZERO, false));
    return this;
  }

  /** Executes the next request with this method and path, then holds its answer back this long. */
  public synchronized RazorpayApiFake delayNext(String method, String path, Duration delay) {
    faults.add(new Fault(method, path, 0, null, delay, true));
    return this;
  }

  // ---- serving

  private void handle(HttpServerRequest req) {
    req.body()
        .map(body -> receive(req, body))
        .compose(
            answer ->
                answer.delay().isZero()
                    ? Future.succeededFuture(answer)
                    : vertx.timer(answer.delay().toMillis()).map(answer))
        .onSuccess(
            answer ->
                req.response()
                    .setStatusCode(answer.status())
                    .putHeader("Content-Type", "application/json; charset=UTF-8")
                    .end(answer.body()))
        .onFailure(
            err -> {
              if (!req.response().ended()) {
                req.response().setStatusCode(500).end();
              }
            });
  }

  private synchronized Answer receive(HttpServerRequest req, Buffer body) {
    Call call =
        new Call(
            req.method().name(),
            req.path(),
            MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
            body.toString(StandardCharsets.UTF_8));
    calls.add(call);
    if (!authenticated(call.header("Authorization"))) {
      return error(401, "BAD_REQUEST_ERROR", "Authentication failed");
    }
    Fault fault = takeFault(call);
    if (fault != null && !fault.execute()) {
      return new Answer(fault.status(), fault.body(), Duration.ZERO);
    }
    Answer answer;
    try {
      answer = route(call);
    } catch (DecodeException | ClassCastException e) {
      answer = error(400, "BAD_REQUEST_ERROR", "The request body is not valid JSON");
    }
    return fault == null ? answer : answer.delayed(fault.delay());
  }

  private Fault takeFault(Call call) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.method().equalsIgnoreCase(call.method()) && f.path().equals(call.path())) {
        it.remove();
        return f;
      }
    }
    return null;
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

  private Answer route(Call call) {
    String method = call.method();
    Matcher m;
    if (method.equals("GET") && (m = SUBSCRIPTION.matcher(call.path())).matches()) {
      JsonObject s = subscriptions.get(m.group(1));
      return s == null ? noSuchId() : new Answer(200, s);
    }
    if (method.equals("POST") && (m = CANCEL.matcher(call.path())).matches()) {
      return cancel(m.group(1), call.json());
    }
    if (method.equals("GET") && (m = PAYMENT.matcher(call.path())).matches()) {
      JsonObject p = payments.get(m.group(1));
      return p == null ? noSuchId() : new Answer(200, p);
    }
    if (method.equals("GET") && (m = REFUNDS.matcher(call.path())).matches()) {
      return listRefunds(m.group(1));
    }
    if (method.equals("POST") && (m = REFUND.matcher(call.path())).matches()) {
      return idempotent(call, m.group(1));
    }
    return error(404, "BAD_REQUEST_ERROR", "The requested URL was not found on the server.");
  }

  private Answer cancel(String id, JsonObject body) {
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
      return new Answer(200, s);
    }
    s.put("status", "cancelled")
        .put("ended_at", Instant.now().getEpochSecond())
        .put("charge_at", null)
        .put("has_scheduled_changes", false)
        .put("change_scheduled_at", null);
    return new Answer(200, s);
  }

  private Answer listRefunds(String paymentId) {
    if (!payments.containsKey(paymentId)) {
      return noSuchId();
    }
    JsonArray items = new JsonArray();
    refunds.stream()
        .filter(r -> paymentId.equals(r.getString("payment_id")))
        .forEach(r -> items.add(r.copy()));
    return new Answer(
        200,
        new JsonObject()
            .put("entity", "collection")
            .put("count", items.size())
            .put("items", items));
  }

  /** Runs a refund under Razorpay's refund idempotency rules. */
  private Answer idempotent(Call call, String paymentId) {
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
    return new Answer(
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
            .put("status", "processed")
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

  private static Answer error(int status, String code, String description) {
    return new Answer(
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

  private static String errorFor(int status) {
    if (status == 429) {
      return error(429, "BAD_REQUEST_ERROR", "Too many requests").body();
    }
    if (status >= 500) {
      return error(
              status,
              "SERVER_ERROR",
              "The server encountered an error. The incident has been reported to admins.")
          .body();
    }
    return error(status, "BAD_REQUEST_ERROR", "Scripted failure").body();
  }
}
