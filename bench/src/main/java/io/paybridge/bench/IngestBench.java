package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;
import static io.paybridge.bench.Waits.sleepUntil;

import io.paybridge.bench.BenchSettings.Mode;
import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.CpuAccounting.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The ingest benchmark: a durable PostgreSQL, a Paybridge node in its own JVM (heap capped), many
 * tenants set up through the API, and open-loop load of unique signed Stripe webhooks, next to
 * pgbench running the equivalent insert on the same server. See {@code bench/README.md}.
 *
 * <p>This class is the sequential script of a run and its verdicts; the phases are {@link
 * IngestPhases}, the load itself is asynchronous, on one event loop ({@link OpenLoopLoad}). Every
 * process it starts is stopped at the end, on failure, and on Ctrl-C ({@link Teardown}).
 */
record IngestBench(BenchSettings settings, List<Figures> figures) implements BenchMain.Suite {

  /**
   * What a full run found, for the table that compares it with the sync benchmark's drain rates.
   *
   * @param reference the pgbench figure (or the reference rate standing in for it)
   * @param sustained the highest rate the node sustained, if any step was
   * @param fairness the fairness phases' figures, if they ran
   */
  record Figures(
      double reference, Optional<Double> sustained, Optional<IngestFairness.Result> fairness) {}

  IngestBench(BenchSettings settings) {
    this(settings, new ArrayList<>());
  }

  /**
   * Rate of the fixed-rate phase of a full run, as a share of the pgbench figure (the issue's
   * target).
   */
  private static final double TARGET_SHARE = 0.8;

  /** p99 the issue asks for at that rate. */
  static final double TARGET_P99_MS = 50;

  /** Heap the issue allows the node. */
  private static final double TARGET_HEAP_BYTES = 512.0 * 1024 * 1024;

