package io.paybridge.core.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Each tenant's share of one group-commit queue, so one tenant's flood of webhooks cannot fill the
 * queue and starve everyone else's: a tenant may hold at most {@code max(minShare, capacity /
 * tenants waiting)} webhooks waiting for a statement, the tenant itself counted among those
 * waiting. Alone, a tenant may use the whole queue; once others arrive, its share shrinks, and it
 * gets no more until it is back under it, while the others are admitted. What is refused was not
 * acknowledged: the gateway is answered 503 and delivers again.
 *
 * <p>Belongs to one recorder and is only touched from its event loop, so it needs no locks.
 */
final class TenantShares {

  /** No bound: every webhook is admitted. */
  static final TenantShares UNBOUNDED = new TenantShares(Integer.MAX_VALUE, Integer.MAX_VALUE);

  private final int capacity;
  private final int minShare;
  private final Map<UUID, Integer> waiting = new HashMap<>();

  /**
   * @param capacity webhooks the queue holds for all tenants together before shares shrink
   * @param minShare webhooks every tenant may have waiting whatever the others hold
   */
  TenantShares(int capacity, int minShare) {
    if (capacity < 1 || minShare < 1) {
      throw new IllegalArgumentException("capacity and minShare must be at least 1");
    }
    this.capacity = capacity;
    this.minShare = minShare;
  }

  /** The share a tenant has now: what it may hold waiting. */
  int shareOf(UUID tenant) {
    int tenants = waiting.size() + (waiting.containsKey(tenant) ? 0 : 1);
    return Math.max(minShare, capacity / tenants);
  }

  /** Whether {@code tenant} holds its whole share now, so that another webhook is refused. */
  boolean full(UUID tenant) {
    return waiting(tenant) >= shareOf(tenant);
  }

  /** Counts a webhook of {@code tenant} in, if the tenant holds less than its share. */
  boolean admit(UUID tenant) {
    if (full(tenant)) {
      return false;
    }
    waiting.merge(tenant, 1, Integer::sum);
    return true;
  }

  /** Counts a webhook in whatever the tenant holds: a delivery already received, run again. */
  void add(UUID tenant) {
    waiting.merge(tenant, 1, Integer::sum);
  }

  /** A webhook of {@code tenant} left the queue for a statement. */
  void left(UUID tenant) {
    waiting.computeIfPresent(tenant, (t, held) -> held <= 1 ? null : held - 1);
  }

  /** Webhooks of {@code tenant} waiting now. */
  int waiting(UUID tenant) {
    return waiting.getOrDefault(tenant, 0);
  }
}
