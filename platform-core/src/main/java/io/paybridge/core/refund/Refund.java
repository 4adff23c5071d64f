package io.paybridge.core.refund;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A refund a tenant asked for, as the tenant sees it: part or all of one payment given back through
 * the payment's gateway.
 *
 * @param paymentId the ledger entry of the refunded payment
 * @param status {@code requested} (not yet answered by the gateway: being tried), {@code pending}
 *     (the gateway accepted it and is still working on it), {@code succeeded} (booked in the
 *     ledger) or {@code failed} (nothing went back)
 * @param gatewayRefundId the gateway's id of the refund, once the gateway made one
 * @param entryId the ledger entry that books the refund, once it is booked (by the gateway's answer
 *     or its webhook, whichever came first); null before
 * @param failureCode the gateway's code for a failure ({@code amount_too_large}), or null
 * @param failureMessage the gateway's words for a failure, or null
 */
public record Refund(
    UUID id,
    long paymentId,
    String gateway,
    long amountMinor,
    String currency,
    String reason,
    String status,
    String gatewayRefundId,
    Long entryId,
    String failureCode,
    String failureMessage,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String REQUESTED = "requested";
  public static final String PENDING = "pending";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /** Whether the gateway may still give the money back: not yet succeeded or failed. */
  public boolean open() {
    return REQUESTED.equals(status) || PENDING.equals(status);
  }
}
