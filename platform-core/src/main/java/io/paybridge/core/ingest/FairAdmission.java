package io.paybridge.core.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Which gateways' deliveries a node takes on when it cannot take them all quickly: fair between
 * tenants, decided before a delivery is verified or parsed, so a refused one costs little.
 *
 * <p>While the node answers quickly, every delivery is taken. Time is cut in windows of 100 ms;
 * when more than a tenth of the deliveries answered in a window took longer than {@code target}
 * (their 90th percentile above it), the node is overloaded, and it takes at most 80 % of what it
 * took in that window during the next one. Only tenants that flood are held back: a tenant whose
 * offers (taken or not), smoothed over the last windows, are more than twice what the other tenants
 * offer on average. What the others offer is left to them in full; the flooding tenants share the
 * rest evenly, but none is held below what the others offer on average. So a flood is cut back
 * while the quiet tenants' deliveries all pass. When no tenant stands out (one tenant alone, or
 * several alike), there is no one to protect and nothing is refused. After each window that was not
 * overloaded the total grows by a tenth, and the limit is lifted once it is twice what the tenants
 * offer. A limited tenant's allowance accrues evenly over the window (up to a quarter window's
 * worth at once), so its deliveries are not taken in a burst at the start.
 *
 * <p>A delivery refused here is answered 503 with {@code Retry-After}, leaves no receipt and is
 * delivered again by its gateway: nothing is lost, only delayed.
 *
 * <p>One per node, shared by its HTTP event loops: a tenant's connections may land on one loop more
 * than another, and per-loop counts would then take a quiet tenant for a flood on the loop that has
 * most of its connections. Its methods are synchronized; each holds the lock for a few map
 * operations.
 */
public final class FairAdmission {

  /** Answers a window needs before its latency says anything. */
  static final int MIN_ANSWERS = 20;

  /** Deliveries a window may always take, all tenants together, however overloaded the node. */
  static final int MIN_LIMIT = 8;

  /**
   * Deliveries a tenant must offer in a window (smoothed) before it can count as flooding: below
   * it, the chance variation of many tenants' traffic is not mistaken for a flood.
   */
  static final int MIN_FLOOD = 16;

  /** The weight of the last window in a tenant's smoothed offers. */
  private static final double SMOOTHING = 0.25;

  private static final Duration WINDOW = Duration.ofMillis(100);
  private static final int UNLIMITED = Integer.MAX_VALUE;

  /** Every delivery is taken: fair admission off. */
  static final FairAdmission OPEN = new FairAdmission(Duration.ZERO, System::nanoTime);

  /** A tenant's deliveries in the current window. */
  private static final class Count {
    int offered;
    int admitted;
  }

  /** A limited tenant's allowance. */
  private static final class Bucket {
    double tokens;
    long lastRefill;
  }

  private final long targetNanos;
  private final long windowNanos;
  private final LongSupplier clock;
  private final Map<UUID, Count> counts = new HashMap<>();

  /** Each tenant's offers per window, smoothed; tenants that stopped sending fade out. */
  private final Map<UUID, Double> rates = new HashMap<>();

  private final Map<UUID, Bucket> buckets = new HashMap<>();
  private long windowStart;
  private int answered;
  private int slow;
  private long refused;
  private int limit = UNLIMITED;

  /** A limited tenant's deliveries per window. */
  private int level = UNLIMITED;

  /**
   * @param target the latency the node's 90th percentile may reach before it limits the tenants
   *     that flood it; zero or negative: never
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  FairAdmission(Duration target, LongSupplier clock) {
    this.targetNanos = target.toNanos();
    this.windowNanos = WINDOW.toNanos();
    this.clock = clock;
    this.windowStart = clock.getAsLong();
  }

  /** Admission held to {@code target} on the system's clock; zero or negative: every delivery. */
  public FairAdmission(Duration target) {
    this(target, System::nanoTime);
  }

