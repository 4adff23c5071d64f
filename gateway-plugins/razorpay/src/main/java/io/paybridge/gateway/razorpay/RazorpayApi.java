package io.paybridge.gateway.razorpay;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Renewals;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of Razorpay's REST API the plugin calls: fetching a subscription, cancelling it, and
 * refunding the payment that charged it; and, through {@link RazorpayOrders}, creating the orders
 * of checkouts.
 *
 * <p>Every call authenticates with HTTP Basic, the account's key id and key secret. Calls go
 * through {@link GatewayApi}, so each has a total timeout and every non-2xx answer becomes a {@link
 * GatewayApiException} with Razorpay's status; a 2xx answer that is not usable JSON becomes a
 * {@link PermanentGatewayException}.
 */
final class RazorpayApi implements Renewals, CancelAndRefund {

  static final String FETCH_SUBSCRIPTION = "fetch subscription";
  static final String CANCEL_SUBSCRIPTION = "cancel subscription";
  static final String FETCH_PAYMENT = "fetch payment";
  static final String CREATE_REFUND = "create refund";

  /** Header that makes a refund request idempotent (Razorpay's normal and instant refunds). */
  static final String IDEMPOTENCY_HEADER = "X-Refund-Idempotency";

  /**
   * Statuses in which the subscription still runs: {@code authenticated} (the customer approved the
   * mandate, the first charge is still ahead), {@code active}, and {@code pending}, in which a
   * renewal charge failed and Razorpay is still retrying it; the subscription only stops once
   * Razorpay gives up ({@code halted}). {@code created}, {@code halted}, {@code paused}, {@code
   * cancelled}, {@code completed} and {@code expired} do not run.
   */
  static final Set<String> RUNNING = Set.of("authenticated", "active", "pending");

  /** Statuses in which a subscription is over for good, so cancelling it has nothing left to do. */
  static final Set<String> ENDED = Set.of("cancelled", "completed", "expired");

  /** Razorpay entity ids: a type prefix and letters and digits. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,64}");

  /** Razorpay takes receipts of up to 40 characters. */
  private static final int MAX_RECEIPT = 40;

  private final GatewayApi api;
  private final RazorpayOrders orders;
  private final RazorpayRefundCalls refunds;

  RazorpayApi(GatewayApi api) {
    this.api = api;
    this.orders = new RazorpayOrders(api, this::authorization);
    this.refunds = new RazorpayRefundCalls(api);
  }

  /** The orders checkouts open, on the same API client. */
  RazorpayOrders orders() {
    return orders;
  }

  /** Partners' refunds, over the same connection. */
  RazorpayRefundCalls refunds() {
    return refunds;
  }

  /**
   * {@code GET /v1/subscriptions/{id}}: whether the subscription runs (see {@link #RUNNING}) and
   * when its current cycle ends: {@code current_end}, else {@code charge_at}, the next charge,
   * which is all an {@code authenticated} subscription whose first cycle has not started has. A
   * running subscription with neither is an error; an ended one may have none.
   */
  @Override
  public Future<SubscriptionState> subscription(String subscriptionId, Credentials credentials) {
    return authorization(credentials, FETCH_SUBSCRIPTION)
        .compose(auth -> fetchSubscription(pathId(subscriptionId, "sub_", "subscription"), auth))
        .map(subscription -> state(subscriptionId, subscription));
  }

