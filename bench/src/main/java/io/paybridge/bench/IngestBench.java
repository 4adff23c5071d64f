package io.paybridge.bench;

import io.paybridge.bench.BenchDatabase.Rows;
import io.paybridge.bench.BenchSettings.Mode;
import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.CpuAccounting.Usage;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.TenantSetup.Tenant;
import io.paybridge.core.vault.MasterKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The ingest benchmark: a durable PostgreSQL, a Paybridge node in its own JVM (heap capped), many
 * tenants set up through the API, and open-loop load of unique signed Stripe webhooks, next to
 * pgbench running the equivalent insert on the same server. See {@code bench/README.md}.
 *
 * <p>This class is the sequential script of a run; the load itself is asynchronous, on one event
 * loop ({@link OpenLoopLoad}). Every process it starts is stopped at the end, on failure, and on
 * Ctrl-C ({@link Teardown}).
 */
final class IngestBench implements BenchMain.Suite {

  /**
   * Rate of the fixed-rate phase of a full run, as a share of the pgbench figure (the issue's
   * target).
   */
  private static final double TARGET_SHARE = 0.8;

  /** p99 the issue asks for at that rate. */
  private static final double TARGET_P99_MS = 50;

  /** Heap the issue allows the node. */
  private static final double TARGET_HEAP_BYTES = 512.0 * 1024 * 1024;

  /** Settling time at the start of each step of the max search, left out of its figures. */
  private static final int STEP_SETTLE_SECONDS = 3;

  /** A step is sustained if it acknowledged at least this share of what it offered. */
  private static final double SUSTAINED_SHARE = 0.97;

  private static final Duration DB_TIMEOUT = Duration.ofSeconds(60);

  /** CPU (percent of one core) used by unrelated processes above which a phase is flagged. */
  private static final double NOISY_NEIGHBOURS = 10;

  /** What one phase showed: the load generator's view, the database's and the node's. */
  record PhaseReport(
      PhaseResult load,
      Rows rows,
      long jobsWritten,
      Usage cpu,
      double meanBatch,
      long statements,
      double nodeP99Millis,
      double peakHeapBytes,
      BenchDatabase.Activity activity,
      List<BenchDatabase.StatementStats> topStatements) {

    boolean recordedMatches() {
      return rows.match(load.acknowledged());
    }
  }

  private final BenchSettings settings;
  private final Teardown teardown = new Teardown();
  private final String run = randomRunId();
  private final List<PhaseReport> reports = new ArrayList<>();
  private Path runFolder;
  private Vertx vertx;
  private NodeProcess node;
  private BenchDatabase db;
  private CpuAccounting cpu;
  private List<Tenant> tenants;
  private Deliveries deliveries;
  private OpenLoopLoad load;
  private boolean mismatch;
  private long jobsBaseline;

  IngestBench(BenchSettings settings) {
    this.settings = settings;
  }

  @Override
  public Teardown teardown() {
    return teardown;
  }

  @Override
  public int run() throws Exception {
    printMachine();
    runFolder = DurablePostgres.newRunFolder(settings.workDir(), "-" + run);
    System.out.println(
        "run folder: " + runFolder + " (node.log, pgbench.log; the cluster is deleted at the end)");

    DurablePostgres pg = DurablePostgres.start(runFolder, settings);
    teardown.add("stop PostgreSQL and delete its cluster", pg::close);
    vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).build();
    teardown.add(
        "close the load generator's Vert.x", () -> vertx.close().await(30, TimeUnit.SECONDS));
    db = BenchDatabase.openDurable(vertx, pg, settings);
    DatabaseTimeline dbTimeline = db.startTimeline(runFolder, settings.pgWaits());
    teardown.add("stop the database timeline", dbTimeline::close);

    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_DB_URL", pg.url());
    env.put("PAYBRIDGE_DATA_DIR", runFolder.resolve("node-data").toString());
    env.put("PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("bench"));
    // Only sign-up and token requests hash; a low work factor keeps the set-up of many tenants
    // short.
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "1000");
    env.putAll(settings.nodeEnv());
    teardown.add(
        "stop the node",
        () -> {
          if (node != null) {
            node.close();
          }
        });
    startNode(env);

