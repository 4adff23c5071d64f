package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalResources.first;
import static io.paybridge.gateway.paypal.PayPalResources.linkedId;
import static io.paybridge.gateway.paypal.PayPalResources.timeOrNull;
import static io.paybridge.gateway.paypal.PayPalResources.upper;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A partner's refund at PayPal: a capture's through {@code POST /v2/payments/captures/{id}/refund}
 * with {@code {"amount": {"value", "currency_code"}, "invoice_id", "note_to_payer"}}, a v1 sale's
 * (a subscription's charge) through {@code POST /v1/payments/sale/{id}/refund} with {@code
 * {"amount": {"total", "currency"}}}; both with the refund request's key as {@code
 * PayPal-Request-Id}, which makes PayPal answer a retry with the refund it made first. A refund
 * left pending is read again with {@code GET /v2/payments/refunds/{id}} or {@code GET
 * /v1/payments/refund/{id}}.
 *
 * <p>Amounts go out as decimal strings in major units, converted from minor units with the
 * currency's exponent ({@link Money#toMajor}), never through floating point. PayPal's refusals
 * ({@code 422} {@code CAPTURE_FULLY_REFUNDED}, {@code REFUND_AMOUNT_EXCEEDED}, {@code
 * REFUND_NOT_ALLOWED}, …; {@code 400 TRANSACTION_ALREADY_REFUNDED}; {@code 404}) are failed refunds
 * with PayPal's issue and description; {@code 409}, {@code 429}, a 5xx or no answer fail retryably.
 * A completed refund books {@code refund:<refund id>}, as {@code PAYMENT.CAPTURE.REFUNDED} and
 * {@code PAYMENT.SALE.REFUNDED} book it ({@link PayPalWithdrawals}).
 */
final class PayPalRefundCalls {

  static final String CAPTURE_REFUND = "capture refund";
  static final String SALE_REFUND = "sale refund";

  /** PayPal keeps notes to the payer of up to 255 characters. */
  private static final int MAX_NOTE = 255;

  private final PayPalApi api;

  PayPalRefundCalls(PayPalApi api) {
    this.api = api;
  }