  /**
   * Cancels the charge's subscription at once, then refunds what remains refundable of its payment.
   * Safe to repeat:
   *
   * <ul>
   *   <li>when Razorpay refuses the cancel (as it does, with a 400, for a subscription already
   *       cancelled, completed or expired), the subscription is fetched, and one in such a status
   *       counts as cancelled;
   *   <li>the payment is fetched first, and nothing is refunded when its {@code amount_refunded}
   *       already covers its {@code amount};
   *   <li>the refund request carries Razorpay's {@value #IDEMPOTENCY_HEADER} header with the key
   *       {@code paybridge-refund-<payment id>}, so a retry after a lost answer gets the first
   *       refund back; and a refund refused because the payment "has been fully refunded already"
   *       (a concurrent attempt won) counts as done.
   * </ul>
   */
  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    return authorization(credentials, CANCEL_SUBSCRIPTION)
        .compose(
            auth -> {
              String subscription = pathId(charge.externalSubscriptionId(), "sub_", "subscription");
              String payment = pathId(charge.externalPaymentId(), "pay_", "payment");
              return cancel(subscription, auth).compose(v -> refund(payment, subscription, auth));
            });
  }

  private Future<JsonObject> fetchSubscription(String subscription, String auth) {
    return api.call(
        FETCH_SUBSCRIPTION,
        HttpMethod.GET,
        "/v1/subscriptions/" + subscription,
        headers(auth),
        null);
  }

  private Future<Void> cancel(String subscription, String auth) {
    Map<String, String> headers = headers(auth);
    headers.put("Content-Type", "application/json");
    return api.call(
            CANCEL_SUBSCRIPTION,
            HttpMethod.POST,
            "/v1/subscriptions/" + subscription + "/cancel",
            headers,
            new JsonObject().put("cancel_at_cycle_end", 0).toBuffer())
        .<Void>mapEmpty()
        .recover(
            err ->
                err instanceof GatewayApiException g && g.status() == 400
                    ? alreadyEnded(subscription, auth, g)
                    : Future.failedFuture(err));
  }

  /** After a refused cancel: done if the subscription has ended, else the refusal stands. */
  private Future<Void> alreadyEnded(String subscription, String auth, GatewayApiException refusal) {
    return fetchSubscription(subscription, auth)
        .compose(
            s ->
                ENDED.contains(Json.optString(s, "status"))
                    ? Future.succeededFuture()
                    : Future.failedFuture(refusal));
  }

  private Future<Void> refund(String payment, String subscription, String auth) {
    return api.call(FETCH_PAYMENT, HttpMethod.GET, "/v1/payments/" + payment, headers(auth), null)
        .compose(
            p -> {
              long remaining = remaining(payment, p);
              if (remaining <= 0) {
                return Future.succeededFuture();
              }
              String key = "paybridge-refund-" + payment;
              JsonObject body =
                  new JsonObject()
                      .put("amount", remaining)
                      .put("receipt", key.substring(0, Math.min(key.length(), MAX_RECEIPT)))
                      .put(
                          "notes",
                          new JsonObject()
                              .put("paybridge_reason", "subscription unknown to the merchant")
                              .put("paybridge_subscription", subscription));
              Map<String, String> headers = headers(auth);
              headers.put("Content-Type", "application/json");
              headers.put(IDEMPOTENCY_HEADER, key);
              return api.call(
                      CREATE_REFUND,
                      HttpMethod.POST,
                      "/v1/payments/" + payment + "/refund",
                      headers,
                      body.toBuffer())
                  .<Void>mapEmpty()
                  .recover(
                      err ->
                          isFullyRefunded(err)
                              ? Future.succeededFuture()
                              : Future.failedFuture(err));
            });
  }

  /** What is left to refund of a payment: its amount less what was refunded already. */
  private static long remaining(String id, JsonObject payment) {
    try {
      long amount = Json.requireLong(payment, "amount");
      Long refunded = Json.optLong(payment, "amount_refunded");
      return amount - (refunded == null ? 0 : refunded);
    } catch (MalformedWebhookException e) {
      throw permanent(
          FETCH_PAYMENT,
          "Razorpay's answer for payment " + id + " is malformed: " + e.getMessage());
    }
  }

  /** Razorpay's refusal of a refund for a payment that has nothing left to refund. */
  private static boolean isFullyRefunded(Throwable err) {
    return err instanceof GatewayApiException g
        && g.status() == 400
        && String.valueOf(g.getMessage())
            .toLowerCase(Locale.ROOT)
            .contains("has been fully refunded already");
  }

  private static SubscriptionState state(String id, JsonObject subscription) {
    String status;
    Instant end;
    try {
      status = Json.requireString(subscription, "status");
      Long seconds = Json.optLong(subscription, "current_end");
      if (seconds == null) {
        seconds = Json.optLong(subscription, "charge_at");
      }
      end = seconds == null ? null : Instant.ofEpochSecond(seconds);
    } catch (MalformedWebhookException | DateTimeException e) {
      throw permanent(
          FETCH_SUBSCRIPTION,
          "Razorpay's answer for subscription " + id + " is malformed: " + e.getMessage());
    }
    boolean running = RUNNING.contains(status);
    if (running && end == null) {
      throw permanent(
          FETCH_SUBSCRIPTION,
          "subscription "
              + id
              + " is "
              + status
              + " but Razorpay's answer has no current period end (neither current_end nor"
              + " charge_at)");
    }
    return new SubscriptionState(id, running, end);
  }

  private static Map<String, String> headers(String authorization) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", authorization);
    headers.put("Accept", "application/json");
    return headers;
  }

  /** The Basic authorization of the account's API key, or a failure naming the missing field. */
  private Future<String> authorization(Credentials credentials, String operation) {
    String howToAdd = "add the API key id and secret to its credentials";
    return api.credential(credentials, RazorpayPlugin.KEY_ID, operation, howToAdd)
        .compose(
            keyId ->
                api.credential(credentials, RazorpayPlugin.KEY_SECRET, operation, howToAdd)
                    .map(keySecret -> GatewayHttp.basic(keyId, keySecret)));
  }

  /** A failure of {@code operation} that trying again cannot fix. */
  private static PermanentGatewayException permanent(String operation, String detail) {
    return new PermanentGatewayException(RazorpayPlugin.ID, operation, detail);
  }

  /** An id of the given kind that may go into a URL path as it is. */
  private static String pathId(String id, String prefix, String what) {
    if (id == null) {
      throw new IllegalArgumentException("the " + what + " id is missing");
    }
    if (!id.startsWith(prefix) || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "'" + id + "' is not a Razorpay " + what + " id (" + prefix + "…)");
    }
    return id;
  }
}
