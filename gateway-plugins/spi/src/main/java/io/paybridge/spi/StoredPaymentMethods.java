package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Objects;

/**
 * Optional capability: the gateway keeps a customer's payment method, and the merchant can charge
 * it while the customer is away (an invoice, a renewal, a usage bill).
 *
 * <p>Money rule: {@link #charge} sends {@link OffSessionCharge#idempotencyKey()} as the gateway's
 * idempotency key on every try, so a retry after a timeout can never charge twice; the caller keeps
 * the key and the charge's parameters unchanged from the first try to the last.
 */
public interface StoredPaymentMethods {

  /**
   * Checks with the gateway that the payment method exists and belongs to the customer, and says
   * what the customer may be shown of it.
   *
   * @return a failed {@link GatewayApiException} when the gateway refuses (unknown method, another
   *     customer's method) or cannot be reached; not retryable when the refusal is final
   */
  Future<MethodDetails> describe(String customer, String paymentMethod, Credentials credentials);

  /**
   * Charges a stored payment method, or, when {@link OffSessionCharge#gatewayPaymentId()} is set
   * (an earlier try left the payment processing), asks the gateway how that payment ended.
   *
   * @return the outcome; a failed {@link GatewayApiException} when the gateway could not be reached
   *     or answered an error that does not say whether the charge happened (retryable), or refused
   *     the request itself (not retryable: a wrong key, a malformed request)
   */
  Future<ChargeOutcome> charge(OffSessionCharge charge, Credentials credentials);

  /** What the gateway says of a stored method that a customer may see; either may be null. */
  record MethodDetails(String brand, String last4) {}

  /**
   * One merchant-initiated charge.
   *
   * @param idempotencyKey sent as the gateway's idempotency key, the same on every try
   * @param customerRef the tenant's reference of the customer, booked with the payment
   * @param customer the gateway's customer id
   * @param paymentMethod the gateway's payment method id
   * @param amountMinor the amount in the currency's minor units, positive
   * @param currency ISO-4217 code, upper case
   * @param description shown to the customer by the gateway where it shows one; may be null
   * @param metadata kept with the payment at the gateway (the charge id, the customerRef)
   * @param gatewayPaymentId the payment an earlier try created and left processing, or null
   */
  record OffSessionCharge(
      String idempotencyKey,
      String customerRef,
      String customer,
      String paymentMethod,
      long amountMinor,
      String currency,
      String description,
      Map<String, String> metadata,
      String gatewayPaymentId) {

    public OffSessionCharge {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(customer, "customer");
      Objects.requireNonNull(paymentMethod, "paymentMethod");
      Objects.requireNonNull(currency, "currency");
      if (amountMinor <= 0) {
        throw new IllegalArgumentException("a charge is for a positive amount");
      }
      metadata = Map.copyOf(metadata);
    }
  }

  /**
   * How a charge ended at the gateway.
   *
   * @param status succeeded (the money moved), failed (declined or refused; nothing moved) or
   *     pending (the gateway is still processing; ask again later)
   * @param gatewayPaymentId the gateway's payment id, when it created one
   * @param failureCode the gateway's code for a failure (e.g. {@code card_declined})
   * @param failureMessage the gateway's message for a failure, fit to show the customer
   * @param booking for a success, the ledger entry it books, keyed as the gateway's webhook for the
   *     same payment keys it so that the webhook is not booked a second time
   */
  record ChargeOutcome(
      Status status,
      String gatewayPaymentId,
      String failureCode,
      String failureMessage,
      PaymentEvent booking) {

    public ChargeOutcome {
      Objects.requireNonNull(status, "status");
      if ((status == Status.SUCCEEDED) != (booking != null)) {
        throw new IllegalArgumentException("a succeeded charge, and only it, books an entry");
      }
    }

    public static ChargeOutcome succeeded(String gatewayPaymentId, PaymentEvent booking) {
      return new ChargeOutcome(Status.SUCCEEDED, gatewayPaymentId, null, null, booking);
    }

    public static ChargeOutcome failed(String gatewayPaymentId, String code, String message) {
      return new ChargeOutcome(Status.FAILED, gatewayPaymentId, code, message, null);
    }

    public static ChargeOutcome pending(String gatewayPaymentId) {
      return new ChargeOutcome(Status.PENDING, gatewayPaymentId, null, null, null);
    }
  }

  /** Where a charge stands. */
  enum Status {
    SUCCEEDED,
    FAILED,
    PENDING
  }
}
