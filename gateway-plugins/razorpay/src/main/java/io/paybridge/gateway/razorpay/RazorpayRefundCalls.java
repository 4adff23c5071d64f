package io.paybridge.gateway.razorpay;

import static io.paybridge.gateway.razorpay.RazorpayEntities.first;

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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A partner's refund at Razorpay: {@code POST /v1/payments/{id}/refund} with {@code {"amount",
 * "speed": "normal", "receipt", "notes"}} and the refund request's key in Razorpay's {@code
 * X-Refund-Idempotency} header, which makes Razorpay answer a retry with the refund it made first
 * (a different body under the key is refused).
 *
 * <p>Razorpay documents that header for its India and Malaysia accounts only, so every try first
 * lists the payment's refunds ({@code GET /v1/payments/{id}/refunds}, all pages) and takes the one
 * whose {@code notes.paybridge_refund} names this request, if a lost answer hid it: a refund is
 * made at most once even where the header is not honoured. A refund left pending is read again with
 * {@code GET /v1/refunds/{id}}.
 *
 * <p>Razorpay's refusals ({@code 400 BAD_REQUEST_ERROR}: more than is left, fully refunded, not
 * captured, an unknown payment) are failed refunds with Razorpay's code and description; {@code
 * 409} (a request under the key still running), {@code 429}, a 5xx or no answer fail retryably. A
 * processed refund books {@code refund:<refund id>}, as {@code refund.processed} books it.
 */
final class RazorpayRefundCalls {

  static final String CREATE_REFUND = RazorpayApi.CREATE_REFUND;
  static final String LIST_REFUNDS = "list refunds";
  static final String FETCH_REFUND = "fetch refund";

  /** The notes key that names the refund request a refund was made for. */
  static final String REFUND_NOTE = "paybridge_refund";

  /** Razorpay lists at most this many refunds a page. */
  static final int PAGE = 100;

  /** Razorpay keeps receipts and note values of these lengths at most. */
  private static final int MAX_RECEIPT = 40;

