package io.paybridge.core.sync;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery as a tenant looks at it: one recorded payment ({@code paymentId}, a ledger entry) on
 * its way to one sync target, its state, and how its last attempt went.
 */
public record DeliveryView(
    long id,
    UUID targetId,
    long paymentId,
    String status,
    int attempts,
    Integer lastStatusCode,
    String lastError,
    Integer lastLatencyMs,
    Instant retryUntil,
    Instant createdAt,
    Instant updatedAt,
    Instant deliveredAt) {}