    Optional<PgBench.Result> pgbench = Optional.empty();
    if (settings.mode() == Mode.PGBENCH || settings.mode() == Mode.FULL) {
      // The node has created the schema; it stops while pgbench runs, so that neither its idle
      // work nor its job workers (which would consume pgbench's jobs) take CPU from pgbench.
      node.close();
      node = null;
      cpu = new CpuAccounting(-1, pg.postmasterPid());
      pgbench = runPgBench(pg);
      if (settings.mode() == Mode.PGBENCH) {
        return 0;
      }
      await(db.reset());
      System.out.println(
          "ingest tables emptied and checkpointed; the platform starts from where pgbench started");
      startNode(env);
    }
    cpu = new CpuAccounting(node.pid(), pg.postmasterPid());
    Context loadContext = vertx.getOrCreateContext();
    load =
        new OpenLoopLoad(
            vertx, loadContext, node.port(), settings.connections(), settings.timeoutMs());
    teardown.add(
        "close the load generator's HTTP client", () -> load.close().await(10, TimeUnit.SECONDS));
    setUpTenants();

    Optional<PhaseReport> best = Optional.empty();
    Optional<PhaseReport> atTarget = Optional.empty();
    Optional<PhaseReport> atTargetGrown = Optional.empty();
    double reference = pgbench.map(PgBench.Result::tps).orElse((double) settings.referenceTps());
    switch (settings.mode()) {
      case RATE ->
          atTarget = Optional.of(fixedRate(settings.rate(), "rate " + settings.rate() + "/s"));
      case MAX -> best = maxSearch(pgbench.map(PgBench.Result::tps));
      case FULL -> {
        // The target rate is measured first, on the tables as pgbench found them (emptied and
        // checkpointed), as pgbench itself was: like is compared with like. The same rate runs
        // again after the max search, on tables that hold several times as many rows, and is
        // reported beside it.
        int target = (int) Math.round(reference * TARGET_SHARE);
        String share =
            "80 % of "
                + (pgbench.isPresent()
                    ? "pgbench"
                    : "the reference " + settings.referenceTps() + "/s");
        // The node is fresh (it was stopped while pgbench ran): at the target rate its cold JIT
        // builds a backlog of seconds that would still be draining when the clock starts. Half
        // the rate for the warm-up time compiles the hot path first, as the max search does.
        if (settings.warmupSeconds() > 0) {
          PhaseReport warm = phase("jit warm-up", target / 2, 0, settings.warmupSeconds(), 0);
          System.out.printf(
              Locale.ROOT,
              "%n== warm-up of the fresh node at %d/s for %d s: p99 %.1f ms (not counted)%n",
              target / 2,
              settings.warmupSeconds(),
              warm.load().percentileMillis(99));
        }
        atTarget =
            Optional.of(
                fixedRate(target, "rate " + target + "/s (" + share + "), tables as pgbench had"));
        best = maxSearch(Optional.of(reference));
        long rows = await(db.receiptCount());
        atTargetGrown =
            Optional.of(
                fixedRate(
                    target,
                    "rate " + target + "/s (" + share + ") again, on " + rows + " receipts"));
      }
      default -> throw new IllegalStateException();
    }
    double liveHeap = node.heapAfterFullGc();
    long jobs = jobsWrittenSinceSetUp();
    summary(pgbench, reference, best, atTarget, atTargetGrown, liveHeap, jobs);
    return mismatch ? 3 : 0;
  }

  /** Starts the node under test and waits until it is ready (its migrations applied). */
  private void startNode(Map<String, String> env) throws IOException, InterruptedException {
    long began = System.nanoTime();
    node = NodeProcess.launch(runFolder, settings.nodeHeap(), env);
    node.awaitReady(Duration.ofMinutes(2));
    node.startSampling();
    System.out.printf(
        Locale.ROOT,
        "node: pid %d, port %d, -Xmx%s, ready in %.1f s; settings %s%n",
        node.pid(),
        node.port(),
        settings.nodeHeap(),
        (System.nanoTime() - began) / 1e9,
        settings.nodeEnv().isEmpty() ? "(defaults)" : settings.nodeEnv());
  }

  // -----------------------------------------------------------------------------------------------
  // Phases

  private Optional<PgBench.Result> runPgBench(DurablePostgres pg)
      throws IOException, InterruptedException {
    Optional<Path> program = PgBench.find(settings.pgbench());
    if (program.isEmpty()) {
      System.out.println(
          "pgbench: not found ('"
              + settings.pgbench()
              + "'); install it with "
              + "'apt-get install postgresql-client' (Debian/Ubuntu) or point -Dbench.pgbench at it. Skipped; the "
              + "reference rate is the issue's "
              + settings.referenceTps()
              + "/s.");
      return Optional.empty();
    }
    System.out.printf(
        Locale.ROOT,
        "%n== pgbench: one-statement insert of receipt + ledger entry + job, %d clients, "
            + "%d threads, %d s, -M prepared -n%n",
        settings.pgbenchClients(),
        settings.pgbenchThreads(),
        settings.pgbenchSeconds());
    awaitQuiet("pgbench");
    PgBench.Running running =
        PgBench.start(
            program.get(),
            runFolder,
            pg.connectOptions(),
            Deliveries.sampleBody(),
            settings.tenants(),
            settings.pgbenchClients(),
            settings.pgbenchThreads(),
            settings.pgbenchSeconds());
    teardown.add("stop pgbench", running::stop);
    // CPU is read while pgbench's backends live: once they exit, their time reaches the
    // postmaster's
    // account only when it has reaped them, so a reading at the very end would miss it.
    long started = System.nanoTime();
    cpu.watchClient(running.pid());
    sleepUntil(started + TimeUnit.SECONDS.toNanos(Math.min(2, settings.pgbenchSeconds() / 4)));
    Snapshot before = cpu.take();
    sleepUntil(started + TimeUnit.SECONDS.toNanos(settings.pgbenchSeconds() - 1));
    Usage used = cpu.between(before, cpu.take());
    cpu.watchClient(-1);
    PgBench.Result r = running.await();
    System.out.printf(
        Locale.ROOT,
        "   tps %.0f (%d transactions, %d failed), mean latency %.1f ms%n",
        r.tps(),
        r.transactions(),
        r.failed(),
        r.latencyMillis());
    System.out.println("   CPU: " + used.describe());
    if (used.other() > NOISY_NEIGHBOURS) {
      System.out.printf(
          Locale.ROOT,
          "   WARNING: other processes used %.0f%% of a core during pgbench: its figure understates"
              + " what this machine can do%n",
          used.other());
    }
    return Optional.of(r);
  }

  private void setUpTenants() throws Exception {
    long began = System.nanoTime();
    TenantSetup setup = new TenantSetup(vertx, node.port(), run);
    try {
      tenants = await(setup.create(settings.tenants()));
    } finally {
      setup.close();
    }
    deliveries = new Deliveries(tenants, run);
    jobsBaseline = await(db.jobsWritten());
    System.out.printf(
        Locale.ROOT,
        "%n%d tenants signed up, each with a Stripe account and signing secret of its own "
            + "(%.1f s)%n",
        tenants.size(),
        (System.nanoTime() - began) / 1e9);
  }

  private PhaseReport fixedRate(int rate, String name) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %d s warm-up, then %d s measured%n",
        name,
        settings.warmupSeconds(),
        settings.seconds());
    PhaseReport r = phase(name, rate, settings.warmupSeconds(), settings.seconds(), 0);
    print(r);
    return r;
  }

  /**
   * Steps the offered rate up from {@code start} by {@code step} until a step is not sustained (an
   * error, p99 over the bound, or less acknowledged than offered) twice in a row (one retry per
   * search), then tries once halfway between the last sustained step and the first that was not.
   */
  private Optional<PhaseReport> maxSearch(Optional<Double> reference) throws Exception {
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
        phase("max " + rate + "/s", rate, STEP_SETTLE_SECONDS, settings.stepSeconds(), rate * 2);
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
        && l.percentileMillis(99) <= settings.maxP99Ms();
  }

  /**
   * One phase: builds its webhooks, counts rows before and after, reads the node's metrics and the
   * CPU split over the measured window, and checks recorded against acknowledged.
   */
  private PhaseReport phase(
      String name, int rate, int warmupSeconds, int measuredSeconds, int backlogLimit)
      throws Exception {
    int warmCount = (int) Math.round((double) rate * warmupSeconds);
    int total = warmCount + (int) Math.round((double) rate * measuredSeconds);
    List<Delivery> list = deliveries.next(total);
    // The bodies just built (hundreds of MB) would otherwise be copied out of the young generation
    // by the collector's first pauses during the phase, stalling the load generator by tens of
    // milliseconds each time; collect now, so they sit in the old generation before the clock runs.
    System.gc();
    List<UUID> ids = tenants.stream().map(Tenant::id).toList();
    awaitQuiet(name);
    Rows before = await(db.rows(ids));
    long jobsBefore = await(db.jobsWritten());
    NodeMetrics startMetrics = node.scrape();
    node.resetPeak();

    long t0 = System.nanoTime();
    Future<PhaseResult> running = load.run(name, list, rate, warmCount, backlogLimit);
    sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds));
    Snapshot cpuStart = cpu.take();
    NodeMetrics windowStart = warmupSeconds == 0 ? startMetrics : node.scrape();
    if (settings.pgStatements()) {
      await(db.resetStatementStatistics());
    }
    BenchDatabase.Activity activityStart = await(db.activity());
    sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds + measuredSeconds), running);
    Snapshot cpuEnd = cpu.take();
    BenchDatabase.Activity activity = await(db.activity()).minus(activityStart);
    List<BenchDatabase.StatementStats> topStatements =
        settings.pgStatements() ? await(db.topStatements(8)) : List.of();
    NodeMetrics windowEnd = node.scrape();
    PhaseResult result = running.await(settings.timeoutMs() + 60_000L, TimeUnit.MILLISECONDS);
    Rows after = await(db.rows(ids));
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
    Files.writeString(runFolder.resolve("metrics-" + fileName + ".txt"), windowEnd.text());
    Files.writeString(
        runFolder.resolve("timeline-" + fileName + ".tsv"), timelineTsv(result.timeline()));
    if (report.cpu().other() > NOISY_NEIGHBOURS) {
      System.out.printf(
          Locale.ROOT,
          "   WARNING: other processes used %.0f%% of a core during %s: its figures understate"
              + " what this machine can do%n",
          report.cpu().other(),
          name);
    }
    if (!report.recordedMatches()) {
      mismatch = true;
      printMismatch(report);
    }
    return report;
  }

  /**
   * On a shared machine, waits (up to {@code bench.quietSeconds}) until processes other than the
   * benchmark's own use under {@value #NOISY_NEIGHBOURS} % of a core, so a neighbour's burst does
   * not land in a phase.
   */
  private void awaitQuiet(String name) throws InterruptedException {
    if (settings.quietSeconds() <= 0) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.quietSeconds());
    double other;
    do {
      Snapshot a = cpu.take();
      TimeUnit.SECONDS.sleep(2);
      other = cpu.between(a, cpu.take()).other();
    } while (other > NOISY_NEIGHBOURS && System.nanoTime() < deadline);
    if (other > NOISY_NEIGHBOURS) {
      System.out.printf(
          Locale.ROOT,
          "   (other processes still use %.0f%% of a core; %s starts anyway)%n",
          other,
          name);
    }
  }

  /**
   * Jobs written since the tenants were set up, once PostgreSQL's statistics have caught up: the
   * node's backends report within about ten seconds of going idle, so this waits (up to 15 s) until
   * the count reaches the webhooks acknowledged, or stops moving.
   */
  private long jobsWrittenSinceSetUp() throws Exception {
    long acked = reports.stream().mapToLong(r -> r.load().acknowledged()).sum();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    long written = await(db.jobsWritten()) - jobsBaseline;
    while (written < acked && System.nanoTime() < deadline) {
      TimeUnit.SECONDS.sleep(1);
      written = await(db.jobsWritten()) - jobsBaseline;
    }
    return written;
  }

  // -----------------------------------------------------------------------------------------------
  // Output

  private void print(PhaseReport r) {
    PhaseResult l = r.load();
    System.out.printf(
        Locale.ROOT,
        "   offered %d webhooks at %.0f/s; acknowledged %.0f/s over the %.0f s measured%n",
        l.offered(),
        l.targetRate(),
        l.achievedPerSecond(),
        l.measuredSeconds());
    System.out.printf(
        Locale.ROOT,
        "   latency, intended send to 2xx: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, "
            + "max %.1f ms (%d answers)%n",
        l.percentileMillis(50),
        l.percentileMillis(90),
        l.percentileMillis(99),
        l.percentileMillis(99.9),
        l.maxMillis(),
        l.latency().getTotalCount());
    System.out.println(
        "   errors: " + errors(l) + (l.aborted() ? " (stopped early: backlog)" : ""));
    System.out.printf(
        Locale.ROOT,
        "   node: %.1f webhooks per statement (%d statements), node-side p99 %.1f ms, heap peak "
            + "%.0f MB; load generator fell behind by at most %.1f ms%n",
        r.meanBatch(),
        r.statements(),
        r.nodeP99Millis(),
        r.peakHeapBytes() / 1048576,
        l.maxSendLagMicros() / 1000.0);
    System.out.println("   CPU over the measured window: " + r.cpu().describe());
    System.out.println("   " + describeTimeline(l.timeline()));
    double answered = Math.max(1, l.achievedPerSecond() * l.measuredSeconds());
    System.out.printf(
        Locale.ROOT,
        "   database over the measured window: %.3f commits and %.0f bytes of WAL per 2xx,"
            + " %.0f WAL flushes/s%s%n",
        r.activity().commits() / answered,
        r.activity().walBytes() / answered,
        r.activity().walSyncs() / l.measuredSeconds(),
        r.activity().walSyncMillis() > 0
            ? String.format(
                Locale.ROOT,
                " taking %.2f ms each on average",
                r.activity().walSyncMillis() / Math.max(1, r.activity().walSyncs()))
            : "");
    BenchDatabase.StatementStats.print(r.topStatements(), (long) answered, "2xx");
    System.out.printf(
        Locale.ROOT,
        "   rows: %d receipts, %d ledger entries for %d acknowledged: %s (jobs written: %d, as"
            + " PostgreSQL's statistics tell so far)%n",
        r.rows().receipts(),
        r.rows().ledgerEntries(),
        l.acknowledged(),
        r.recordedMatches() ? "recorded == acknowledged" : "MISMATCH",
        r.jobsWritten());
  }

  /**
   * Whether the tail is spread evenly or comes from a few bad seconds: how many seconds of the
   * measured window had their own p99 over the target, and the worst of them.
   */
  private static String describeTimeline(List<OpenLoopLoad.Second> all) {
    List<OpenLoopLoad.Second> timeline =
        all.stream().filter(OpenLoopLoad.Second::measured).toList();
    List<OpenLoopLoad.Second> over =
        timeline.stream().filter(s -> s.p99Millis() > TARGET_P99_MS).toList();
    String worst =
        timeline.stream()
            .filter(s -> s.answered() > 0)
            .sorted(Comparator.comparingDouble(OpenLoopLoad.Second::p99Millis).reversed())
            .limit(3)
            .map(
                s ->
                    String.format(
                        Locale.ROOT,
                        "s%d p99 %.0f ms max %.0f ms, %d awaiting",
                        s.second(),
                        s.p99Millis(),
                        s.maxMillis(),
                        s.outstandingAtEnd()))
            .collect(Collectors.joining("; "));
    return String.format(
        Locale.ROOT,
        "seconds with their own p99 over %.0f ms: %d of %d; worst: %s (timeline-*.tsv in the run"
            + " folder)",
        TARGET_P99_MS,
        over.size(),
        timeline.size(),
        worst);
  }

  private static String timelineTsv(List<OpenLoopLoad.Second> timeline) {
    StringBuilder out =
        new StringBuilder(
            "second\tutc\tmeasured\tanswered\tp50_ms\tp99_ms\tmax_ms\tsend_lag_ms\tawaiting\n");
    for (OpenLoopLoad.Second s : timeline) {
      out.append(
          String.format(
              Locale.ROOT,
              "%d\t%s\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%d%n",
              s.second(),
              DateTimeFormatter.ISO_LOCAL_TIME.format(
                  s.at().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)),
              s.measured() ? "yes" : "warm-up",
              s.answered(),
              s.p50Millis(),
              s.p99Millis(),
              s.maxMillis(),
              s.sendLagMillis(),
              s.outstandingAtEnd()));
    }
    return out.toString();
  }

  private static String errors(PhaseResult l) {
    if (l.errorCount() == 0) {
      return "none";
    }
    String s =
        l.errors().entrySet().stream()
            .map(e -> e.getKey() + " x" + e.getValue())
            .collect(Collectors.joining(", "));
    return l.unanswered() > 0 ? s + (s.isEmpty() ? "" : ", ") + "unanswered x" + l.unanswered() : s;
  }

  private static void printMismatch(PhaseReport r) {
    printMismatch(
        r.load().name(),
        r.load().acknowledged(),
        r.rows().receipts(),
        r.rows().ledgerEntries(),
        -1,
        errors(r.load()));
  }

  /** A loud banner: recorded and acknowledged differ ({@code jobs} < 0: not compared). */
  private static void printMismatch(
      String where, long acked, long receipts, long entries, long jobs, String errors) {
    String bar = "!".repeat(100);
    System.out.println(bar);
    System.out.printf(
        Locale.ROOT,
        "!!! MISMATCH in %s: %d webhooks acknowledged, but %d receipts, %d ledger entries%s%n",
        where,
        acked,
        receipts,
        entries,
        jobs < 0 ? "" : ", " + jobs + " jobs recorded");
    if (receipts < acked || entries < acked || (jobs >= 0 && jobs < acked)) {
      System.out.println(
          "!!! ACKNOWLEDGED WEBHOOKS ARE MISSING FROM THE DATABASE: durability is broken");
    } else {
      System.out.println(
          "!!! more rows than acknowledgements: webhooks committed whose answer was lost ("
              + errors
              + "); the gateway would retry them and be answered as duplicates");
    }
    System.out.println(bar);
  }

  private static void targetRow(String row, PhaseReport t, String label) {
    System.out.printf(
        Locale.ROOT,
        row,
        String.format(Locale.ROOT, "ingest at %.0f/s%s", t.load().targetRate(), label),
        String.format(
            Locale.ROOT,
            "p50 %.1f ms, p99 %.1f ms, %.0f/s acked, %d err",
            t.load().percentileMillis(50),
            t.load().percentileMillis(99),
            t.load().achievedPerSecond(),
            t.load().errorCount()),
        "p99 < " + (int) TARGET_P99_MS + " ms, no errors",
        t.load().percentileMillis(99) < TARGET_P99_MS && t.load().errorCount() == 0
            ? "PASS"
            : "FAIL");
  }

  private void summary(
      Optional<PgBench.Result> pgbench,
      double reference,
      Optional<PhaseReport> best,
      Optional<PhaseReport> atTarget,
      Optional<PhaseReport> atTargetGrown,
      double liveHeap,
      long jobs) {
    String refName = pgbench.isPresent() ? "pgbench" : "reference";
    System.out.printf(Locale.ROOT, "%n== Summary (%s)%n", machineLine());
    String row = "  %-68s %-44s %-22s %s%n";
    System.out.printf(Locale.ROOT, row, "measure", "result", "target", "verdict");
    pgbench.ifPresent(
        p ->
            System.out.printf(
                Locale.ROOT,
                row,
                "pgbench, 1-statement insert, " + settings.pgbenchClients() + " clients",
                String.format(Locale.ROOT, "%.0f tps", p.tps()),
                "",
                ""));
    best.ifPresent(
        b ->
            System.out.printf(
                Locale.ROOT,
                row,
                "ingest, max sustained (p99 <= " + settings.maxP99Ms() + " ms, no errors)",
                String.format(
                    Locale.ROOT,
                    "%.0f webhooks/s (%.0f %% of %s)",
                    b.load().achievedPerSecond(),
                    100 * b.load().achievedPerSecond() / reference,
                    refName),
                String.format(Locale.ROOT, ">= %.0f/s", reference),
                b.load().achievedPerSecond() >= reference ? "PASS" : "SHORT"));
    if (settings.mode() == Mode.MAX || settings.mode() == Mode.FULL) {
      if (best.isEmpty()) {
        System.out.printf(
            Locale.ROOT,
            row,
            "ingest, max sustained",
            "no step sustained",
            String.format(Locale.ROOT, ">= %.0f/s", reference),
            "SHORT");
      }
    }
    String share = settings.mode() == Mode.FULL ? " (80 % of " + refName + ")" : "";
    atTarget.ifPresent(
        t ->
            targetRow(
                row,
                t,
                share + (atTargetGrown.isPresent() ? ", tables as " + refName + " had" : "")));
    atTargetGrown.ifPresent(t -> targetRow(row, t, share + ", again after the max search"));
    double peak = node.runPeakHeapBytes();
    System.out.printf(
        Locale.ROOT,
        row,
        "node heap (-Xmx" + settings.nodeHeap() + ")",
        String.format(
            Locale.ROOT,
            "peak %.0f MB in use, %.0f MB live after full GC",
            peak / 1048576,
            liveHeap / 1048576),
        "< 512 MB",
        peak < TARGET_HEAP_BYTES && node.isAlive() ? "PASS" : "FAIL");
    long acked = reports.stream().mapToLong(r -> r.load().acknowledged()).sum();
    long receipts = reports.stream().mapToLong(r -> r.rows().receipts()).sum();
    long entries = reports.stream().mapToLong(r -> r.rows().ledgerEntries()).sum();
    if (jobs != acked) {
      mismatch = true;
      printMismatch("the whole run", acked, receipts, entries, jobs, "see the phases above");
    }
    System.out.printf(
        Locale.ROOT,
        row,
        "receipts / ledger entries / jobs vs 2xx (all phases)",
        String.format(Locale.ROOT, "%d / %d / %d for %d", receipts, entries, jobs, acked),
        "equal",
        mismatch ? "MISMATCH" : "PASS");
    atTarget.ifPresent(
        t ->
            System.out.println(
                "  CPU at " + Math.round(t.load().targetRate()) + "/s: " + t.cpu().describe()));
  }

  private void printMachine() {
    System.out.println(
        "== Paybridge ingest benchmark, "
            + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + ", mode "
            + settings.mode().name().toLowerCase(Locale.ROOT));
    System.out.println(
        "machine: "
            + machineLine()
            + "; "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version"));
    System.out.printf(
        Locale.ROOT,
        "load: %d tenants, %d connections, timeout %d ms%n",
        settings.tenants(),
        settings.connections(),
        settings.timeoutMs());
  }

  /** Cores, CPU model and memory of this machine, in one line. */
  static String machineLine() {
    String model = "unknown CPU";
    double memGiB = Double.NaN;
    try {
      model =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .orElse(model);
      memGiB =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .findFirst()
              .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0)
              .orElse(Double.NaN);
    } catch (IOException | RuntimeException e) {
      // Reported as unknown.
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB",
        Runtime.getRuntime().availableProcessors(),
        model,
        memGiB);
  }

  // -----------------------------------------------------------------------------------------------
  // Helpers

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(DB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    sleepUntil(nanoTime, null);
  }

  /**
   * Waits until {@code nanoTime}, or until {@code phase} completes (an aborted phase ends early).
   */
  private static void sleepUntil(long nanoTime, Future<?> phase) throws InterruptedException {
    while (true) {
      long left = nanoTime - System.nanoTime();
      if (left <= 0 || (phase != null && phase.isComplete())) {
        return;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }

  private static int roundTo50(double rate) {
    return (int) Math.max(50, Math.round(rate / 50) * 50);
  }

  /** Six random letters and digits that tell a run's tenants, ids and folder from others'. */
  static String randomRunId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
