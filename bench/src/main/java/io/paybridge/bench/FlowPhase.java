package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.SyncProgress.Recorded;
import io.paybridge.bench.TenantSetup.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A steady flow of signed webhooks while the targets are live, as in production: payments recorded
 * and delivered at the same time, rather than a parked backlog. For every ledger entry of the flow
 * it measures the time from its recording (the recording transaction's {@code now()}) to the 2xx
 * the sink sent for it, per group of tenants.
 */
record FlowPhase(BenchRun run, SyncSink sink, NodeCluster cluster) {

  /** How long the flow's deliveries may take to reach the sink after the last webhook. */
  private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * Tenants posted to at a rate of their own.
   *
   * @param awaited whether the phase waits until every entry of theirs has reached the sink (not
   *     for tenants whose receiver fails)
   */
  record Group(String name, List<Tenant> tenants, double rate, boolean awaited) {}

  /**
   * What one group's entries saw, from recording to the sink's 2xx.
   *
   * @param entries entries recorded for the group during the flow
   * @param answered of which the sink answered 2xx by the end of the phase
   */
  record Latency(
      String group,
      double rate,
      int entries,
      int answered,
      double p50Ms,
      double p99Ms,
      double maxMs) {

    String describe() {
      return String.format(
          Locale.ROOT,
          "%s at %.0f/s: %d of %d entries at the sink, recording to 2xx p50 %.0f ms, p99 %.0f ms,"
              + " max %.0f ms",
          group,
          rate,
          answered,
          entries,
          p50Ms,
          p99Ms,
          maxMs);
    }
  }

  /**
   * Posts every group's webhooks for {@code seconds}, interleaved by when each is due, spread over
   * the nodes; waits until the awaited groups' entries have all reached the sink; then reads when
   * each entry was recorded. Entries missing at the sink go to {@code problems}.
   */
  List<Latency> run(String label, List<Group> groups, int seconds, List<String> problems)
      throws Exception {
    SyncProgress sync = run.db().sync();
    long fromId = await(sync.lastEntryId());
    await(sink.reset());
    double total = groups.stream().mapToDouble(Group::rate).sum();
    List<Delivery> all = interleaved(label, groups, seconds);
    System.out.printf(
        Locale.ROOT,
        "   flow %s: %d webhooks over %d s at %.0f/s (%s)%n",
        label,
        all.size(),
        seconds,
        total,
        groups.stream()
            .map(g -> String.format(Locale.ROOT, "%s %.0f/s", g.name(), g.rate()))
            .collect(Collectors.joining(", ")));
    NodeLoads.postAll(run, cluster, all, total, "flow " + label);

    Map<UUID, Group> byTenant = new HashMap<>();
    groups.forEach(g -> g.tenants().forEach(t -> byTenant.put(t.id(), g)));
    List<Recorded> recorded = List.of();
    Map<String, Long> answered = Map.of();
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    while (true) {
      recorded = await(sync.recordedSince(byTenant.keySet(), fromId));
      answered = await(sink.answeredAtMicros());
      Map<String, Long> seen = answered;
      long waiting =
          recorded.stream()
              .filter(r -> byTenant.get(r.tenantId()).awaited())
              .filter(r -> !seen.containsKey("pb_" + r.id()))
              .count();
      if (recorded.size() >= all.size() && waiting == 0) {
        break;
      }
      if (System.nanoTime() > deadline) {
        problems.add(
            "flow " + label + ": " + waiting + " entries not at the sink " + DELIVERY_TIMEOUT);
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    List<Latency> out = new ArrayList<>();
    for (Group g : groups) {
      Set<UUID> ids = g.tenants().stream().map(Tenant::id).collect(Collectors.toSet());
      List<Long> latencies = new ArrayList<>();
      int entries = 0;
      for (Recorded r : recorded) {
        if (!ids.contains(r.tenantId())) {
          continue;
        }
        entries++;
        Long at = answered.get("pb_" + r.id());
        if (at != null) {
          latencies.add(at - r.recordedMicros());
        }
      }
      long[] micros = latencies.stream().mapToLong(Long::longValue).toArray();
      Latency l =
          new Latency(
              g.name(),
              g.rate(),
              entries,
              micros.length,
              ReportMath.percentile(micros, 50) / 1000,
              ReportMath.percentile(micros, 99) / 1000,
              ReportMath.percentile(micros, 100) / 1000);
      System.out.println("     " + l.describe());
      out.add(l);
    }
    return out;
  }

  /** Each group's webhooks for {@code seconds}, merged in the order they fall due. */
  private List<Delivery> interleaved(String label, List<Group> groups, int seconds) {
    List<double[]> due = new ArrayList<>();
    List<Delivery> built = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      int count = (int) Math.round(group.rate() * seconds);
      List<Delivery> list = new Deliveries(group.tenants(), run.id() + label + "-" + g).next(count);
      for (int i = 0; i < count; i++) {
        due.add(new double[] {i / group.rate(), built.size()});
        built.add(list.get(i));
      }
    }
    due.sort((a, b) -> Double.compare(a[0], b[0]));
    List<Delivery> out = new ArrayList<>(built.size());
    due.forEach(d -> out.add(built.get((int) d[1])));
    return out;
  }
}
