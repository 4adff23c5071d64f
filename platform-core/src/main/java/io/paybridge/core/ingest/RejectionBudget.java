package io.paybridge.core.ingest;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many receipts of unauthenticated deliveries one node writes per gateway account and minute,
 * so that a flood of forgeries cannot fill the database. Authenticated deliveries are never
 * sampled; past the budget a refused delivery is counted in metrics and the node log only.
 */
final class RejectionBudget {

  /** Receipts of refused deliveries kept per account per minute and node. */
  static final int PER_ACCOUNT_PER_MINUTE = 60;

  private final Map<String, AtomicInteger> spent = new ConcurrentHashMap<>();
  private volatile long minute;

  /** Whether another refused delivery of this account may be written now. */
  boolean take(UUID tenantId, String gateway, long nowMillis) {
    long now = nowMillis / 60_000;
    if (now != minute) {
      minute = now;
      spent.clear();
    }
    return spent
            .computeIfAbsent(tenantId + "/" + gateway, k -> new AtomicInteger())
            .incrementAndGet()
        <= PER_ACCOUNT_PER_MINUTE;
  }
}
