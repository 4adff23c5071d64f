package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;
import static io.paybridge.bench.Waits.sleepUntil;

import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.CpuAccounting.Usage;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.ServerStatistics.Activity;
import io.paybridge.bench.ServerStatistics.StatementStats;
import io.paybridge.bench.SyncProgress.NodeAttempts;
import io.paybridge.bench.SyncSink.Stats;
import io.paybridge.bench.SyncTargets.Target;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The cycles of a sync round on the nodes of {@code cluster}, whose CPU {@code cpu} accounts, each
 * for one set of tenants: a backlog of signed Stripe webhooks posted while the sink answers 410, so
 * that every delivery ends parked behind a disabled target; then the timed drain, the sink
 * answering 200 and every target enabled through the API.
 */
record DrainCycle(BenchRun run, SyncSink sink, NodeCluster cluster, CpuAccounting cpu) {

  /** Statistics need this long after work stops to be complete (idle backends flush at 10 s). */
  private static final Duration STATS_LAG = Duration.ofSeconds(11);

  /**
   * One backlog and its drain: the clock runs from the first enable request until the sink has seen
   * every id and the database shows every delivery delivered and every job done. Checks go to
   * {@code problems}; a {@code measured} drain prints its progress and reads the database's work.
   */
  Drain run(
      String label,
      List<Tenant> tenants,
      List<Target> targets,
      int backlog,
      boolean measured,
      List<String> problems)
      throws Exception {
    BenchSettings settings = run.settings();
    SyncProgress sync = run.db().sync();
    ServerStatistics stats = run.db().statistics();
    List<UUID> ids = tenants.stream().map(Tenant::id).toList();
    CycleWaits waits = new CycleWaits(sync, sink, cluster);

    // Backlog: every delivery ends parked behind a disabled target.
    await(sink.reset());
    await(sink.answerWith(410));
    long attemptsAtStart = await(sync.lastAttemptId());
    postBacklog(tenants, backlog, label);
    waits.parked(ids, backlog);
    long parkedAt = System.nanoTime();
    Stats gone = await(sink.stats());
    long attemptsBeforeDrain = await(sync.lastAttemptId());
    Map<String, Long> backlogAttempts =
        await(sync.attemptStatuses(ids, attemptsAtStart, attemptsBeforeDrain));
    System.out.printf(
        Locale.ROOT,
        "   the sink answered 410 to %d deliveries (attempts by status: %s); the rest were parked"
            + " without an attempt. Rejected by the sink: %d%n",
        gone.gone(),
        backlogAttempts,
        gone.rejected());
    if (gone.rejected() > 0) {
      problems.add(gone.rejected() + " deliveries rejected by the sink while it answered 410");
    }
    long settleBegan = System.nanoTime();
    await(sync.settle());
    System.out.printf(
        Locale.ROOT,
        "   VACUUM (ANALYZE) and CHECKPOINT before the drain (%.1f s)%n",
        (System.nanoTime() - settleBegan) / 1e9);
    if (measured) {
      // The statistics read at the start must include all of the backlog's work.
      sleepUntil(parkedAt + STATS_LAG.toNanos());
    }
    Neighbours.awaitQuiet(cpu, settings.quietSeconds(), "the drain");

    // Drain, timed.
    await(sink.reset());
    await(sink.answerWith(200));
    Future<Long> allSeen = sink.whenDistinct(backlog);
    SyncTargets api = new SyncTargets(run.vertx());
    try {
      if (measured && settings.pgStatements()) {
        await(stats.resetStatementStatistics());
      }
      Activity activityStart = await(stats.activity());
      Snapshot cpuStart = cpu.take();
      long start = System.nanoTime();
      List<Future<Void>> enabling = new ArrayList<>();
      for (int i = 0; i < tenants.size(); i++) {
        enabling.add(
            api.enable(
                cluster.node(i % cluster.size()).port(), tenants.get(i), targets.get(i).id()));
      }
      await(Future.all(enabling));
      System.out.printf(
          Locale.ROOT,
          "   drain: the sink answers 200; %d targets enabled through the API in %.0f ms%n",
          tenants.size(),
          (System.nanoTime() - start) / 1e6);
      long sinkDone = waits.sinkSawAll(allSeen, start, backlog, ids, measured);
      long dbDone = waits.delivered(ids, backlog);
      Snapshot cpuEnd = cpu.take();
      List<StatementStats> statements =
          measured && settings.pgStatements() ? await(stats.topStatements(12)) : List.of();
      Drain.TenantSpread spread = Drain.TenantSpread.of(await(sync.deliverySpans(ids)));

      // Figures and checks, after the clock stopped.
      long attemptsAfter = await(sync.lastAttemptId());
      List<NodeAttempts> attempts = await(sync.attempts(ids, attemptsBeforeDrain, attemptsAfter));
      Map<String, Long> statuses =
          await(sync.attemptStatuses(ids, attemptsBeforeDrain, attemptsAfter));
      Stats seen = await(sink.stats());
      long[] firstSeen = await(sink.firstSeenNanos());
      DrainChecks checks = new DrainChecks(sync, sink, cluster);
      checks.bySinkAndDatabase(problems, ids, seen, backlog);
      checks.byApi(problems, api, tenants);
      Usage used = cpu.between(cpuStart, cpuEnd);
      Neighbours.warnIfDisturbed(used, "the drain", "its figures understate");
      Activity activity = null;
      if (measured) {
        sleepUntil(dbDone + STATS_LAG.toNanos());
        activity = await(stats.activity()).minus(activityStart);
      }
      return new Drain(
          backlog,
          backlogAttempts,
          (dbDone - start) / 1e9,
          (sinkDone - start) / 1e9,
          firstSeen.length == 0 ? Double.NaN : (firstSeen[0] - start) / 1e6,
          Drain.steadyRate(firstSeen),
          Drain.perSecond(firstSeen, start),
          seen,
          attempts,
          statuses,
          used,
          activity,
          statements,
          spread);
    } finally {
      api.close();
    }
  }

  /**
   * Posts the backlog's signed Stripe webhooks, open loop at {@code bench.syncRate}, spread evenly
   * over the nodes as a load balancer would. Every one must be acknowledged.
   */
  private void postBacklog(List<Tenant> tenants, int backlog, String label) throws Exception {
    BenchSettings settings = run.settings();
    System.out.printf(
        Locale.ROOT,
        "   backlog: %d signed Stripe webhooks at %d/s, spread over %d node%s%n",
        backlog,
        settings.syncRate(),
        cluster.size(),
        cluster.size() == 1 ? "" : "s");
    List<Delivery> all = new Deliveries(tenants, run.id() + label).next(backlog);
    NodeLoads.postAll(run, cluster, all, settings.syncRate(), "backlog");
  }
}
