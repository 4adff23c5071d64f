package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.Objects;

/**
 * Optional capability: the merchant gives money back for a payment, in full or in part, through the
 * gateway's API (a partner's refund request, or the tenant's in the console).
 *
 * <p>Money rule: {@link #refund} sends {@link RefundRequest#idempotencyKey()} as the gateway's
 * idempotency key on every try (Stripe's {@code Idempotency-Key}, PayPal's {@code
 * PayPal-Request-Id}, Razorpay's {@code X-Refund-Idempotency}), with the same parameters, so a
 * retry after a timeout returns the first try's refund instead of refunding twice. The key is one
 * per refund request, never one per payment: two partial refunds of one payment are two keys.
 *
 * <p>A refund the gateway confirms is booked from the outcome's {@link RefundOutcome#booking()},
 * which carries exactly the entry key the plugin's webhook mapping gives the same refund ({@code
 * refund:<gateway refund id>}), so whichever of the answer and the webhook comes second books
 * nothing.
 */
public interface Refunds {

  /**
   * Refunds the amount of the payment, or, when {@link RefundRequest#gatewayRefundId()} is set (an
   * earlier try left the refund pending at the gateway), asks the gateway how that refund stands.
   *
   * @return how the refund stands; a failed {@link GatewayApiException} when the gateway could not
   *     be reached or answered an error that does not say whether it refunded (retryable), or
   *     refused the request in a way no outcome describes (not retryable)
   */
  Future<RefundOutcome> refund(RefundRequest request, Credentials credentials);

  /**
   * One refund request.
   *
   * @param refundId the platform's id of the refund request, kept with the refund at the gateway
   *     where it keeps metadata
   * @param idempotencyKey sent as the gateway's idempotency key, the same on every try
   * @param paymentEntryKey the ledger entry key of the refunded payment ({@code payment:pi_…},
   *     {@code capture:…}), which tells the plugin what kind of payment it is
   * @param externalPaymentId the gateway's id of the refunded payment (a payment intent or charge,
   *     a capture, a payment)
   * @param amountMinor what to refund, in the currency's minor units, positive
   * @param currency ISO-4217 code, upper case: the payment's
   * @param customerRef the payment's customer reference, booked with the refund; may be null
   * @param reason why, in the tenant's words, where the gateway keeps one; may be null
   * @param gatewayRefundId the refund an earlier try created and left pending, or null
   */
  record RefundRequest(
      String refundId,
      String idempotencyKey,
      String paymentEntryKey,
      String externalPaymentId,
      long amountMinor,
      String currency,
      String customerRef,
      String reason,
      String gatewayRefundId) {

    public RefundRequest {
      Objects.requireNonNull(refundId, "refundId");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(paymentEntryKey, "paymentEntryKey");
      Objects.requireNonNull(externalPaymentId, "externalPaymentId");
      Objects.requireNonNull(currency, "currency");
      if (amountMinor <= 0) {
        throw new IllegalArgumentException("a refund is of a positive amount");
      }
    }
  }

  /**
   * How a refund stands at the gateway.
   *
   * @param status succeeded (the money went back), pending (the gateway accepted it and is still
   *     working on it: ask again later) or failed (the gateway refused or gave up: nothing went
   *     back)
   * @param gatewayRefundId the gateway's refund id, when it made one
   * @param entryKey the ledger key the refund is booked under, by this answer or by the gateway's
   *     webhook for it ({@code refund:<gateway refund id>}), when the gateway made one
   * @param booking for a success, the entry it books: a negative {@link EventKind#REFUND} under
   *     {@code entryKey}
   * @param code the gateway's code for a failure ({@code amount_too_large}, {@code
   *     CAPTURE_FULLY_REFUNDED}), or null
   * @param message the gateway's words for a failure, or null
   */
  record RefundOutcome(
      Status status,
      String gatewayRefundId,
      String entryKey,
      PaymentEvent booking,
      String code,
      String message) {

    public RefundOutcome {
      Objects.requireNonNull(status, "status");
      if ((status == Status.SUCCEEDED) != (booking != null)) {
        throw new IllegalArgumentException("a succeeded refund, and only it, books an entry");
      }
      if (booking != null
          && (booking.kind() != EventKind.REFUND || !booking.entryKey().equals(entryKey))) {
        throw new IllegalArgumentException("a refund books a REFUND entry under its entry key");
      }
      if (status == Status.PENDING && (gatewayRefundId == null || entryKey == null)) {
        throw new IllegalArgumentException("a pending refund names the gateway's refund");
      }
    }

    public static RefundOutcome succeeded(String gatewayRefundId, PaymentEvent booking) {
      return new RefundOutcome(
          Status.SUCCEEDED, gatewayRefundId, booking.entryKey(), booking, null, null);
    }

    public static RefundOutcome pending(String gatewayRefundId, String entryKey) {
      return new RefundOutcome(Status.PENDING, gatewayRefundId, entryKey, null, null, null);
    }

    public static RefundOutcome failed(String gatewayRefundId, String code, String message) {
      return new RefundOutcome(Status.FAILED, gatewayRefundId, null, null, code, message);
    }
  }

  /** Where a refund stands. */
  enum Status {
    SUCCEEDED,
    PENDING,
    FAILED
  }
}
