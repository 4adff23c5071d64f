package io.paybridge.core.refund;

import java.util.UUID;

/**
 * A refund not yet settled, with what its attempt sends the gateway: the refund's gateway
 * idempotency key, and the refunded payment's entry key, gateway payment id and customer.
 */
public record OpenRefund(
    UUID tenantId,
    Refund refund,
    String idempotencyKey,
    String paymentEntryKey,
    String externalPaymentId,
    String customerRef) {}
