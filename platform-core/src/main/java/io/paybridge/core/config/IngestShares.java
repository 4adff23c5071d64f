package io.paybridge.core.config;

import java.time.Duration;

/**
 * How one event loop's group-commit queue is shared between tenants, so one tenant's flood of
 * webhooks cannot keep the others' from being recorded: while webhooks of several tenants wait,
 * each tenant may hold {@code max(minShare, capacity / tenants waiting)} of them, and its further
 * deliveries are answered 503 with {@code Retry-After} until it is back under its share (gateways
 * deliver again).
 *
 * @param capacity webhooks waiting for a statement, all tenants together, before shares shrink
 *     ({@code PAYBRIDGE_INGEST_QUEUE_CAPACITY}, 2048 per event loop)
 * @param minShare webhooks every tenant may have waiting however many others wait ({@code
 *     PAYBRIDGE_INGEST_TENANT_MIN_SHARE}, 64)
 * @param latencyTarget how long the node's deliveries may take (their 90th percentile) before it
 *     holds back the tenants that flood it ({@code PAYBRIDGE_INGEST_LATENCY_TARGET_MS}; zero, the
 *     default, turns that off: see {@code FairAdmission})
 */
public record IngestShares(int capacity, int minShare, Duration latencyTarget) {

  /** 2048 waiting per event loop; at least 64 for each tenant; floods not held back. */
  public static final IngestShares DEFAULTS = new IngestShares(2048, 64, Duration.ZERO);

  public IngestShares {
    if (capacity < 1 || minShare < 1 || minShare > capacity) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_INGEST_QUEUE_CAPACITY and PAYBRIDGE_INGEST_TENANT_MIN_SHARE must be at least"
              + " 1, the share at most the capacity");
    }
    if (latencyTarget == null || latencyTarget.isNegative()) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_INGEST_LATENCY_TARGET_MS must be 0 (off) or more");
    }
  }
}
