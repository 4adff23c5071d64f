package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalOrders.ORDERS;
import static io.paybridge.gateway.paypal.PayPalOrders.firstCapture;
import static io.paybridge.gateway.paypal.PayPalOrders.upper;

import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Captures of approved PayPal orders: {@code POST /v2/checkout/orders/{id}/capture} under the
 * capture's idempotency key as {@code PayPal-Request-Id}, so a repeated call after a lost answer
 * gets the first call's capture back instead of another.
 *
 * <p>How it ends, from PayPal's answer:
 *
 * <ul>
 *   <li>a capture {@code COMPLETED} (or refunded since) is captured, and books what the order's
 *       capture says: a {@code PAYMENT} keyed {@code capture:<capture id>}, mapped by the very code
 *       that maps a {@code PAYMENT.CAPTURE.COMPLETED} webhook ({@link PayPalEvents#confirmed}), so
 *       whichever of the two comes second books nothing; the customer reference is the checkout's;
 *   <li>a capture {@code PENDING} (a review, an eCheck, a currency the account must accept) has not
 *       moved money: the order is read again, since the answer may be PayPal's replay of an earlier
 *       call, and a capture still pending is waiting, with PayPal's reason; the webhook books it
 *       when it completes;
 *   <li>a capture {@code DECLINED} or {@code FAILED}, and any 422 refusal of the capture other than
 *       those below ({@code INSTRUMENT_DECLINED}, {@code PAYER_CANNOT_PAY}, {@code
 *       TRANSACTION_REFUSED}, …), has failed, with PayPal's issue and description;
 *   <li>{@code ORDER_NOT_APPROVED} (the customer has not approved yet) and {@code
 *       ORDER_COMPLETION_IN_PROGRESS} are waiting;
 *   <li>{@code ORDER_ALREADY_CAPTURED} (the app captured it, or an earlier call under another key
 *       did): the order is read ({@code GET /v2/checkout/orders/{id}}) and its capture reported as
 *       above;
 *   <li>404: PayPal no longer knows the order (it expired unapproved or uncaptured): failed;
 *   <li>no answer, 408, 429 or a 5xx: a retryable {@link GatewayApiException}; other refusals (a
 *       malformed request, credentials PayPal refuses) fail, not retryably, with PayPal's issue.
 * </ul>
 */
final class PayPalCaptures {

  static final String CAPTURE_ORDER = "capture order";

  /** Capture statuses after the money moved (refunds since then are booked on their own). */
  private static final Set<String> CAPTURED = Set.of("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED");

  private static final Set<String> WAITING_ISSUES =
      Set.of("ORDER_NOT_APPROVED", "ORDER_COMPLETION_IN_PROGRESS");

  private static final Logger LOG = Logger.getLogger(PayPalCaptures.class.getName());

  private final PayPalApi api;
  private final PayPalOrders orders;
  private final Clock clock;

  PayPalCaptures(PayPalApi api, PayPalOrders orders, Clock clock) {
    this.api = api;
    this.orders = orders;
    this.clock = clock;
  }

  Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials) {
    String orderId;
    try {
      PayPalOrders.requireApiCredentials(credentials, CAPTURE_ORDER);
      PayPalOrders.requireRequestId(request.idempotencyKey(), CAPTURE_ORDER);
      orderId = PayPalOrders.orderId(request.reference(), CAPTURE_ORDER);
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    String refKey =
        credentials.getOrDefault(
            PayPalPlugin.CUSTOMER_REF_KEY, PayPalPlugin.DEFAULT_CUSTOMER_REF_KEY);
    return api.exchange(
            CAPTURE_ORDER,
            HttpMethod.POST,
            ORDERS + "/" + orderId + "/capture",
            Buffer.buffer("{}"),
            request.idempotencyKey(),
            credentials)
        .transform(
            done ->
                done.succeeded()
                    ? answered(request, orderId, done.result(), refKey, credentials)
                    : refused(request, orderId, done.cause(), refKey, credentials))
        .onSuccess(outcome -> log(request, orderId, outcome));
  }

  private Future<CaptureOutcome> answered(
      CaptureRequest request,
      String orderId,
      GatewayHttp.Response response,
      String refKey,
      Credentials credentials) {
    JsonObject order = response.json(PayPalPlugin.ID, CAPTURE_ORDER);
    JsonObject capture = firstCapture(order);
    LOG.info(
        () ->
            "PayPal answered the capture of order "
                + orderId
                + " (Paypal-Debug-Id "
                + PayPalError.debugId(response)
                + ")");
    if (capture != null && "PENDING".equals(upper(Json.optString(capture, "status")))) {
      return orders.show(orderId, credentials).map(now -> outcome(request, orderId, now, refKey));
    }
    return Future.succeededFuture(outcome(request, orderId, order, refKey));
  }

  private Future<CaptureOutcome> refused(
      CaptureRequest request,
      String orderId,
      Throwable cause,
      String refKey,
      Credentials credentials) {
    PayPalError error = PayPalError.of(cause);
    int status = cause instanceof GatewayApiException e ? e.status() : 0;
    if (error != null && status == 422) {
      if (error.is("ORDER_ALREADY_CAPTURED")) {
        return orders
            .show(orderId, credentials)
            .map(order -> outcome(request, orderId, order, refKey));
      }
      if (WAITING_ISSUES.contains(error.issue())) {
        return Future.succeededFuture(CaptureOutcome.waiting(error.issue(), error.explain()));
      }
      return Future.succeededFuture(CaptureOutcome.failed(error.issue(), error.explain()));
    }
    if (error != null && status == 404) {
      return Future.succeededFuture(
          CaptureOutcome.failed(
              error.issue(),
              "PayPal no longer knows order "
                  + orderId
                  + ": it expired before it was captured, so nothing was paid; "
                  + error.explain()));
    }
    return Future.failedFuture(PayPalError.refusal(cause, CAPTURE_ORDER));
  }

  /** What the order says of its capture. */
  private CaptureOutcome outcome(
      CaptureRequest request, String orderId, JsonObject order, String refKey) {
    JsonObject capture = firstCapture(order);
    if (capture == null) {
      String status = upper(Json.optString(order, "status"));
      if ("VOIDED".equals(status)) {
        return CaptureOutcome.failed(
            "VOIDED", "PayPal voided order " + orderId + ": nothing will be captured");
      }
      if ("COMPLETED".equals(status)) {
        throw permanent("PayPal reports order " + orderId + " completed without a capture");
      }
      return CaptureOutcome.waiting(
          status == null ? "ORDER_NOT_APPROVED" : status,
          "PayPal order "
              + orderId
              + " is "
              + (status == null ? "without a status" : status)
              + ": the customer has not approved it, so there is nothing to capture yet");
    }
    String captureId = Json.optString(capture, "id");
    String status = upper(Json.optString(capture, "status"));
    if (status != null && CAPTURED.contains(status)) {
      return CaptureOutcome.captured(booking(request, capture, refKey));
    }
    String reason = upper(Json.optString(capture, "status_details.reason"));
    if ("PENDING".equals(status)) {
      return CaptureOutcome.waiting(
          reason == null ? "PENDING" : reason,
          "PayPal holds capture "
              + captureId
              + " of order "
              + orderId
              + " as pending"
              + (reason == null ? "" : " (" + reason + ")")
              + ": no money has moved yet, and PayPal's PAYMENT.CAPTURE.COMPLETED books it when"
              + " it does");
    }
    if ("DECLINED".equals(status) || "FAILED".equals(status)) {
      String processor = Json.optString(capture, "processor_response.response_code");
      return CaptureOutcome.failed(
          status,
          "PayPal "
              + ("DECLINED".equals(status) ? "declined" : "failed")
              + " capture "
              + captureId
              + " of order "
              + orderId
              + (reason == null ? "" : ": " + reason)
              + (processor == null ? "" : " (processor response " + processor + ")"));
    }
    throw permanent(
        "PayPal reports capture " + captureId + " of order " + orderId + " as " + status);
  }

  /**
   * The entry of a completed capture, exactly as the {@code PAYMENT.CAPTURE.COMPLETED} webhook of
   * the same capture maps PayPal's capture resource, for the checkout's customer reference.
   */
  private PaymentEvent booking(CaptureRequest request, JsonObject capture, String refKey) {
    try {
      String captureId = Json.requireString(capture, "id");
      Instant created = PayPalResources.timeOrNull(capture, "create_time");
      PayPalEvents.Claim claim =
          new PayPalEvents.Claim(
              "capture:" + captureId,
              PayPalEventTable.CAPTURE_COMPLETED,
              created == null ? clock.instant() : created,
              captureId);
      ParsedWebhook mapped = PayPalEvents.confirmed(claim, capture, refKey);
      if (mapped.events().size() != 1) {
        throw permanent("PayPal's capture " + captureId + " books nothing: " + mapped.reason());
      }
      PaymentEvent event = mapped.events().get(0);
      return request.customerRef() == null ? event : withCustomerRef(event, request.customerRef());
    } catch (MalformedWebhookException e) {
      throw permanent("PayPal's capture is not usable: " + e.getMessage());
    }
  }

  private static PaymentEvent withCustomerRef(PaymentEvent e, String customerRef) {
    return new PaymentEvent(
        e.kind(),
        e.entryKey(),
        e.amountMinor(),
        e.currency(),
        e.externalPaymentId(),
        e.externalSubscriptionId(),
        customerRef,
        e.email(),
        e.contact(),
        e.feeMinor(),
        e.occurredAt(),
        e.periodEnd());
  }

  private static void log(CaptureRequest request, String orderId, CaptureOutcome outcome) {
    LOG.info(
        () ->
            "PayPal order "
                + orderId
                + " of checkout "
                + request.checkoutId()
                + ": "
                + outcome.status()
                + (outcome.booking() == null
                    ? " (" + outcome.code() + ": " + outcome.message() + ")"
                    : " as " + outcome.booking().entryKey()));
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(PayPalPlugin.ID, CAPTURE_ORDER, detail);
  }
}
