package io.paybridge.core.job;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A claimed job: durable work with a kind, its tenant, what it refers to, and the claim token that
 * fences this attempt's writes.
 */
public record Job(
    long id,
    String kind,
    UUID tenantId,
    Long refId,
    JsonObject payload,
    int attempts,
    UUID claimToken,
    OffsetDateTime createdAt) {}
