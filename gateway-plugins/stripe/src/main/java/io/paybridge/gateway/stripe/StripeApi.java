package io.paybridge.gateway.stripe;

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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Stripe's REST API the plugin calls: listing a charge's refunds and the invoices a
 * payment intent pays (to book webhooks that do not carry them), reading a subscription, cancelling
 * it, and refunding one of its charges.
 *
 * <p>Every call carries the account's secret key as a bearer token and pins {@code Stripe-Version}
 * to {@link StripePlugin#API_VERSION}, the version whose object shapes this plugin reads, whatever
 * default version the tenant's Stripe account has. Calls go through {@link GatewayApi}, so each has
 * a total timeout and every non-2xx answer becomes a {@link GatewayApiException} with Stripe's
 * status; a 2xx answer that is not usable JSON becomes a {@link PermanentGatewayException}.
 */
final class StripeApi implements Renewals, CancelAndRefund {

  static final String RETRIEVE_SUBSCRIPTION = "retrieve subscription";
  static final String CANCEL_SUBSCRIPTION = "cancel subscription";
  static final String LIST_INVOICE_PAYMENTS = "list invoice payments";
  static final String CREATE_REFUND = "create refund";
  static final String LIST_REFUNDS = "list refunds";

  /**
   * Statuses in which the subscription still runs: {@code past_due} counts, because Stripe is still
   * retrying the failed renewal payment and the subscription continues if a retry succeeds; it ends
   * (and Stripe reports {@code canceled} or {@code unpaid}) only once retries are exhausted. {@code
   * incomplete} (first payment not made), {@code incomplete_expired}, {@code unpaid}, {@code
   * paused} and {@code canceled} do not.
   */
  static final Set<String> RUNNING = Set.of("active", "trialing", "past_due");

  /** Stripe object ids: a type prefix and letters, digits or underscores. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,255}");

  /** The {@code error.code} of Stripe's error body, as quoted in a failure's detail. */
  private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_]+)\"");

  private final GatewayApi api;
  private final StripeList lists;
  private final StripeCharges charges;
  private final StripeSetups setups;
  private final StripeRefundCalls refunds;
  private final StripeCheckouts checkouts;

  StripeApi(GatewayApi api) {
    this.api = api;
    this.lists = new StripeList(api);
    this.charges = new StripeCharges(api);
    this.setups = new StripeSetups(api);
    this.refunds = new StripeRefundCalls(api);
    this.checkouts = new StripeCheckouts(api);
  }

  /** Checkouts with manual capture, their captures and cancellations, and Radar reviews. */
  StripeCheckouts checkouts() {
    return checkouts;
  }

  /** Stored payment methods and off-session charges, over the same connection. */
  StripeCharges charges() {
    return charges;
  }

  /** Saving a customer's card with a setup intent, over the same connection. */
  StripeSetups setups() {
    return setups;
  }

  /** Partners' refunds, over the same connection. */
  StripeRefundCalls refunds() {
    return refunds;
  }

  /**
   * {@code GET /v1/refunds?charge=<id>}: every refund of the charge, in every status, following
   * {@code has_more} and {@code starting_after} through all pages.
   */
  Future<List<JsonObject>> refundsOfCharge(String chargeId, String apiKey) {
    Map<String, String> filter = new LinkedHashMap<>();
    filter.put("charge", pathId(chargeId, "charge"));
    return lists.all(LIST_REFUNDS, "/v1/refunds", filter, headers(apiKey));
  }

  /**
   * {@code GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=<id>} with
   * each invoice expanded: the invoices the payment intent pays (none for a payment outside any
   * invoice), all pages.
   */
  Future<List<JsonObject>> invoicePaymentsOf(String paymentIntentId, String apiKey) {
    Map<String, String> filter = new LinkedHashMap<>();
    filter.put("payment[type]", "payment_intent");
    filter.put("payment[payment_intent]", pathId(paymentIntentId, "payment intent"));
    filter.put("expand[]", "data.invoice");
    return lists.all(LIST_INVOICE_PAYMENTS, "/v1/invoice_payments", filter, headers(apiKey));
  }

  /**
   * {@code GET /v1/subscriptions/{id}}: whether the subscription still runs (see {@link #RUNNING})
   * and when its current period ends. The period end is the earliest {@code current_period_end} of
   * its items (where Stripe keeps it from API version 2025-03-31; one item in nearly every
   * subscription), else the subscription's own {@code current_period_end} (older versions). A
   * running subscription without one is an error; an ended one may have none.
   */
  @Override
  public Future<SubscriptionState> subscription(String subscriptionId, Credentials credentials) {
    return apiKey(credentials, RETRIEVE_SUBSCRIPTION)
        .compose(
            key ->
                api.call(
                    RETRIEVE_SUBSCRIPTION,
                    HttpMethod.GET,
                    "/v1/subscriptions/" + pathId(subscriptionId, "subscription"),
                    headers(key),
                    null))
        .map(subscription -> state(subscriptionId, subscription));
  }

  /**
   * Cancels the charge's subscription at once, then refunds what remains refundable of the charge.
   * Safe to repeat: a subscription Stripe no longer knows as running ({@code 404 resource_missing},
   * which is also what Stripe answers for an already cancelled one) counts as cancelled; the refund
   * carries the idempotency key {@code paybridge-refund-<payment id>}, so a retry within Stripe's
   * 24-hour key lifetime gets the first refund back instead of making another, and after that the
   * refund is refused as {@code charge_already_refunded}, which counts as refunded.
   *
   * <p>Stripe stores the answer to a keyed request once it started executing, errors included: a
   * {@code 500} from the refund itself is replayed to retries for 24 hours (retryable, and never a
   * second refund), while rate limiting ({@code 429}) and failures before execution are not stored.
   */
  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    return apiKey(credentials, CANCEL_SUBSCRIPTION)
        .compose(
            key -> {
              String subscription = pathId(charge.externalSubscriptionId(), "subscription");
              String payment = pathId(charge.externalPaymentId(), "payment");
              StripeRefundTarget direct = StripeRefundTarget.of(payment);
              return cancel(subscription, key)
                  .compose(
                      v ->
                          direct != null
                              ? Future.succeededFuture(direct)
                              : invoiceTarget(payment, key))
                  .compose(target -> refund(target, payment, subscription, key));
            });
  }

  private Future<Void> cancel(String subscription, String key) {
    return api.call(
            CANCEL_SUBSCRIPTION,
            HttpMethod.DELETE,
            "/v1/subscriptions/" + subscription,
            headers(key),
            null)
        .<Void>mapEmpty()
        .recover(
            err ->
                isError(err, 404, "resource_missing")
                    ? Future.succeededFuture()
                    : Future.failedFuture(err));
  }

  /** {@code GET /v1/invoice_payments}: the payment intent or charge that paid an invoice. */
  private Future<StripeRefundTarget> invoiceTarget(String invoice, String key) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("invoice", invoice);
    query.put("status", "paid");
    return api.call(
            LIST_INVOICE_PAYMENTS,
            HttpMethod.GET,
            "/v1/invoice_payments?" + GatewayHttp.formEncode(query),
            headers(key),
            null)
        .map(list -> StripeRefundTarget.paidPaymentOf(invoice, list));
  }

  private Future<Void> refund(
      StripeRefundTarget target, String payment, String subscription, String key) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put(target.parameter(), target.id());
    form.put("metadata[paybridge_reason]", "subscription_unknown_to_merchant");
    form.put("metadata[paybridge_subscription]", subscription);
    Map<String, String> headers = headers(key);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Idempotency-Key", "paybridge-refund-" + payment);
    return api.call(
            CREATE_REFUND,
            HttpMethod.POST,
            "/v1/refunds",
            headers,
            Buffer.buffer(GatewayHttp.formEncode(form)))
        .<Void>mapEmpty()
        .recover(
            err ->
                isError(err, 400, "charge_already_refunded")
                    ? Future.succeededFuture()
                    : Future.failedFuture(err));
  }

  private static SubscriptionState state(String id, JsonObject subscription) {
    String status;
    Instant periodEnd;
    try {
      status = Json.requireString(subscription, "status");
      periodEnd = periodEnd(subscription);
    } catch (MalformedWebhookException e) {
      throw permanent(
          RETRIEVE_SUBSCRIPTION,
          "Stripe's answer for subscription " + id + " is malformed: " + e.getMessage());
    }
    boolean running = RUNNING.contains(status);
    if (running && periodEnd == null) {
      throw permanent(
          RETRIEVE_SUBSCRIPTION,
          "subscription "
              + id
              + " is "
              + status
              + " but Stripe's answer has no current period end (neither"
              + " items.data[].current_period_end nor current_period_end)");
    }
    return new SubscriptionState(id, running, periodEnd);
  }

  private static Instant periodEnd(JsonObject subscription) {
    Long end = null;
    JsonArray items = Json.optArray(subscription, "items.data");
    for (int i = 0; items != null && i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw new MalformedWebhookException("'items.data[" + i + "]' should be an object");
      }
      Long itemEnd = Json.optLong(item, "current_period_end");
      if (itemEnd != null && (end == null || itemEnd < end)) {
        end = itemEnd;
      }
    }
    if (end == null) {
      end = Json.optLong(subscription, "current_period_end");
    }
    if (end == null) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(end);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'current_period_end' is not a time in seconds");
    }
  }

  /** The headers of every call: the secret key, the pinned API version, JSON. */
  static Map<String, String> headers(String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + apiKey);
    headers.put("Stripe-Version", StripePlugin.API_VERSION);
    headers.put("Accept", "application/json");
    return headers;
  }

  /** The account's secret key, or a failure naming the missing field. */
  private Future<String> apiKey(Credentials credentials, String operation) {
    return apiKey(api, credentials, operation);
  }

  /** The account's secret key for a call through {@code api}, or a failure naming the field. */
  static Future<String> apiKey(GatewayApi api, Credentials credentials, String operation) {
    return api.credential(
        credentials,
        StripePlugin.API_KEY,
        operation,
        "add a secret (sk_) or restricted (rk_) API key to its credentials");
  }

  /** A failure of {@code operation} that trying again cannot fix. */
  static PermanentGatewayException permanent(String operation, String detail) {
    return new PermanentGatewayException(StripePlugin.ID, operation, detail);
  }

  /** An id that may go into a URL path as it is. */
  private static String pathId(String id, String what) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          id == null
              ? "the " + what + " id is missing"
              : "'" + id + "' is not a Stripe " + what + " id");
    }
    return id;
  }

  /** Whether a failure is Stripe's error answer with this status and {@code error.code}. */
  static boolean isError(Throwable err, int status, String code) {
    return err instanceof GatewayApiException g
        && g.status() == status
        && code.equals(errorCode(g));
  }

  /**
   * The {@code error.code} of Stripe's error answer. {@link GatewayApiException} keeps only the
   * beginning of the answer, quoted in its message; Stripe orders the error object's keys
   * alphabetically, so {@code code} comes near its start.
   */
  static String errorCode(GatewayApiException e) {
    Matcher m = ERROR_CODE.matcher(String.valueOf(e.getMessage()));
    return m.find() ? m.group(1) : null;
  }
}
