package io.paybridge.core.charge;

import java.time.OffsetDateTime;

/**
 * A customer's stored payment method as anyone may see it: the gateway, and the brand and last four
 * digits when the gateway says them. The gateway's ids stay sealed in the database.
 */
public record StoredMethod(
    String customerRef,
    String gateway,
    String brand,
    String last4,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {}
