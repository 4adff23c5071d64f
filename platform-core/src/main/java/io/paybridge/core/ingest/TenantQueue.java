package io.paybridge.core.ingest;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The group-commit queue, served round robin by tenant: each take comes from the next tenant with
 * something waiting, each tenant's own webhooks in the order they came. A tenant that floods the
 * queue up to its share ({@link TenantShares}) therefore does not stand in front of another
 * tenant's webhooks: the next statement takes one of each before a second of anyone's.
 *
 * <p>Touched only from the recorder's event loop, like the recorder.
 */
final class TenantQueue<T> {

  private final Map<UUID, ArrayDeque<T>> byTenant = new HashMap<>();
  private final ArrayDeque<UUID> turn = new ArrayDeque<>();
  private int size;

  /** Puts {@code item} last in {@code tenant}'s line. */
  void add(UUID tenant, T item) {
    ArrayDeque<T> line = byTenant.get(tenant);
    if (line == null) {
      line = new ArrayDeque<>();
      byTenant.put(tenant, line);
      turn.add(tenant);
    }
    line.add(item);
    size++;
  }

  /** The first of the next tenant's line, or {@code null} when nothing waits. */
  T poll() {
    UUID tenant = turn.poll();
    if (tenant == null) {
      return null;
    }
    ArrayDeque<T> line = byTenant.get(tenant);
    T item = line.poll();
    if (line.isEmpty()) {
      byTenant.remove(tenant);
    } else {
      turn.add(tenant);
    }
    size--;
    return item;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }
}
