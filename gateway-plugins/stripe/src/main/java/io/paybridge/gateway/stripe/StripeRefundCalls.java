package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.amount;
import static io.paybridge.gateway.stripe.StripeFields.currency;
import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A partner's refund at Stripe: {@code POST /v1/refunds} with the payment's {@code payment_intent}
 * (or {@code charge}), the {@code amount} in Stripe's units of the currency and the refund
 * request's {@code Idempotency-Key}; {@code GET /v1/refunds/<id>} to learn how a pending refund
 * ended.
 *
 * <p>Stripe stores the answer to a keyed request and replays it for 24 hours, so a retry after a
 * timeout gets the first refund back. A refund Stripe refuses with an error object ({@code
 * charge_already_refunded}, {@code amount_too_large}, an unknown payment) is a failed refund with
 * Stripe's code and message; {@code 409} (the key still being processed), {@code 429}, a 5xx or no
 * answer fail retryably. A succeeded refund books {@code refund:<refund id>}, the key {@code
 * charge.refunded} and {@code refund.created|updated} book it under ({@link StripeRefunds}).
 */
final class StripeRefundCalls {

  static final String CREATE_REFUND = StripeApi.CREATE_REFUND;
  static final String RETRIEVE_REFUND = "retrieve refund";

  /** The reasons Stripe's {@code reason} parameter takes; any other text goes in metadata only. */
  static final Set<String> STRIPE_REASONS =
      Set.of("duplicate", "fraudulent", "requested_by_customer");