  private static final int MAX_NOTE = 256;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,64}");

  private final GatewayApi api;

  RazorpayRefundCalls(GatewayApi api) {
    this.api = api;
  }

  Future<RefundOutcome> refund(
      RefundRequest request, String customerRefKey, Credentials credentials) {
    String payment = request.externalPaymentId();
    if (!payment.startsWith("pay_") || !ID.matcher(payment).matches()) {
      return Future.failedFuture(
          permanent(CREATE_REFUND, "'" + payment + "' is not a Razorpay payment id (pay_…)"));
    }
    return authorization(credentials)
        .compose(
            auth -> {
              if (request.gatewayRefundId() != null) {
                return fetch(request.gatewayRefundId(), auth);
              }
              return made(payment, request.refundId(), 0, auth)
                  .compose(
                      earlier ->
                          earlier != null
                              ? Future.succeededFuture(earlier)
                              : create(request, customerRefKey, auth));
            })
        .map(refund -> outcome(refund, request.customerRef()))
        .recover(RazorpayRefundCalls::refusal);
  }

  /** The refund of the payment made for this request before, or null: all pages, newest first. */
  private Future<JsonObject> made(String payment, String refundId, int skip, String auth) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("count", Integer.toString(PAGE));
    query.put("skip", Integer.toString(skip));
    return api.call(
            LIST_REFUNDS,
            HttpMethod.GET,
            "/v1/payments/" + payment + "/refunds?" + GatewayHttp.formEncode(query),
            headers(auth),
            null)
        .compose(
            list -> {
              JsonArray items = Json.optArray(list, "items");
              for (int i = 0; items != null && i < items.size(); i++) {
                if (items.getValue(i) instanceof JsonObject refund
                    && refundId.equals(RazorpayEntities.notesValue(refund, REFUND_NOTE))) {
                  return Future.succeededFuture(refund);
                }
              }
              return items != null && items.size() >= PAGE
                  ? made(payment, refundId, skip + PAGE, auth)
                  : Future.succeededFuture((JsonObject) null);
            });
  }

  private Future<JsonObject> create(RefundRequest request, String customerRefKey, String auth) {
    JsonObject notes = new JsonObject().put(REFUND_NOTE, request.refundId());
    if (request.customerRef() != null) {
      notes.put(customerRefKey, clip(request.customerRef(), MAX_NOTE));
    }
    if (request.reason() != null) {
      notes.put("paybridge_reason", clip(request.reason(), MAX_NOTE));
    }
    JsonObject body =
        new JsonObject()
            .put("amount", request.amountMinor())
            .put("speed", "normal")
            .put("receipt", clip("pb-" + request.refundId().replace("-", ""), MAX_RECEIPT))
            .put("notes", notes);
    Map<String, String> headers = headers(auth);
    headers.put("Content-Type", "application/json");
    headers.put(RazorpayApi.IDEMPOTENCY_HEADER, request.idempotencyKey());
    return api.call(
        CREATE_REFUND,
        HttpMethod.POST,
        "/v1/payments/" + request.externalPaymentId() + "/refund",
        headers,
        body.toBuffer());
  }

  private Future<JsonObject> fetch(String refund, String auth) {
    if (!refund.startsWith("rfnd_") || !ID.matcher(refund).matches()) {
      return Future.failedFuture(
          permanent(FETCH_REFUND, "'" + refund + "' is not a Razorpay refund id (rfnd_…)"));
    }
    return api.call(FETCH_REFUND, HttpMethod.GET, "/v1/refunds/" + refund, headers(auth), null);
  }

  /**
   * What the refund's status says: {@code processed} books it, {@code pending} is asked about
   * again, {@code failed} gave nothing back.
   */
  static RefundOutcome outcome(JsonObject refund, String customerRef) {
    try {
      String id = Json.requireString(refund, "id");
      String status = Json.requireString(refund, "status");
      return switch (status) {
        case "processed" -> RefundOutcome.succeeded(id, booking(refund, id, customerRef));
        case "pending", "created" -> RefundOutcome.pending(id, "refund:" + id);
        default -> RefundOutcome.failed(id, status, "Razorpay reports the refund " + status);
      };
    } catch (MalformedWebhookException e) {
      throw permanent(CREATE_REFUND, "Razorpay's refund is malformed: " + e.getMessage());
    }
  }

  /** The entry a processed refund books, keyed and linked as {@code refund.processed} books it. */
  private static PaymentEvent booking(JsonObject refund, String id, String customerRef) {
    Instant at = RazorpayEntities.optEpochSecond(refund, "created_at");
    return PaymentEvent.builder(EventKind.REFUND, "refund:" + id, at == null ? Instant.now() : at)
        .amount(-RazorpayEntities.amount(refund), RazorpayEntities.currency(refund))
        .externalPaymentId(Json.optString(refund, "payment_id"))
        .customerRef(customerRef)
        .build();
  }

  /** A refusal Razorpay explains as a failed refund; anything else as it is. */
  private static Future<RefundOutcome> refusal(Throwable err) {
    if (!(err instanceof GatewayApiException g) || g instanceof PermanentGatewayException) {
      return Future.failedFuture(err);
    }
    if (g.status() == 409) {
      return Future.failedFuture(new GatewayApiException(RazorpayPlugin.ID, CREATE_REFUND, g));
    }
    JsonObject error = errorObject(g);
    if (g.status() == 400 && error != null) {
      return Future.succeededFuture(
          RefundOutcome.failed(
              null,
              first(Json.optString(error, "code"), "BAD_REQUEST_ERROR"),
              Json.optString(error, "description")));
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

  private static Map<String, String> headers(String authorization) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", authorization);
    headers.put("Accept", "application/json");
    return headers;
  }

  private Future<String> authorization(Credentials credentials) {
    String howToAdd = "add the API key id and secret to its credentials";
    return api.credential(credentials, RazorpayPlugin.KEY_ID, CREATE_REFUND, howToAdd)
        .compose(
            keyId ->
                api.credential(credentials, RazorpayPlugin.KEY_SECRET, CREATE_REFUND, howToAdd)
                    .map(keySecret -> GatewayHttp.basic(keyId, keySecret)));
  }

  private static PermanentGatewayException permanent(String operation, String detail) {
    return new PermanentGatewayException(RazorpayPlugin.ID, operation, detail);
  }

  private static String clip(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }
}