  Future<RefundOutcome> refund(RefundRequest request, Credentials credentials) {
    boolean sale = request.paymentEntryKey().startsWith("sale:");
    String operation = sale ? SALE_REFUND : CAPTURE_REFUND;
    Future<JsonObject> answer;
    try {
      String payment = PayPalApi.resourceId(request.externalPaymentId());
      if (request.gatewayRefundId() != null) {
        String refund = PayPalApi.resourceId(request.gatewayRefundId());
        answer =
            sale ? api.saleRefund(refund, credentials) : api.captureRefund(refund, credentials);
      } else if (sale) {
        answer =
            api.post(
                operation,
                "/v1/payments/sale/" + payment + "/refund",
                request.idempotencyKey(),
                saleBody(request),
                credentials);
      } else {
        answer =
            api.post(
                operation,
                "/v2/payments/captures/" + payment + "/refund",
                request.idempotencyKey(),
                captureBody(request),
                credentials);
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(
          new PermanentGatewayException(PayPalPlugin.ID, operation, e.getMessage()));
    }
    return answer
        .map(refund -> outcome(refund, request, operation))
        .recover(err -> refusal(err, operation));
  }

  private static JsonObject captureBody(RefundRequest request) {
    JsonObject body =
        new JsonObject()
            .put(
                "amount",
                new JsonObject()
                    .put("value", Money.toMajor(request.amountMinor(), request.currency()))
                    .put("currency_code", request.currency()))
            .put("invoice_id", "paybridge-" + request.refundId());
    if (request.reason() != null) {
      String note = request.reason();
      body.put("note_to_payer", note.length() <= MAX_NOTE ? note : note.substring(0, MAX_NOTE));
    }
    return body;
  }

  private static JsonObject saleBody(RefundRequest request) {
    JsonObject body =
        new JsonObject()
            .put(
                "amount",
                new JsonObject()
                    .put("total", Money.toMajor(request.amountMinor(), request.currency()))
                    .put("currency", request.currency()))
            .put("invoice_number", "paybridge-" + request.refundId());
    if (request.reason() != null) {
      String note = request.reason();
      body.put("description", note.length() <= MAX_NOTE ? note : note.substring(0, MAX_NOTE));
    }
    return body;
  }

  /**
   * What the refund's status says: {@code COMPLETED} books it, {@code PENDING} is asked about
   * again, {@code FAILED} and {@code CANCELLED} gave nothing back.
   */
  static RefundOutcome outcome(JsonObject refund, RefundRequest request, String operation) {
    try {
      String id = Json.requireString(refund, "id");
      String status =
          upper(first(Json.optString(refund, "status"), Json.optString(refund, "state")));
      if (status == null) {
        throw new MalformedWebhookException("the refund has no status");
      }
      return switch (status) {
        case "COMPLETED" -> RefundOutcome.succeeded(id, booking(refund, id, request));
        case "PENDING" -> RefundOutcome.pending(id, "refund:" + id);
        default ->
            RefundOutcome.failed(
                id,
                first(Json.optString(refund, "status_details.reason"), status),
                "PayPal reports the refund " + status.toLowerCase(java.util.Locale.ROOT));
      };
    } catch (MalformedWebhookException e) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID, operation, "PayPal's refund is malformed: " + e.getMessage());
    }
  }

  /**
   * The entry a completed refund books: its own amount when PayPal states it (a minimal answer does
   * not), else the amount asked for; keyed and linked as its webhook books it.
   */
  private static PaymentEvent booking(JsonObject refund, String id, RefundRequest request) {
    long amount = request.amountMinor();
    String currency = request.currency();
    if (refund.getValue("amount") instanceof JsonObject) {
      PayPalResources.Amount stated = PayPalResources.amount(refund, "amount");
      amount = Math.abs(stated.minor());
      currency = stated.currency();
    }
    Instant at = timeOrNull(refund, "create_time");
    return PaymentEvent.builder(EventKind.REFUND, "refund:" + id, at == null ? Instant.now() : at)
        .amount(-amount, currency)
        .externalPaymentId(
            first(
                Json.optString(refund, "capture_id"),
                Json.optString(refund, "sale_id"),
                linkedId(refund, "up"),
                request.externalPaymentId()))
        .customerRef(request.customerRef())
        .build();
  }

  /**
   * A failed call as an outcome when PayPal's answer settles it (a refusal it explains); {@code
   * 409}, a request PayPal is still working on, is asked again later.
   */
  private static Future<RefundOutcome> refusal(Throwable err, String operation) {
    if (!(err instanceof GatewayApiException g) || g instanceof PermanentGatewayException) {
      return Future.failedFuture(err);
    }
    if (g.status() == 409) {
      return Future.failedFuture(new GatewayApiException(PayPalPlugin.ID, operation, g));
    }
    if (g.status() == 400 || g.status() == 404 || g.status() == 422) {
      JsonObject error = errorBody(g);
      JsonObject detail = firstDetail(error);
      String code =
          first(
              detail == null ? null : Json.optString(detail, "issue"),
              error == null ? null : Json.optString(error, "name"),
              "HTTP_" + g.status());
      String message =
          first(
              detail == null ? null : Json.optString(detail, "description"),
              error == null ? null : Json.optString(error, "message"),
              g.getMessage());
      return Future.succeededFuture(RefundOutcome.failed(null, code, message));
    }
    return Future.failedFuture(err);
  }

  private static JsonObject errorBody(GatewayApiException g) {
    if (g.body() == null) {
      return null;
    }
    try {
      return new JsonObject(g.body());
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static JsonObject firstDetail(JsonObject error) {
    if (error == null || !(error.getValue("details") instanceof JsonArray details)) {
      return null;
    }
    return details.size() > 0 && details.getValue(0) instanceof JsonObject d ? d : null;
  }
}