  /** Stripe keeps metadata values of up to 500 characters. */
  private static final int MAX_METADATA_VALUE = 500;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,255}");

  private final GatewayApi api;

  StripeRefundCalls(GatewayApi api) {
    this.api = api;
  }

  Future<RefundOutcome> refund(
      RefundRequest request, String customerRefKey, Credentials credentials) {
    return StripeApi.apiKey(api, credentials, CREATE_REFUND)
        .compose(
            key ->
                request.gatewayRefundId() != null
                    ? retrieve(request.gatewayRefundId(), key)
                    : target(request.externalPaymentId(), key)
                        .compose(target -> create(request, target, customerRefKey, key)))
        .map(refund -> outcome(refund, request.customerRef()))
        .recover(StripeRefundCalls::refusal);
  }

  /** What the refund names: the payment itself, or an invoice's paid payment intent or charge. */
  private Future<StripeRefundTarget> target(String payment, String key) {
    StripeRefundTarget direct;
    try {
      direct = StripeRefundTarget.of(payment);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(StripeApi.permanent(CREATE_REFUND, e.getMessage()));
    }
    if (direct != null) {
      return Future.succeededFuture(direct);
    }
    if (!ID.matcher(payment).matches()) {
      return Future.failedFuture(
          StripeApi.permanent(CREATE_REFUND, "'" + payment + "' is not a Stripe invoice id"));
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("invoice", payment);
    query.put("status", "paid");
    return api.call(
            StripeApi.LIST_INVOICE_PAYMENTS,
            HttpMethod.GET,
            "/v1/invoice_payments?" + GatewayHttp.formEncode(query),
            StripeApi.headers(key),
            null)
        .map(list -> StripeRefundTarget.paidPaymentOf(payment, list));
  }

  private Future<JsonObject> create(
      RefundRequest request, StripeRefundTarget target, String customerRefKey, String key) {
    String currency = request.currency();
    long amount;
    try {
      amount = StripeAmounts.fromIsoMinor(request.amountMinor(), currency);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Future.failedFuture(StripeApi.permanent(CREATE_REFUND, e.getMessage()));
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put(target.parameter(), target.id());
    form.put("amount", Long.toString(amount));
    if (request.reason() != null && STRIPE_REASONS.contains(request.reason())) {
      form.put("reason", request.reason());
    }
    form.put("metadata[paybridge_refund]", request.refundId());
    if (request.customerRef() != null) {
      form.put("metadata[" + customerRefKey + "]", clip(request.customerRef()));
    }
    if (request.reason() != null) {
      form.put("metadata[paybridge_reason]", clip(request.reason()));
    }
    Map<String, String> headers = StripeApi.headers(key);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Idempotency-Key", request.idempotencyKey());
    return api.call(
        CREATE_REFUND,
        HttpMethod.POST,
        "/v1/refunds",
        headers,
        Buffer.buffer(GatewayHttp.formEncode(form)));
  }

  private Future<JsonObject> retrieve(String refund, String key) {
    if (!ID.matcher(refund).matches()) {
      return Future.failedFuture(
          StripeApi.permanent(RETRIEVE_REFUND, "'" + refund + "' is not a Stripe refund id"));
    }
    return api.call(
        RETRIEVE_REFUND, HttpMethod.GET, "/v1/refunds/" + refund, StripeApi.headers(key), null);
  }

  /**
   * What a refund's status says: {@code succeeded} books it; {@code pending} and {@code
   * requires_action} (Stripe waits for the customer's bank details) are asked about again; {@code
   * failed} and {@code canceled} gave nothing back.
   */
  static RefundOutcome outcome(JsonObject refund, String customerRef) {
    try {
      String id = Json.requireString(refund, "id");
      String status = Json.requireString(refund, "status");
      return switch (status) {
        case "succeeded" -> RefundOutcome.succeeded(id, booking(refund, id, customerRef));
        case "pending", "requires_action" -> RefundOutcome.pending(id, "refund:" + id);
        default ->
            RefundOutcome.failed(
                id,
                first(Json.optString(refund, "failure_reason"), status),
                "Stripe reports the refund " + status);
      };
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(CREATE_REFUND, "Stripe's refund is malformed: " + e.getMessage());
    }
  }

  /** The entry a succeeded refund books, keyed and linked as its webhooks book it. */
  private static PaymentEvent booking(JsonObject refund, String id, String customerRef) {
    String currency = currency(refund);
    long amount = amount(refund, "amount", currency);
    Long created = Json.optLong(refund, "created");
    return PaymentEvent.builder(
            EventKind.REFUND,
            "refund:" + id,
            created == null ? Instant.now() : Instant.ofEpochSecond(created))
        .amount(-amount, currency)
        .externalPaymentId(first(idOf(refund, "payment_intent"), idOf(refund, "charge")))
        .customerRef(customerRef)
        .build();
  }

  /**
   * A failed call as an outcome when Stripe's error settles it: a refusal with an error object
   * ({@code 400}, {@code 402}, {@code 404}); otherwise the failure as it is.
   */
  private static Future<RefundOutcome> refusal(Throwable err) {
    if (!(err instanceof GatewayApiException g) || g instanceof PermanentGatewayException) {
      return Future.failedFuture(err);
    }
    if (g.status() == 409) {
      // Stripe is still working on the first request with this key: ask again later.
      return Future.failedFuture(new GatewayApiException(StripePlugin.ID, CREATE_REFUND, g));
    }
    JsonObject error = errorObject(g);
    if (error != null
        && (g.status() == 400 || g.status() == 402 || g.status() == 404)
        && !"idempotency_error".equals(Json.optString(error, "type"))) {
      String code = Json.optString(error, "code");
      return Future.succeededFuture(
          RefundOutcome.failed(
              null,
              code != null ? code : Json.optString(error, "type"),
              Json.optString(error, "message")));
    }
    return Future.failedFuture(err);
  }

  private static JsonObject errorObject(GatewayApiException g) {
    if (g.body() == null) {
      return null;
    }
    try {
      Object error = new JsonObject(g.body()).getValue("error");
      return error instanceof JsonObject e ? e : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  private static String clip(String value) {
    return value.length() <= MAX_METADATA_VALUE ? value : value.substring(0, MAX_METADATA_VALUE);
  }
}
