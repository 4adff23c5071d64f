package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.Objects;

/**
 * Optional capability: a checkout the customer authorized is captured (the money moves) or
 * cancelled (the authorization is released) by the merchant's call.
 *
 * <p>Money rule: both calls send their request's idempotency key on every try (Stripe: {@code
 * Idempotency-Key}; PayPal: {@code PayPal-Request-Id}), so a retry after a timeout captures once.
 */
public interface Captures {

  /**
   * Captures the authorized amount of the checkout's payment.
   *
   * @return how it ended; a failed {@link GatewayApiException} when the gateway could not be
   *     reached or answered an error that does not say whether it captured (retryable), or refused
   *     the request itself (not retryable)
   */
  Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials);

  /**
   * Releases the authorization without moving money. Cancelling a payment that is already cancelled
   * succeeds.
   *
   * @return a failed {@link GatewayApiException} as for {@link #capture}
   */
  Future<Void> cancel(CaptureRequest request, Credentials credentials);

  /**
   * One capture or cancellation.
   *
   * @param checkoutId the platform's checkout id
   * @param reference the gateway's id of the payment, as {@link Checkouts.StartedCheckout} gave it
   * @param idempotencyKey the gateway idempotency key, the same on every try
   * @param customerRef the checkout's customer reference, booked with the capture
   * @param amountMinor the checkout's amount in minor units
   * @param currency ISO-4217 code, upper case
   */
  record CaptureRequest(
      String checkoutId,
      String reference,
      String idempotencyKey,
      String customerRef,
      long amountMinor,
      String currency) {

    public CaptureRequest {
      Objects.requireNonNull(checkoutId, "checkoutId");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(currency, "currency");
    }
  }

  /**
   * How a capture ended.
   *
   * @param status captured (the money moved), waiting (nothing to capture yet: the customer has not
   *     approved, a fraud review is open; ask again when the gateway says so) or failed (the
   *     gateway will never capture it: declined, voided, expired)
   * @param booking for a capture, the entry it books, keyed as the gateway's webhook for the same
   *     money movement keys it, so the two are booked once
   * @param code the gateway's or the platform's code for waiting and failed
   * @param message the same in words a tenant can act on
   */
  record CaptureOutcome(Status status, PaymentEvent booking, String code, String message) {

    public CaptureOutcome {
      Objects.requireNonNull(status, "status");
      if ((status == Status.CAPTURED) != (booking != null)) {
        throw new IllegalArgumentException("a capture, and only it, books an entry");
      }
    }

    public static CaptureOutcome captured(PaymentEvent booking) {
      return new CaptureOutcome(Status.CAPTURED, booking, null, null);
    }

    public static CaptureOutcome waiting(String code, String message) {
      return new CaptureOutcome(Status.WAITING, null, code, message);
    }

    public static CaptureOutcome failed(String code, String message) {
      return new CaptureOutcome(Status.FAILED, null, code, message);
    }
  }

  /** Where a capture stands. */
  enum Status {
    CAPTURED,
    WAITING,
    FAILED
  }
}
