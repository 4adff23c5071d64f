package io.paybridge.bench;

import io.paybridge.bench.FlowPhase.Latency;
import io.paybridge.bench.ServerStatistics.Activity;
import io.paybridge.bench.ServerStatistics.StatementStats;
import io.paybridge.bench.SyncProgress.NodeAttempts;
import io.paybridge.bench.SyncSink.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One node count of the sync benchmark: the warm-up drain (if any), the measured one, and what did
 * not hold, with the report of the measured drain.
 */
record SyncRound(
    int nodes,
    int sinkDelayMs,
    List<String> nodeNames,
    Optional<Drain> warmup,
    Drain measured,
    Latency flow,
    Optional<SyncFairness.Result> fairness,
    List<String> problems) {

  /** Prints the measured drain's figures, for {@code tenants} tenants, and the checks. */
  void print(int tenants) {
    Drain r = measured;
    System.out.printf(
        Locale.ROOT,
        "   drained %d deliveries in %.2f s: %.0f deliveries/s (the sink saw the first at %.0f ms"
            + " and the last at %.2f s; 10-90 %% of ids: %.0f/s)%n",
        r.backlog(),
        r.drainSeconds(),
        r.perSecondOverall(),
        r.firstDeliveryMillis(),
        r.sinkSeconds(),
        r.steadyPerSecond());
    System.out.println(
        "   new ids per second: "
            + r.perSecond().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    Drain.TenantSpread spread = r.tenants();
    System.out.printf(
        Locale.ROOT,
        "   tenants: each tenant's deliveries went out over a median %.2f s (longest %.2f s);"
            + " at most %d of %d tenants, %.1f on average, had deliveries under way at once%n",
        spread.medianSpanSeconds(),
        spread.longestSpanSeconds(),
        spread.mostAtOnce(),
        tenants,
        spread.meanAtOnce());
    Stats s = r.sink();
    System.out.printf(
        Locale.ROOT,
        "   sink: %d answered 200, %d distinct ids, %d duplicates; rejected: %d bad signatures,"
            + " %d stale timestamps, %d wrong bodies, %d unknown endpoints; at most %d"
            + " connections open and %d requests under way at once%n",
        s.accepted(),
        s.distinct(),
        s.duplicates(),
        s.badSignatures(),
        s.staleTimestamps(),
        s.wrongContent(),
        s.unknownEndpoint(),
        s.maxConnections(),
        s.maxInFlight());
    long total = r.attemptCount();
    System.out.printf(
        Locale.ROOT,
        "   attempts logged during the drain: %d, by status %s%n",
        total,
        r.attemptStatuses());
    for (NodeAttempts a : r.attempts()) {
      System.out.printf(
          Locale.ROOT,
          "     %-12s %6d attempts (%4.1f %%), %d answered 2xx, %d deliveries; latency p50 %.0f ms,"
              + " p99 %.0f ms%n",
          a.node(),
          a.attempts(),
          total == 0 ? 0 : 100.0 * a.attempts() / total,
          a.succeeded(),
          a.deliveries(),
          a.latencyP50Ms(),
          a.latencyP99Ms());
    }
    System.out.println("   CPU over the drain: " + r.cpu().describeNodes(nodeNames));
    System.out.printf(
        Locale.ROOT,
        "   CPU per delivery: nodes %.2f ms, PostgreSQL %.2f ms, benchmark JVM with the sink %.2f"
            + " ms%n",
        r.cpuMillisPerDelivery(r.cpu().node()),
        r.cpuMillisPerDelivery(r.cpu().postgres()),
        r.cpuMillisPerDelivery(r.cpu().loadGenerator()));
    if (r.database() != null) {
      printDatabase(r.database(), r.backlog());
    }
    StatementStats.print(r.statements(), r.backlog(), "delivery");
    if (problems.isEmpty()) {
      System.out.println(
          "   checks: every signature verified; the sink's ids are exactly the ledger's entries;"
              + " every delivery delivered; the API lists none pending, failed or dead: PASS");
    } else {
      String bar = "!".repeat(100);
      System.out.println(bar);
      problems.forEach(p -> System.out.println("!!! " + p));
      System.out.println(bar);
    }
  }

  /** PostgreSQL's work per delivery: transactions, WAL, and row changes by table. */
  private static void printDatabase(Activity a, int backlog) {
    System.out.printf(
        Locale.ROOT,
        "   PostgreSQL per delivery: %.2f transactions committed, %.2f WAL flushes, %.1f WAL"
            + " records, %.0f bytes of WAL%n",
        (double) a.commits() / backlog,
        (double) a.walSyncs() / backlog,
        (double) a.walRecords() / backlog,
        (double) a.walBytes() / backlog);
    List<String> tables = new ArrayList<>();
    a.tables()
        .forEach(
            (name, t) ->
                tables.add(
                    String.format(
                        Locale.ROOT,
                        "%s +%.2f ~%.2f (HOT %.0f %%) -%.2f",
                        name,
                        (double) t.inserted() / backlog,
                        (double) t.updated() / backlog,
                        t.updated() == 0 ? 0 : 100.0 * t.hotUpdated() / t.updated(),
                        (double) t.deleted() / backlog)));
    System.out.println(
        "   rows per delivery, inserted + updated ~ deleted -: " + String.join("; ", tables));
  }

  /** The summary table of every round, and each round's checks. */
  static void printSummary(List<SyncRound> rounds) {
    System.out.printf(Locale.ROOT, "%n== Summary (%s)%n", Machine.line());
    String row = "  %-5s %-8s %-8s %-13s %-8s %-8s %-9s %-5s %-8s %-44s %s%n";
    System.out.printf(
        Locale.ROOT,
        row,
        "nodes",
        "backlog",
        "drain",
        "deliveries/s",
        "10-90 %",
        "warm-up",
        "attempts",
        "dups",
        "bad sig",
        "CPU nodes / pg / bench / irq / other / idle",
        "attempts by node");
    for (SyncRound round : rounds) {
      Drain r = round.measured();
      long total = r.attemptCount();
      CpuAccounting.Usage u = r.cpu();
      System.out.printf(
          Locale.ROOT,
          row,
          round.nodes(),
          r.backlog(),
          String.format(Locale.ROOT, "%.2f s", r.drainSeconds()),
          String.format(Locale.ROOT, "%.0f", r.perSecondOverall()),
          String.format(Locale.ROOT, "%.0f", r.steadyPerSecond()),
          round
              .warmup()
              .map(w -> String.format(Locale.ROOT, "%.0f", w.perSecondOverall()))
              .orElse("-"),
          total,
          r.sink().duplicates(),
          r.sink().badSignatures(),
          String.format(
              Locale.ROOT,
              "%.0f / %.0f / %.0f / %.0f / %.0f / %.0f %%",
              u.node(),
              u.postgres(),
              u.loadGenerator(),
              u.interrupts(),
              u.other(),
              u.idle()),
          r.attempts().stream()
              .map(
                  a ->
                      String.format(
                          Locale.ROOT,
                          "%s %.1f %%",
                          a.node(),
                          total == 0 ? 0 : 100.0 * a.attempts() / total))
              .collect(Collectors.joining(", ")));
    }
    for (SyncRound round : rounds) {
      System.out.printf(
          Locale.ROOT,
          "  %d node%s: %s%n",
          round.nodes(),
          round.nodes() == 1 ? "" : "s",
          round.problems().isEmpty() ? "checks PASS" : "PROBLEMS: " + round.problems());
    }
  }

  /**
   * The table to compare runs by: per round, the receiver's delay, deliveries per second, the
   * database's transactions per delivery, and the most requests the sink had under way at once.
   */
  static void printReceivers(List<SyncRound> rounds) {
    System.out.printf(Locale.ROOT, "%n== Drain by receiver%n");
    String row = "  %-5s %-9s %-8s %-13s %-8s %-14s %-12s %s%n";
    System.out.printf(
        Locale.ROOT,
        row,
        "nodes",
        "sink ms",
        "backlog",
        "deliveries/s",
        "10-90 %",
        "txn/delivery",
        "most at sink",
        "checks");
    for (SyncRound round : rounds) {
      Drain r = round.measured();
      System.out.printf(
          Locale.ROOT,
          row,
          round.nodes(),
          round.sinkDelayMs(),
          r.backlog(),
          String.format(Locale.ROOT, "%.0f", r.perSecondOverall()),
          String.format(Locale.ROOT, "%.0f", r.steadyPerSecond()),
          r.database() == null
              ? "-"
              : String.format(Locale.ROOT, "%.2f", (double) r.database().commits() / r.backlog()),
          r.sink().maxInFlight(),
          round.problems().isEmpty() ? "PASS" : "PROBLEMS");
    }
  }

  /**
   * The table of the steady flows: per round, the rate (a share of its drain rate) and the time
   * from a ledger entry's recording to the sink's 2xx, against the target of a p99 within a second;
   * and the fairness figures where a round measured them.
   */
  static void printFlows(List<SyncRound> rounds) {
    System.out.printf(Locale.ROOT, "%n== Steady flow: recording to the receiver's 2xx%n");
    String row = "  %-5s %-9s %-12s %-10s %-10s %-10s %-10s %s%n";
    System.out.printf(
        Locale.ROOT, row, "nodes", "sink ms", "rate", "entries", "p50", "p99", "max", "p99 <= 1 s");
    for (SyncRound round : rounds) {
      Latency f = round.flow();
      System.out.printf(
          Locale.ROOT,
          row,
          round.nodes(),
          round.sinkDelayMs(),
          String.format(Locale.ROOT, "%.0f/s", f.rate()),
          f.answered() + "/" + f.entries(),
          String.format(Locale.ROOT, "%.0f ms", f.p50Ms()),
          String.format(Locale.ROOT, "%.0f ms", f.p99Ms()),
          String.format(Locale.ROOT, "%.0f ms", f.maxMs()),
          f.p99Ms() <= 1000 && f.answered() == f.entries() ? "PASS" : "MISSED");
    }
    for (SyncRound round : rounds) {
      round.fairness().ifPresent(SyncRound::printFairness);
    }
  }

  private static void printFairness(SyncFairness.Result r) {
    RatioTable table =
        new RatioTable(
            "Fairness: the instant tenants' p99 beside other tenants, over their p99 alone",
            "  %-36s %-14s %-44s %-7s %s%n",
            "flow",
            "instant p99",
            "the other tenants");
    table.alone("instant tenants alone", String.format(Locale.ROOT, "%.0f ms", r.alone().p99Ms()));
    table.beside(
        "beside a " + SyncFairness.SLOW_MS + " ms receiver",
        String.format(Locale.ROOT, "%.0f ms", r.besideSlow().p99Ms()),
        String.format(
            Locale.ROOT,
            "p99 %.0f ms, %d/%d at the sink",
            r.slow().p99Ms(),
            r.slow().answered(),
            r.slow().entries()),
        r.slowRatio());
    table.beside(
        "beside a receiver answering 500",
        String.format(Locale.ROOT, "%.0f ms", r.besideFailing().p99Ms()),
        String.format(
            Locale.ROOT,
            "%d/%d answered 2xx during the flow",
            r.failing().answered(),
            r.failing().entries()),
        r.failingRatio());
  }
}
