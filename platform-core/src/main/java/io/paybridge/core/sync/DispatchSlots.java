package io.paybridge.core.sync;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How a node's outbound delivery capacity is shared, by the delivery dispatcher on its own context.
 *
 * <p><b>Slots</b>: at most {@link DispatchSettings#slots} deliveries are claimed and not yet
 * recorded on the node. <b>Tenants</b>: one tenant holds at most {@code max(tenantMinShare, slots /
 * (active tenants + 1))} of them (the {@code + 1} keeps room for a tenant whose work has just
 * arrived), so a tenant whose receiver is slow or failing cannot take the slots that a fast one's
 * deliveries need; claims skip a tenant at its cap. <b>Targets</b>: each target has an in-flight
 * limit between {@link DispatchSettings#targetMinInFlight} and {@link
 * DispatchSettings#targetMaxInFlight} that adapts to how the receiver copes: it grows by one per
 * delivered attempt until the first failure (a receiver that answers is given more), then by one
 * per limit's worth of delivered attempts, and halves on each failure (timeouts, refused
 * connections, 5xx, 429). A claimed delivery above its target's limit waits in the target's lane
 * until a request to that target finishes.
 */
final class DispatchSlots {

  /** One target's requests in flight, its limit, and the deliveries waiting for room. */
  private static final class Lane {
    final UUID tenant;
    double limit;
    boolean probing = true;
    int inFlight;
    final Deque<Runnable> waiting = new ArrayDeque<>();

    Lane(UUID tenant, int limit) {
      this.tenant = tenant;
      this.limit = limit;
    }
  }

  private final DispatchSettings settings;
  private final Map<UUID, Lane> lanes = new HashMap<>();
  private final Map<UUID, Integer> tenants = new HashMap<>();
  private int held;

  DispatchSlots(DispatchSettings settings) {
    this.settings = settings;
  }

  /** Slots not held. */
  int free() {
    return settings.slots() - held;
  }

  /** Deliveries claimed and not yet recorded. */
  int held() {
    return held;
  }

  /** Deliveries a tenant holds. */
  int held(UUID tenant) {
    return tenants.getOrDefault(tenant, 0);
  }

  /** The most slots one tenant may hold now. */
  int tenantCap() {
    return Math.max(settings.tenantMinShare(), settings.slots() / (tenants.size() + 1));
  }

  /** How many deliveries of a tenant that holds none a claim may take. */
  int newcomerRoom() {
    return Math.min(tenantCap(), settings.targetMaxInFlight());
  }

  /**
   * How many more deliveries a claim may take of each tenant holding some: what its cap leaves, and
   * no more than its targets' lanes have room for; 0 for a tenant at its cap.
   */
  Map<UUID, Integer> rooms() {
    int cap = tenantCap();
    Map<UUID, Integer> lanesRoom = new HashMap<>();
    lanes
        .values()
        .forEach(
            l ->
                lanesRoom.merge(
                    l.tenant,
                    Math.max(0, (int) l.limit - l.inFlight - l.waiting.size()),
                    Integer::sum));
    Map<UUID, Integer> out = new HashMap<>();
    tenants.forEach(
        (tenant, n) ->
            out.put(
                tenant, Math.max(0, Math.min(cap - n, lanesRoom.getOrDefault(tenant, cap - n)))));
    return out;
  }

  /** A delivery of {@code tenant} was claimed: it holds a slot until {@link #released}. */
  void claimed(UUID tenant) {
    held++;
    tenants.merge(tenant, 1, Integer::sum);
  }

  /** A claimed delivery of {@code tenant} was recorded (or given back): its slot is free. */
  void released(UUID tenant) {
    held--;
    tenants.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Runs {@code send} when {@code target} has room below its limit: at once, or when one of its
   * requests finishes ({@link #finished}).
   */
  void submit(UUID target, UUID tenant, Runnable send) {
    Lane lane = lanes.computeIfAbsent(target, t -> new Lane(tenant, settings.targetMinInFlight()));
    if (lane.inFlight < (int) lane.limit) {
      lane.inFlight++;
      send.run();
    } else {
      lane.waiting.add(send);
    }
  }

  /**
   * A request to {@code target} finished; {@code ok} whether the receiver took it, {@code
   * struggling} whether it failed in a way that asks for less (neither for a 4xx or a refused
   * address). Starts the deliveries the lane now has room for.
   */
  void finished(UUID target, boolean ok, boolean struggling) {
    Lane lane = lanes.get(target);
    if (lane == null) {
      return;
    }
    lane.inFlight--;
    if (ok) {
      lane.limit =
          Math.min(settings.targetMaxInFlight(), lane.limit + (lane.probing ? 1 : 1 / lane.limit));
    } else if (struggling) {
      lane.probing = false;
      lane.limit = Math.max(settings.targetMinInFlight(), lane.limit / 2);
    }
    while (!lane.waiting.isEmpty() && lane.inFlight < (int) lane.limit) {
      lane.inFlight++;
      lane.waiting.poll().run();
    }
    if (lane.inFlight == 0 && lane.waiting.isEmpty() && lanes.size() > 10_000) {
      lanes.remove(target); // an idle lane of many: its limit starts again from the least
    }
  }

  /** A target's current in-flight limit. */
  int limit(UUID target) {
    Lane lane = lanes.get(target);
    return lane == null ? settings.targetMinInFlight() : (int) lane.limit;
  }

  /** Requests under way to a target. */
  int inFlight(UUID target) {
    Lane lane = lanes.get(target);
    return lane == null ? 0 : lane.inFlight;
  }
}
