package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;
import static io.paybridge.bench.Waits.sleepUntil;

import io.paybridge.bench.BenchDatabase.Rows;
import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.ServerStatistics.Activity;
import io.paybridge.bench.ServerStatistics.StatementStats;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The ingest benchmark's load phases against one node: each phase's webhooks built beforehand, sent
 * open loop, and measured against the database, the node's metrics and the CPU; a phase at a fixed
 * rate, and the search for the highest rate the node sustains.
 */
final class IngestPhases {

  /** Settling time at the start of each step of the max search, left out of its figures. */
  private static final int STEP_SETTLE_SECONDS = 3;

  /** A step is sustained if it acknowledged at least this share of what it offered. */
  private static final double SUSTAINED_SHARE = 0.97;

  private final BenchRun run;
  private final NodeProcess node;
  private final CpuAccounting cpu;
  private final OpenLoopLoad load;
  private final List<Tenant> tenants;
  private final List<UUID> tenantIds;
  private final Deliveries deliveries;
  private final long jobsBaseline;
  private final List<PhaseReport> reports = new ArrayList<>();
  private boolean mismatch;

  private IngestPhases(
      BenchRun run,
      NodeProcess node,
      CpuAccounting cpu,
      OpenLoopLoad load,
      List<Tenant> tenants,
      long jobsBaseline) {
    this.run = run;
    this.node = node;
    this.cpu = cpu;
    this.load = load;
    this.tenants = List.copyOf(tenants);
    this.tenantIds = tenants.stream().map(Tenant::id).toList();
    this.deliveries = new Deliveries(tenants, run.id());
    this.jobsBaseline = jobsBaseline;
  }

  /**
   * Signs up the run's tenants on {@code node} through the API, each with a Stripe account and a
   * signing secret of its own, and readies the phases that {@code load} sends to it.
   */
  static IngestPhases setUp(BenchRun run, NodeProcess node, CpuAccounting cpu, OpenLoopLoad load)
      throws Exception {
    long began = System.nanoTime();
    TenantSetup setup = new TenantSetup(run.vertx(), node.port(), run.id());
    List<Tenant> tenants;
    try {
      tenants = await(setup.create(run.settings().tenants()));
    } finally {
      setup.close();
    }
    IngestPhases phases =
        new IngestPhases(run, node, cpu, load, tenants, await(run.db().jobsWritten()));
    System.out.printf(
        Locale.ROOT,
        "%n%d tenants signed up, each with a Stripe account and signing secret of its own "
            + "(%.1f s)%n",
        tenants.size(),
        (System.nanoTime() - began) / 1e9);
    return phases;
  }

  /** The run's tenants, as signed up. */
  List<Tenant> tenants() {
    return tenants;
  }

  /** The reports of every phase so far. */
  List<PhaseReport> reports() {
    return reports;
  }

  /** Whether a phase recorded other rows than the webhooks it had acknowledged. */
  boolean mismatch() {
    return mismatch;
  }

