package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.FlowPhase.Group;
import io.paybridge.bench.FlowPhase.Latency;
import io.paybridge.bench.SyncProgress.SyncState;
import io.paybridge.bench.TenantSetup.Tenant;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Whether one tenant's slow or failing receiver holds another tenant's deliveries back. Half of a
 * round's tenants (the <i>instant</i> ones, whose receiver answers at once) get a steady flow
 * alone; then the same flow beside the other half at the same rate, whose receiver answers after
 * 300 ms; then beside the other half answering 500. The instant tenants' p99 from recording to 2xx
 * beside the others, over their p99 alone, is the figure; the target is at most 2.
 */
record SyncFairness(FlowPhase flow, SyncSink sink, SyncProgress sync) {

  /** How long a slow receiver takes to answer. */
  static final int SLOW_MS = 300;

  /** How long the failing tenants' retries may take to get through once their receiver is back. */
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

  /** The three flows' figures: the instant tenants alone and beside the others, and the others. */
  record Result(
      Latency alone, Latency besideSlow, Latency slow, Latency besideFailing, Latency failing) {

    double slowRatio() {
      return besideSlow.p99Ms() / alone.p99Ms();
    }

    double failingRatio() {
      return besideFailing.p99Ms() / alone.p99Ms();
    }
  }

  /**
   * Runs the three flows of {@code seconds} each, every group at {@code rate}, on {@code tenants}
   * (the first half instant, the second half the others, whose sink endpoints are {@code paths}'s
   * second half); then lets the failing tenants' receiver answer again and waits until every
   * delivery is delivered.
   */
  Result run(
      String label,
      List<Tenant> tenants,
      List<String> paths,
      double rate,
      int seconds,
      List<String> problems)
      throws Exception {
    int half = tenants.size() / 2;
    List<Tenant> instant = tenants.subList(0, half);
    List<Tenant> others = tenants.subList(half, tenants.size());
    List<String> otherPaths = paths.subList(half, paths.size());
    System.out.printf(
        Locale.ROOT,
        "%n   -- fairness: %d instant tenants at %.0f/s, alone, then beside %d tenants at %.0f/s"
            + " whose receiver answers after %d ms, then answers 500%n",
        instant.size(),
        rate,
        others.size(),
        rate,
        SLOW_MS);
    await(sink.behaveAlike());
    Latency alone =
        flow.run(label + "a", List.of(new Group("instant", instant, rate, true)), seconds, problems)
            .get(0);
    await(sink.behave(otherPaths, SLOW_MS, 200));
    List<Latency> slow =
        flow.run(
            label + "s",
            List.of(
                new Group("instant", instant, rate, true), new Group("slow", others, rate, true)),
            seconds,
            problems);
    await(sink.behave(otherPaths, 0, 500));
    List<Latency> failing =
        flow.run(
            label + "f",
            List.of(
                new Group("instant", instant, rate, true),
                new Group("failing", others, rate, false)),
            seconds,
            problems);
    await(sink.behaveAlike());
    awaitAllDelivered(tenants.stream().map(Tenant::id).toList(), problems);
    Result r = new Result(alone, slow.get(0), slow.get(1), failing.get(0), failing.get(1));
    System.out.printf(
        Locale.ROOT,
        "   fairness: the instant tenants' p99 %.0f ms alone, %.0f ms beside a %d ms receiver"
            + " (%.2fx), %.0f ms beside a failing one (%.2fx); target at most 2x%n",
        alone.p99Ms(),
        r.besideSlow().p99Ms(),
        SLOW_MS,
        r.slowRatio(),
        r.besideFailing().p99Ms(),
        r.failingRatio());
    return r;
  }

  /** Waits until each entry of these tenants has one delivery, delivered. */
  private void awaitAllDelivered(List<UUID> ids, List<String> problems) throws Exception {
    long began = System.nanoTime();
    long deadline = began + RECOVERY_TIMEOUT.toNanos();
    while (true) {
      SyncState s = await(sync.syncState(ids));
      if (s.fanOutJobs() == 0 && s.deliveries() == s.entries() && s.delivered() == s.entries()) {
        System.out.printf(
            Locale.ROOT,
            "   the failing receiver answers 200 again: every one of the %d entries delivered"
                + " %.1f s later%n",
            s.entries(),
            (System.nanoTime() - began) / 1e9);
        return;
      }
      if (System.nanoTime() > deadline) {
        problems.add("fairness: not every delivery delivered " + RECOVERY_TIMEOUT + " on: " + s);
        return;
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }
}