  @Override
  public int run(Teardown teardown) throws Exception {
    printHeader();
    BenchRun run = BenchRun.open(settings, teardown, "", "node.log, pgbench.log");
    DatabaseTimeline dbTimeline = run.db().startTimeline(run.folder(), settings.pgWaits());
    teardown.add("stop the database timeline", dbTimeline::close);
    Map<String, String> env =
        run.nodeEnv(Map.of("PAYBRIDGE_DATA_DIR", run.folder().resolve("node-data").toString()));
    NodeProcess node = startNode(run, env);

    Optional<PgBench.Result> pgbench = Optional.empty();
    if (settings.mode() == Mode.PGBENCH || settings.mode() == Mode.FULL) {
      // The node has created the schema; it stops while pgbench runs, so that neither its idle
      // work nor its job workers (which would consume pgbench's jobs) take CPU from pgbench.
      node.close();
      pgbench = runPgBench(run, new CpuAccounting(-1, run.pg().postmasterPid()));
      if (settings.mode() == Mode.PGBENCH) {
        return 0;
      }
      await(run.db().reset());
      System.out.println(
          "ingest tables emptied and checkpointed; the platform starts from where pgbench started");
      node = startNode(run, env);
    }
    CpuAccounting cpu = new CpuAccounting(node.pid(), run.pg().postmasterPid());
    OpenLoopLoad load =
        new OpenLoopLoad(
            run.vertx(),
            run.vertx().getOrCreateContext(),
            node.port(),
            settings.connections(),
            settings.timeoutMs());
    teardown.add(
        "close the load generator's HTTP client", () -> load.close().await(10, TimeUnit.SECONDS));
    IngestPhases phases = IngestPhases.setUp(run, node, cpu, load);

    // The profile counts samples from the first measured phase on (after the full run's warm-up).
    Instant profileFrom = Instant.now();
    Optional<PhaseReport> best = Optional.empty();
    Optional<PhaseReport> atTarget = Optional.empty();
    Optional<PhaseReport> atTargetGrown = Optional.empty();
    double reference = pgbench.map(PgBench.Result::tps).orElse((double) settings.referenceTps());
    switch (settings.mode()) {
      case RATE ->
          atTarget =
              Optional.of(phases.fixedRate(settings.rate(), "rate " + settings.rate() + "/s"));
      case MAX -> best = phases.maxSearch(pgbench.map(PgBench.Result::tps));
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
          PhaseReport warm =
              phases.phase("jit warm-up", target / 2, 0, settings.warmupSeconds(), 0);
          System.out.printf(
              Locale.ROOT,
              "%n== warm-up of the fresh node at %d/s for %d s: p99 %.1f ms (not counted)%n",
              target / 2,
              settings.warmupSeconds(),
              warm.load().percentileMillis(99));
        }
        profileFrom = Instant.now();
        atTarget =
            Optional.of(
                phases.fixedRate(
                    target, "rate " + target + "/s (" + share + "), tables as pgbench had"));
        best = phases.maxSearch(Optional.of(reference));
        long rows = await(run.db().receiptCount());
        atTargetGrown =
            Optional.of(
                phases.fixedRate(
                    target,
                    "rate " + target + "/s (" + share + ") again, on " + rows + " receipts"));
      }
      default -> throw new IllegalStateException();
    }
    boolean mismatch = summary(phases, node, pgbench, reference, best, atTarget, atTargetGrown);
    Optional<IngestFairness.Result> fairness = Optional.empty();
    if (best.isPresent()) {
      // After the summary: its count of jobs written covers the phases above only.
      List<String> problems = new ArrayList<>();
      fairness =
          Optional.of(
              new IngestFairness(run, node)
                  .run(phases.tenants(), best.get().load().achievedPerSecond(), problems));
      fairness.get().print(problems);
      mismatch |= !problems.isEmpty();
    }
    figures.add(new Figures(reference, best.map(b -> b.load().achievedPerSecond()), fairness));
    if (settings.jfr()) {
      Path recording = run.folder().resolve("node.jfr");
      if (JfrProfile.dump(node.pid(), recording)) {
        JfrProfile.print(recording, profileFrom, 25);
      } else {
        System.out.println("node profile: jcmd JFR.dump failed; no profile");
      }
    }
    return mismatch ? 3 : 0;
  }

  /** Starts the node under test and waits until it is ready (its migrations applied). */
  private NodeProcess startNode(BenchRun run, Map<String, String> env)
      throws IOException, InterruptedException {
    long began = System.nanoTime();
    NodeProcess node =
        NodeProcess.launch(
            run.folder(),
            "node",
            settings.nodeHeap(),
            settings.jfr() ? List.of(JfrProfile.startOption()) : List.of(),
            env);
    run.teardown().add("stop the node", node::close);
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
    return node;
  }

  /**
   * PostgreSQL's own limit for the same write (the node is stopped meanwhile), with the CPU split
   * while pgbench's backends live; empty when pgbench is not installed.
   */
  private Optional<PgBench.Result> runPgBench(BenchRun run, CpuAccounting cpu)
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
    Neighbours.awaitQuiet(cpu, settings.quietSeconds(), "pgbench");
    PgBench.Running running =
        PgBench.start(
            program.get(),
            run.folder(),
            run.pg().connectOptions(),
            Deliveries.sampleBody(),
            settings.tenants(),
            settings.pgbenchClients(),
            settings.pgbenchThreads(),
            settings.pgbenchSeconds());
    run.teardown().add("stop pgbench", running::stop);
    // CPU is read while pgbench's backends live: once they exit, their time reaches the
    // postmaster's account only when it has reaped them, so a reading at the very end would miss
    // it.
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
    Neighbours.warnIfDisturbed(used, "pgbench", "its figure understates");
    return Optional.of(r);
  }

  private void printHeader() {
    Machine.printHeader("ingest", ", mode " + settings.mode().name().toLowerCase(Locale.ROOT));
    System.out.printf(
        Locale.ROOT,
        "load: %d tenants, %d connections, timeout %d ms%n",
        settings.tenants(),
        settings.connections(),
        settings.timeoutMs());
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

  /**
   * The summary against the targets: what pgbench, the max search and the fixed-rate phases
   * showed, the node's heap, and recorded rows against acknowledgements over the whole run (once
   * PostgreSQL's statistics have caught up); whether they differed anywhere.
   */
  private boolean summary(
      IngestPhases phases,
      NodeProcess node,
      Optional<PgBench.Result> pgbench,
      double reference,
      Optional<PhaseReport> best,
      Optional<PhaseReport> atTarget,
      Optional<PhaseReport> atTargetGrown)
      throws Exception {
    double liveHeap = node.heapAfterFullGc();
    long jobs = phases.jobsWrittenSinceSetUp();
    String refName = pgbench.isPresent() ? "pgbench" : "reference";
    System.out.printf(Locale.ROOT, "%n== Summary (%s)%n", Machine.line());
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
    List<PhaseReport> reports = phases.reports();
    long acked = reports.stream().mapToLong(r -> r.load().acknowledged()).sum();
    long receipts = reports.stream().mapToLong(r -> r.rows().receipts()).sum();
    long entries = reports.stream().mapToLong(r -> r.rows().ledgerEntries()).sum();
    boolean mismatch = phases.mismatch();
    if (jobs != acked) {
      mismatch = true;
      PhaseReport.printMismatch(
          "the whole run", acked, receipts, entries, jobs, "see the phases above");
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
    return mismatch;
  }
}