  /** Whether a delivery of {@code tenant}'s is taken now; counts it as offered either way. */
  synchronized boolean admit(UUID tenant) {
    if (targetNanos <= 0) {
      return true;
    }
    long now = clock.getAsLong();
    roll(now);
    Count c = counts.computeIfAbsent(tenant, k -> new Count());
    c.offered++;
    Bucket b = buckets.get(tenant);
    if (b != null) {
      double perNano = (double) level / windowNanos;
      double burst = Math.max(1, level / 4.0);
      b.tokens = Math.min(burst, b.tokens + (now - b.lastRefill) * perNano);
      b.lastRefill = now;
      if (b.tokens < 1) {
        refused++;
        return false;
      }
      b.tokens -= 1;
    }
    c.admitted++;
    return true;
  }

  /** Tells how long a taken delivery took, from the request to the answer. */
  synchronized void answered(long nanos) {
    if (targetNanos <= 0) {
      return;
    }
    roll(clock.getAsLong());
    answered++;
    if (nanos > targetNanos) {
      slow++;
    }
  }

  /** Deliveries refused so far. */
  synchronized long refused() {
    return refused;
  }

  /** Deliveries a window may take now, all tenants together; {@code -1}: no limit. */
  synchronized int limit() {
    return limit == UNLIMITED ? -1 : limit;
  }

  private void roll(long now) {
    if (now - windowStart < windowNanos) {
      return;
    }
    int offered = 0;
    int admitted = 0;
    for (Count c : counts.values()) {
      offered += c.offered;
      admitted += c.admitted;
    }
    boolean overloaded = answered >= MIN_ANSWERS && slow * 10 > answered;
    if (overloaded) {
      limit = Math.max(MIN_LIMIT, (int) (admitted * 0.8));
    } else if (limit != UNLIMITED) {
      limit += Math.max(MIN_LIMIT, limit / 10);
      if (limit >= 2L * offered) {
        limit = UNLIMITED;
      }
    }
    Set<UUID> active = new HashSet<>(counts.keySet());
    smooth();
    share(now, active);
    windowStart = now;
    answered = 0;
    slow = 0;
  }

  /** Folds the window's offers into each tenant's smoothed rate, and starts counting anew. */
  private void smooth() {
    rates.replaceAll((tenant, rate) -> rate * (1 - SMOOTHING));
    for (Map.Entry<UUID, Count> e : counts.entrySet()) {
      rates.merge(e.getKey(), SMOOTHING * e.getValue().offered, Double::sum);
    }
    rates.values().removeIf(rate -> rate < 0.5);
    counts.clear();
  }

  /**
   * Decides which tenants the next window limits, and to what: of the tenants that sent in the
   * window just ended ({@code active}; one that stopped is no yardstick), those whose smoothed
   * offers are more than twice the others' average (and more than {@link #MIN_FLOOD}), each held to
   * an even part of what {@link #limit} leaves after the others' offers, and never below the
   * others' average.
   */
  private void share(long now, Set<UUID> active) {
    Set<UUID> floods = new HashSet<>();
    double others = 0;
    if (limit != UNLIMITED && active.size() >= 2) {
      double total = 0;
      for (UUID tenant : active) {
        total += rates.getOrDefault(tenant, 0.0);
      }
      int n = active.size();
      for (UUID tenant : active) {
        double rate = rates.getOrDefault(tenant, 0.0);
        if (rate > MIN_FLOOD && rate > 2 * (total - rate) / (n - 1)) {
          floods.add(tenant);
        } else {
          others += rate;
        }
      }
    }
    buckets.keySet().retainAll(floods);
    if (floods.isEmpty()) {
      // No tenant stands out: refusing some would protect no one (one tenant alone, or several
      // alike, are taken as they would be without this).
      level = UNLIMITED;
      return;
    }
    double othersMean = others / (active.size() - floods.size());
    level = (int) Math.max(Math.max(1, othersMean), (limit - others) / floods.size());
    for (UUID tenant : floods) {
      buckets.computeIfAbsent(
          tenant,
          k -> {
            Bucket b = new Bucket();
            b.lastRefill = now;
            return b;
          });
    }
  }
}