  /** A warm-up of the settings' length, then the settings' measured seconds at {@code rate}. */
  PhaseReport fixedRate(int rate, String name) throws Exception {
    BenchSettings settings = run.settings();
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %d s warm-up, then %d s measured%n",
        name,
        settings.warmupSeconds(),
        settings.seconds());
    PhaseReport r = phase(name, rate, settings.warmupSeconds(), settings.seconds(), 0);
    r.print();
    return r;
  }

  /**
   * Steps the offered rate up from {@code start} by {@code step} until a step is not sustained (an
   * error, p99 over the bound, or less acknowledged than offered) twice in a row (one retry per
   * search), then tries once halfway between the last sustained step and the first that was not.
   */
  Optional<PhaseReport> maxSearch(Optional<Double> reference) throws Exception {
    BenchSettings settings = run.settings();
    int start =
        settings.maxStart() > 0
            ? settings.maxStart()
            : reference.map(r -> roundTo50(r * 0.5)).orElse(1000);
    int step =
        settings.maxStep() > 0
            ? settings.maxStep()
            : reference.map(r -> roundTo50(r / 8)).orElse(500);
    System.out.printf(
        Locale.ROOT,
        "%n== max: from %d/s up by %d/s, %d s per step after %d s settling; sustained = "
            + "no errors, p99 <= %d ms, >= %.0f %% of the offered rate acknowledged%n",
        start,
        step,
        settings.stepSeconds(),
        STEP_SETTLE_SECONDS,
        settings.maxP99Ms(),
        SUSTAINED_SHARE * 100);
    if (settings.warmupSeconds() > 0) {
      PhaseReport warm = phase("warm-up", start, 0, settings.warmupSeconds(), 0);
      System.out.printf(
          Locale.ROOT,
          "   warm-up at %d/s for %d s: p99 %.1f ms, %d errors (not counted)%n",
          start,
          settings.warmupSeconds(),
          warm.load().percentileMillis(99),
          warm.load().errorCount());
    }
    PhaseReport best = null;
    int failedAt = -1;
    int rate = start;
    boolean retried = false;
    for (int i = 0; i < settings.maxSteps(); i++, rate += step) {
      PhaseReport r = step(rate);
      if (!sustained(r) && !retried) {
        // One retry per search: a collector pause, a late JIT compilation or a neighbour's burst
        // should not end the search on its own.
        retried = true;
        r = step(rate);
      }
      if (!sustained(r)) {
        failedAt = rate;
        break;
      }
      best = r;
    }
    if (failedAt > 0 && step >= 100) {
      int middle =
          roundTo50(((best == null ? failedAt - step : best.load().targetRate()) + failedAt) / 2.0);
      if (middle > (best == null ? 0 : best.load().targetRate()) && middle < failedAt) {
        PhaseReport r = step(middle);
        if (sustained(r)) {
          best = r;
        }
      }
    }
    if (best == null) {
      System.out.println("   no step was sustained");
    } else {
      System.out.printf(
          Locale.ROOT,
          "   max sustained: %.0f webhooks/s acknowledged (offered %.0f/s), p99 %.1f ms%n",
          best.load().achievedPerSecond(),
          best.load().targetRate(),
          best.load().percentileMillis(99));
    }
    return Optional.ofNullable(best);
  }

  private PhaseReport step(int rate) throws Exception {
    // Two seconds of backlog mean the node is not keeping up: stop early rather than queue for
    // minutes.
    PhaseReport r =
        phase(
            "max " + rate + "/s",
            rate,
            STEP_SETTLE_SECONDS,
            run.settings().stepSeconds(),
            rate * 2);
    System.out.printf(
        Locale.ROOT,
        "   %5d/s offered: %7.0f/s acked, p50 %6.1f ms, p99 %7.1f ms, errors %d%s, "
            + "batch %.1f, CPU node %.0f%% pg %.0f%% loadgen %.0f%% other %.0f%%  %s%n",
        rate,
        r.load().achievedPerSecond(),
        r.load().percentileMillis(50),
        r.load().percentileMillis(99),
        r.load().errorCount(),
        r.load().aborted() ? " (backlog: stopped early)" : "",
        r.meanBatch(),
        r.cpu().node(),
        r.cpu().postgres(),
        r.cpu().loadGenerator(),
        r.cpu().other(),
        sustained(r) ? "sustained" : "NOT sustained");
    return r;
  }

  private boolean sustained(PhaseReport r) {
    PhaseResult l = r.load();
    return !l.aborted()
        && l.errorCount() == 0
        && l.achievedPerSecond() >= SUSTAINED_SHARE * l.targetRate()
        && l.percentileMillis(99) <= run.settings().maxP99Ms();
  }

  /**
   * One phase: builds its webhooks, counts rows before and after, reads the node's metrics and the
   * CPU split over the measured window, and checks recorded against acknowledged.
   */
  PhaseReport phase(String name, int rate, int warmupSeconds, int measuredSeconds, int backlogLimit)
      throws Exception {
    BenchSettings settings = run.settings();
    BenchDatabase db = run.db();
    ServerStatistics stats = db.statistics();
    int warmCount = (int) Math.round((double) rate * warmupSeconds);
    int total = warmCount + (int) Math.round((double) rate * measuredSeconds);
    List<Delivery> list = deliveries.next(total);
    // The bodies just built (hundreds of MB) would otherwise be copied out of the young generation
    // by the collector's first pauses during the phase, stalling the load generator by tens of
    // milliseconds each time; collect now, so they sit in the old generation before the clock runs.
    System.gc();
    Neighbours.awaitQuiet(cpu, settings.quietSeconds(), name);
    Rows before = await(db.rows(tenantIds));
    long jobsBefore = await(db.jobsWritten());
    NodeMetrics startMetrics = node.scrape();
    node.resetPeak();

    long t0 = System.nanoTime();
    Future<PhaseResult> running = load.run(name, list, rate, warmCount, backlogLimit);
    sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds));
    Snapshot cpuStart = cpu.take();
    NodeMetrics windowStart = warmupSeconds == 0 ? startMetrics : node.scrape();
    if (settings.pgStatements()) {
      await(stats.resetStatementStatistics());
    }
    Activity activityStart = await(stats.activity());
    sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds + measuredSeconds), running);
    Snapshot cpuEnd = cpu.take();
    Activity activity = await(stats.activity()).minus(activityStart);
    List<StatementStats> topStatements =
        settings.pgStatements() ? await(stats.topStatements(8)) : List.of();
    NodeMetrics windowEnd = node.scrape();
    PhaseResult result = running.await(settings.timeoutMs() + 60_000L, TimeUnit.MILLISECONDS);
    Rows after = await(db.rows(tenantIds));
    long jobsAfter = await(db.jobsWritten());
    if (!node.isAlive()) {
      throw new IllegalStateException(
          "the node died during "
              + name
              + "; see "
              + node.log()
              + "\n"
              + NodeProcess.tail(node.log(), 30));
    }
    double statements =
        windowEnd.sum("paybridge_ingest_batch_size_count")
            - windowStart.sum("paybridge_ingest_batch_size_count");
    double batched =
        windowEnd.sum("paybridge_ingest_batch_size_sum")
            - windowStart.sum("paybridge_ingest_batch_size_sum");
    PhaseReport report =
        new PhaseReport(
            result,
            after.minus(before),
            jobsAfter - jobsBefore,
            cpu.between(cpuStart, cpuEnd),
            statements > 0 ? batched / statements : Double.NaN,
            (long) statements,
            windowEnd.max("paybridge_ingest_latency_seconds", "quantile=\"0.99\"") * 1000,
            node.peakHeapBytes(),
            activity,
            topStatements);
    reports.add(report);
    String fileName = name.replaceAll("[^A-Za-z0-9]+", "-");
    Files.writeString(run.folder().resolve("metrics-" + fileName + ".txt"), windowEnd.text());
    Files.writeString(run.folder().resolve("timeline-" + fileName + ".tsv"), report.timelineTsv());
    Neighbours.warnIfDisturbed(report.cpu(), name, "its figures understate");
    if (!report.recordedMatches()) {
      mismatch = true;
      report.printMismatch();
    }
    return report;
  }

  /**
   * Jobs written since the tenants were set up, once PostgreSQL's statistics have caught up: the
   * node's backends report within about ten seconds of going idle, so this waits (up to 15 s) until
   * the count reaches the webhooks acknowledged, or stops moving.
   */
  long jobsWrittenSinceSetUp() throws Exception {
    long acked = reports.stream().mapToLong(r -> r.load().acknowledged()).sum();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    long written = await(run.db().jobsWritten()) - jobsBaseline;
    while (written < acked && System.nanoTime() < deadline) {
      TimeUnit.SECONDS.sleep(1);
      written = await(run.db().jobsWritten()) - jobsBaseline;
    }
    return written;
  }

  private static int roundTo50(double rate) {
    return (int) Math.max(50, Math.round(rate / 50) * 50);
  }
}
