package io.paybridge.core.charge;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A merchant-initiated charge of a customer's stored payment method, as the tenant sees it.
 *
 * @param status {@code pending} (not yet settled at the gateway: being tried, or processing),
 *     {@code succeeded} (booked in the ledger) or {@code failed} (nothing moved)
 * @param failureCode the gateway's code for a failure ({@code card_declined}), or null
 * @param failureMessage the gateway's message for a failure, or null
 */
public record Charge(
    UUID id,
    String customerRef,
    String gateway,
    long amountMinor,
    String currency,
    String description,
    String status,
    String gatewayPaymentId,
    String failureCode,
    String failureMessage,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String PENDING = "pending";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
}
