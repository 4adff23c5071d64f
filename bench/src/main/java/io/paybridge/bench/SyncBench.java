package io.paybridge.bench;

import io.paybridge.bench.BenchDatabase.Activity;
import io.paybridge.bench.BenchDatabase.NodeAttempts;
import io.paybridge.bench.BenchDatabase.StatementStats;
import io.paybridge.bench.BenchDatabase.SyncState;
import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.CpuAccounting.Usage;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.SyncSink.Stats;
import io.paybridge.bench.SyncTargets.Target;
import io.paybridge.bench.TenantSetup.Tenant;
import io.paybridge.core.vault.MasterKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The sync benchmark: how many deliveries per second the platform makes to tenants' webhook
 * endpoints, with one node and with several clustered nodes, on a durable PostgreSQL. See {@code
 * bench/README.md}.
 *
 * <p>Each round starts its nodes and runs two cycles, an untimed warm-up and the measured one. A
 * cycle sets up fresh tenants through the API (a Stripe account and a webhook target each, pointing
 * at the {@link SyncSink} in this JVM), and then:
 *
 * <ol>
 *   <li><b>backlog</b>: the sink answers 410, so the platform disables every target and parks its
 *       deliveries; signed Stripe webhooks are posted until the database holds a parked delivery
 *       job for every one of them;
 *   <li><b>drain</b> (timed): the sink answers 200 and every target is enabled through the API,
 *       which makes all parked deliveries due at once; the clock stops when the sink has verified
 *       every message id and the database shows every delivery delivered and every job done.
 * </ol>
 *
 * Every process it starts is stopped at the end, on failure, and on Ctrl-C ({@link Teardown}).
 */
final class SyncBench implements BenchMain.Suite {

  private static final Duration DB_TIMEOUT = Duration.ofSeconds(60);

  /** How long the nodes of a round may take to start and, clustered, to see each other. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** How long, once posted, the backlog may take to be fanned out and parked. */
  private static final Duration PARK_TIMEOUT = Duration.ofMinutes(5);

  /** The drain fails if the sink sees no new id for this long. */
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  /** How long after the sink saw the last id the database may take to show it all done. */
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

  /** CPU (percent of one core) used by unrelated processes above which a drain is flagged. */
  private static final double NOISY_NEIGHBOURS = 10;

  /** Statistics need this long after work stops to be complete (idle backends flush at 10 s). */
  private static final Duration STATS_LAG = Duration.ofSeconds(11);

  /** What one drain showed: its clock, the sink's view, the database's, and the CPU split. */
  record Drain(
      int backlog,
      Map<String, Long> backlogAttempts,
      double drainSeconds,
      double sinkSeconds,
      double firstDeliveryMillis,
      double steadyPerSecond,
      List<Long> perSecond,
      Stats sink,
      List<NodeAttempts> attempts,
      Map<String, Long> attemptStatuses,
      Usage cpu,
      Activity database,
      List<StatementStats> statements,
      TenantSpread tenants) {

    double perSecondOverall() {
      return backlog / drainSeconds;
    }

    long attemptCount() {
      return attempts.stream().mapToLong(NodeAttempts::attempts).sum();
    }

    /** CPU time per delivery of a share of the CPU (percent of a core) over the drain. */
    double cpuMillisPerDelivery(double percent) {
      return percent / 100 * drainSeconds * 1000 / backlog;
    }
  }

  /**
   * How the drain went over the tenants: how long each tenant's deliveries took from its first to
   * its last (median and longest), and how many tenants had deliveries under way at once (most, and
   * on average over the drain). Served side by side, each tenant's span is close to the whole
   * drain; served one after another, it is a fraction of it.
   */
  record TenantSpread(
      double medianSpanSeconds, double longestSpanSeconds, int mostAtOnce, double meanAtOnce) {

    static TenantSpread of(List<double[]> spans) {
      if (spans.isEmpty()) {
        return new TenantSpread(Double.NaN, Double.NaN, 0, Double.NaN);
      }
      double[] lengths = spans.stream().mapToDouble(s -> s[1] - s[0]).sorted().toArray();
      double from = spans.stream().mapToDouble(s -> s[0]).min().orElseThrow();
      double to = spans.stream().mapToDouble(s -> s[1]).max().orElseThrow();
      int most = 0;
      for (double[] s : spans) {
        int at = 0;
        for (double[] o : spans) {
          if (o[0] <= s[0] && s[0] <= o[1]) {
            at++;
          }
        }
        most = Math.max(most, at);
      }
      double total = 0;
      for (double l : lengths) {
        total += l;
      }
      return new TenantSpread(
          lengths[lengths.length / 2],
          lengths[lengths.length - 1],
          most,
          to > from ? total / (to - from) : Double.NaN);
    }
  }

  /** One node count: the warm-up drain (if any), the measured one, and what did not hold. */
  record Round(
      int nodes,
      List<String> nodeNames,
      Optional<Drain> warmup,
      Drain measured,
      List<String> problems) {}

  private final BenchSettings settings;
  private final Teardown teardown = new Teardown();
  private final String run = IngestBench.randomRunId();
  private final String masterKey = MasterKeys.generateSpec("bench");
  private Path runFolder;
  private DurablePostgres pg;
  private Vertx vertx;
  private BenchDatabase db;
  private SyncSink sink;

  SyncBench(BenchSettings settings) {
    this.settings = settings;
  }

  @Override
  public Teardown teardown() {
    return teardown;
  }

  @Override
  public int run() throws Exception {
    printHeader();
    runFolder = DurablePostgres.newRunFolder(settings.workDir(), "-sync-" + run);
    System.out.println(
        "run folder: " + runFolder + " (node logs; the cluster is deleted at the end)");

    pg = DurablePostgres.start(runFolder, settings);
    teardown.add("stop PostgreSQL and delete its cluster", pg::close);
    vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).build();
    teardown.add(
        "close the benchmark's Vert.x (sink, clients)",
        () -> vertx.close().await(30, TimeUnit.SECONDS));
    db = BenchDatabase.openDurable(vertx, pg, settings);

    int ports = settings.sinkPorts() > 0 ? settings.sinkPorts() : settings.tenants();
    sink = new SyncSink(ports, settings.sinkDelayMs());
    await(vertx.deployVerticle(sink));
    System.out.printf(
        Locale.ROOT,
        "sink: listening on %d port%s of 127.0.0.1, answering after %d ms%n",
        ports,
        ports == 1 ? "" : "s",
        settings.sinkDelayMs());

    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < settings.syncNodes().size(); i++) {
      rounds.add(round(i + 1, settings.syncNodes().get(i)));
    }
    summary(rounds);
    return rounds.stream().anyMatch(r -> !r.problems().isEmpty()) ? 3 : 0;
  }

  /** The environment every node gets; each node adds its name, data folder and cluster settings. */
  private Map<String, String> nodeEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_DB_URL", pg.url());
    env.put("PAYBRIDGE_MASTER_KEY", masterKey);
    // Only sign-up and token requests hash; a low work factor keeps the set-up short.
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "1000");
    // The sink is on loopback, which production refuses by default.
    env.put("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
    env.putAll(settings.nodeEnv());
    return env;
  }

  // -----------------------------------------------------------------------------------------------
  // One round

  private Round round(int index, int nodes) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== round %d: %d node%s%s%n",
        index,
        nodes,
        nodes == 1 ? "" : "s",
        nodes == 1 ? ", unclustered" : ", clustered over Hazelcast on loopback");
    long began = System.nanoTime();
    NodeCluster cluster =
        NodeCluster.launch(runFolder, "r" + index + "-node", nodes, settings.nodeHeap(), nodeEnv());
    teardown.add("stop the nodes of round " + index, cluster::close);
    cluster.awaitReady(START_TIMEOUT);
    for (int i = 0; i < nodes; i++) {
      System.out.printf(
          Locale.ROOT,
          "   %s: pid %d, port %d%n",
          cluster.name(i),
          cluster.node(i).pid(),
          cluster.node(i).port());
    }
    System.out.printf(
        Locale.ROOT,
        "   ready%s in %.1f s, -Xmx%s each; settings %s%n",
        nodes == 1 ? "" : ", every node sees " + nodes + " members,",
        (System.nanoTime() - began) / 1e9,
        settings.nodeHeap(),
        settings.nodeEnv().isEmpty() ? "(defaults)" : settings.nodeEnv());
    CpuAccounting cpu = new CpuAccounting(cluster.pids(), pg.postmasterPid());
    List<String> problems = new ArrayList<>();

    Optional<Drain> warmup = Optional.empty();
    int warmupDeliveries = settings.syncWarmup() * nodes;
    if (warmupDeliveries > 0) {
      String label = "r" + index + "w";
      List<Tenant> tenants = setUpTenants(cluster, label);
      List<Target> targets = setUpTargets(cluster, "/r" + index + "/warm-up/", tenants);
      System.out.printf(
          Locale.ROOT,
          "%n   -- warm-up (untimed figures): other tenants, %d deliveries (%d per node)%n",
          warmupDeliveries,
          settings.syncWarmup());
      warmup =
          Optional.of(
              cycle(label, cluster, cpu, tenants, targets, warmupDeliveries, false, problems));
      Drain w = warmup.get();
      System.out.printf(
          Locale.ROOT,
          "   warm-up drain: %d deliveries in %.2f s, %.0f/s (nodes cold)%n",
          w.backlog(),
          w.drainSeconds(),
          w.perSecondOverall());
    }

    String label = "r" + index + "m";
    List<Tenant> tenants = setUpTenants(cluster, label);
    List<Target> targets = setUpTargets(cluster, "/r" + index + "/measured/", tenants);
    System.out.printf(Locale.ROOT, "%n   -- measured: %d deliveries%n", settings.syncBacklog());
    Drain measured =
        cycle(label, cluster, cpu, tenants, targets, settings.syncBacklog(), true, problems);
    Round round = new Round(nodes, names(cluster), warmup, measured, problems);
    print(round);
    cluster.close();
    return round;
  }

  /**
   * One backlog and its drain, for one set of tenants: the sink answers 410 while the backlog is
   * posted, so every delivery ends parked; then it answers 200 and every target is enabled, and the
   * clock runs until the sink has seen every id and the database shows every delivery delivered and
   * every job done. Checks go to {@code problems}.
   */
  private Drain cycle(
      String label,
      NodeCluster cluster,
      CpuAccounting cpu,
      List<Tenant> tenants,
      List<Target> targets,
      int backlog,
      boolean measured,
      List<String> problems)
      throws Exception {
    List<UUID> ids = tenants.stream().map(Tenant::id).toList();
    int nodes = cluster.size();

    // Backlog: every delivery ends parked behind a disabled target.
    await(sink.reset());
    await(sink.answerWith(410));
    long attemptsAtStart = await(db.lastAttemptId());
    postBacklog(cluster, tenants, backlog, label);
    awaitParked(cluster, ids, backlog);
    long parkedAt = System.nanoTime();
    Stats gone = await(sink.stats());
    long attemptsBeforeDrain = await(db.lastAttemptId());
    Map<String, Long> backlogAttempts =
        await(db.attemptStatuses(ids, attemptsAtStart, attemptsBeforeDrain));
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
    await(db.settle());
    System.out.printf(
        Locale.ROOT,
        "   VACUUM (ANALYZE) and CHECKPOINT before the drain (%.1f s)%n",
        (System.nanoTime() - settleBegan) / 1e9);
    if (measured) {
      // The statistics read at the start must include all of the backlog's work.
      sleepUntil(parkedAt + STATS_LAG.toNanos());
    }
    awaitQuiet(cpu);

    // Drain, timed.
    await(sink.reset());
    await(sink.answerWith(200));
    Future<Long> allSeen = sink.whenDistinct(backlog);
    SyncTargets api = new SyncTargets(vertx);
    try {
      if (measured && settings.pgStatements()) {
        await(db.resetStatementStatistics());
      }
      Activity activityStart = await(db.activity());
      Snapshot cpuStart = cpu.take();
      long start = System.nanoTime();
      List<Future<Void>> enabling = new ArrayList<>();
      for (int i = 0; i < tenants.size(); i++) {
        enabling.add(
            api.enable(cluster.node(i % nodes).port(), tenants.get(i), targets.get(i).id()));
      }
      await(Future.all(enabling));
      System.out.printf(
          Locale.ROOT,
          "   drain: the sink answers 200; %d targets enabled through the API in %.0f ms%n",
          tenants.size(),
          (System.nanoTime() - start) / 1e6);
      long sinkDone = awaitSink(cluster, allSeen, start, backlog, ids, measured);
      long dbDone = awaitDelivered(cluster, ids, backlog);
      Snapshot cpuEnd = cpu.take();
      List<StatementStats> statements =
          measured && settings.pgStatements() ? await(db.topStatements(12)) : List.of();
      TenantSpread spread = TenantSpread.of(await(db.deliverySpans(ids)));

      // Figures and checks, after the clock stopped.
      long attemptsAfter = await(db.lastAttemptId());
      List<NodeAttempts> attempts = await(db.attempts(ids, attemptsBeforeDrain, attemptsAfter));
      Map<String, Long> statuses =
          await(db.attemptStatuses(ids, attemptsBeforeDrain, attemptsAfter));
      Stats seen = await(sink.stats());
      long[] firstSeen = await(sink.firstSeenNanos());
      check(problems, ids, seen, backlog);
      checkThroughApi(problems, api, cluster, tenants);
      Usage used = cpu.between(cpuStart, cpuEnd);
      if (used.other() > NOISY_NEIGHBOURS) {
        System.out.printf(
            Locale.ROOT,
            "   WARNING: other processes used %.0f%% of a core during the drain: its figures"
                + " understate what this machine can do%n",
            used.other());
      }
      Activity activity = null;
      if (measured) {
        sleepUntil(dbDone + STATS_LAG.toNanos());
        activity = await(db.activity()).minus(activityStart);
      }
      return new Drain(
          backlog,
          backlogAttempts,
          (dbDone - start) / 1e9,
          (sinkDone - start) / 1e9,
          firstSeen.length == 0 ? Double.NaN : (firstSeen[0] - start) / 1e6,
          steadyRate(firstSeen),
          perSecond(firstSeen, start),
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

  private List<Tenant> setUpTenants(NodeCluster cluster, String label) throws Exception {
    long began = System.nanoTime();
    TenantSetup setup = new TenantSetup(vertx, cluster.node(0).port(), run + label);
    try {
      List<Tenant> tenants = await(setup.create(settings.tenants()));
      System.out.printf(
          Locale.ROOT,
          "   %d tenants signed up, each with a Stripe account of its own (%.1f s)%n",
          tenants.size(),
          (System.nanoTime() - began) / 1e9);
      return tenants;
    } finally {
      setup.close();
    }
  }

  /**
   * A webhook target per tenant, created through the API on the nodes in turn, each at an endpoint
   * of the sink that knows the secret the API returned.
   */
  private List<Target> setUpTargets(NodeCluster cluster, String pathPrefix, List<Tenant> tenants)
      throws Exception {
    SyncTargets api = new SyncTargets(vertx);
    try {
      List<Future<Target>> created = new ArrayList<>();
      for (int i = 0; i < tenants.size(); i++) {
        Tenant tenant = tenants.get(i);
        String path = pathPrefix + "tenant-" + i;
        created.add(
            api.createWebhook(cluster.node(i % cluster.size()).port(), tenant, sink.url(i, path))
                .compose(t -> sink.expect(path, tenant.id(), t.secret()).map(t)));
      }
      await(Future.all(created));
      System.out.printf(
          Locale.ROOT,
          "   %d webhook targets created through the API, at %d sink port%s%n",
          created.size(),
          Math.min(sink.ports().size(), tenants.size()),
          sink.ports().size() == 1 ? "" : "s");
      return created.stream().map(Future::result).toList();
    } finally {
      api.close();
    }
  }

  /**
   * Posts the backlog's signed Stripe webhooks, open loop at {@code bench.syncRate}, spread evenly
   * over the nodes as a load balancer would. Every one must be acknowledged.
   */
  private void postBacklog(NodeCluster cluster, List<Tenant> tenants, int backlog, String label)
      throws Exception {
    int nodes = cluster.size();
    List<Delivery> all = new Deliveries(tenants, run + label).next(backlog);
    Context context = vertx.getOrCreateContext();
    List<OpenLoopLoad> loads = new ArrayList<>();
    List<Future<PhaseResult>> running = new ArrayList<>();
    System.out.printf(
        Locale.ROOT,
        "   backlog: %d signed Stripe webhooks at %d/s, spread over %d node%s%n",
        backlog,
        settings.syncRate(),
        nodes,
        nodes == 1 ? "" : "s");
    long began = System.nanoTime();
    try {
      for (int n = 0; n < nodes; n++) {
        List<Delivery> share = new ArrayList<>();
        for (int i = n; i < all.size(); i += nodes) {
          share.add(all.get(i));
        }
        OpenLoopLoad load =
            new OpenLoopLoad(
                vertx,
                context,
                cluster.node(n).port(),
                Math.max(8, settings.connections() / nodes),
                settings.timeoutMs());
        loads.add(load);
        running.add(load.run("backlog", share, (double) settings.syncRate() / nodes, 0, 0));
      }
      long acknowledged = 0;
      List<String> errors = new ArrayList<>();
      for (Future<PhaseResult> f : running) {
        PhaseResult r =
            f.await(
                (long) backlog * 1000 / settings.syncRate() + settings.timeoutMs() + 60_000L,
                TimeUnit.MILLISECONDS);
        acknowledged += r.acknowledged();
        r.errors().forEach((k, v) -> errors.add(k + " x" + v));
        if (r.unanswered() > 0) {
          errors.add("unanswered x" + r.unanswered());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "   posted in %.1f s: %d acknowledged%s%n",
          (System.nanoTime() - began) / 1e9,
          acknowledged,
          errors.isEmpty() ? "" : ", errors: " + errors);
      if (acknowledged != backlog) {
        throw new IllegalStateException(
            "only " + acknowledged + " of " + backlog + " backlog webhooks were acknowledged");
      }
    } finally {
      for (OpenLoopLoad load : loads) {
        load.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Waits until the backlog is fully fanned out and parked: no {@code sync} job left, a delivery
   * and a parked {@code deliver} job per entry, and no target of the round enabled.
   */
  private void awaitParked(NodeCluster cluster, List<UUID> ids, int backlog) throws Exception {
    long began = System.nanoTime();
    long deadline = began + PARK_TIMEOUT.toNanos();
    long lastPrint = began;
    while (true) {
      SyncState s = await(db.syncState(ids));
      if (s.fanOutJobs() == 0
          && s.deliveries() == backlog
          && s.deliverJobs() == backlog
          && s.parkedJobs() == backlog
          && s.enabledTargets() == 0) {
        if (s.entries() != backlog) {
          throw new IllegalStateException(
              s.entries() + " ledger entries recorded for " + backlog + " acknowledged webhooks");
        }
        System.out.printf(
            Locale.ROOT,
            "   parked %.1f s after the last webhook was acknowledged: %d ledger entries, %d"
                + " deliveries, %d deliver jobs all parked, no fan-out job left, every target"
                + " disabled%n",
            (System.nanoTime() - began) / 1e9,
            s.entries(),
            s.deliveries(),
            s.parkedJobs());
        return;
      }
      long now = System.nanoTime();
      failIfDead(cluster);
      if (now > deadline) {
        throw new IllegalStateException("the backlog was not parked in time: " + s);
      }
      if (now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = now;
        System.out.printf(
            Locale.ROOT,
            "   … %d fan-out jobs left, %d deliveries, %d of %d deliver jobs parked, %d targets"
                + " enabled%n",
            s.fanOutJobs(),
            s.deliveries(),
            s.parkedJobs(),
            s.deliverJobs(),
            s.enabledTargets());
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /**
   * Waits until the sink has seen every id, printing progress every two seconds; fails when it sees
   * nothing new for a minute or a node dies. Returns when the sink saw the last id.
   */
  private long awaitSink(
      NodeCluster cluster,
      Future<Long> allSeen,
      long start,
      int backlog,
      List<UUID> ids,
      boolean progress)
      throws Exception {
    long lastPrint = start;
    long lastDistinct = 0;
    long lastPrinted = 0;
    long lastChange = start;
    while (!allSeen.isComplete()) {
      TimeUnit.MILLISECONDS.sleep(50);
      long now = System.nanoTime();
      failIfDead(cluster);
      if (now - lastPrint < TimeUnit.SECONDS.toNanos(2)) {
        continue;
      }
      Stats s = await(sink.stats());
      if (s.distinct() != lastDistinct) {
        lastDistinct = s.distinct();
        lastChange = now;
      } else if (now - lastChange > STALL_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "the drain stalled: the sink saw "
                + s.distinct()
                + " of "
                + backlog
                + " ids and nothing new for "
                + STALL_TIMEOUT.toSeconds()
                + " s; deliveries by status "
                + await(db.deliveriesByStatus(ids))
                + ", "
                + await(db.syncState(ids)));
      }
      if (progress) {
        System.out.printf(
            Locale.ROOT,
            "   +%5.1f s: %6d delivered to the sink (%5.0f/s over the last %.1f s), %d duplicates%n",
            (now - start) / 1e9,
            s.distinct(),
            (s.distinct() - lastPrinted) / ((now - lastPrint) / 1e9),
            (now - lastPrint) / 1e9,
            s.duplicates());
      }
      lastPrinted = s.distinct();
      lastPrint = now;
    }
    return allSeen.result();
  }

  /**
   * Once the sink has seen everything: waits until the database shows every delivery delivered and
   * every deliver job done (the attempt is logged and the job deleted after the sink's answer).
   */
  private long awaitDelivered(NodeCluster cluster, List<UUID> ids, int backlog) throws Exception {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      SyncState s = await(db.syncState(ids));
      if (s.delivered() == backlog && s.deliverJobs() == 0) {
        return System.nanoTime();
      }
      failIfDead(cluster);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the sink saw every id, but "
                + SETTLE_TIMEOUT.toSeconds()
                + " s later the database shows "
                + s
                + ", deliveries by status "
                + await(db.deliveriesByStatus(ids)));
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** What must hold after a drain: each failure is a problem of the round. */
  private void check(List<String> problems, List<UUID> ids, Stats seen, int backlog)
      throws Exception {
    if (seen.badSignatures() > 0) {
      problems.add(seen.badSignatures() + " deliveries with a bad signature");
    }
    if (seen.staleTimestamps() > 0) {
      problems.add(seen.staleTimestamps() + " deliveries with a stale or missing timestamp");
    }
    if (seen.wrongContent() > 0) {
      problems.add(seen.wrongContent() + " deliveries whose body named another id or tenant");
    }
    if (seen.unknownEndpoint() > 0) {
      problems.add(seen.unknownEndpoint() + " deliveries to an endpoint no tenant was given");
    }
    Set<String> expected = await(db.messageIds(ids));
    Set<String> got = await(sink.seenIds());
    if (!got.equals(expected)) {
      Set<String> missing = new HashSet<>(expected);
      missing.removeAll(got);
      Set<String> unexpected = new HashSet<>(got);
      unexpected.removeAll(expected);
      problems.add(
          "the sink's ids are not the ledger's: "
              + missing.size()
              + " missing, "
              + unexpected.size()
              + " unexpected");
    }
    Map<String, Long> byStatus = await(db.deliveriesByStatus(ids));
    if (!byStatus.equals(Map.of("delivered", (long) backlog))) {
      problems.add("deliveries by status: " + byStatus);
    }
  }

  /**
   * The API must agree: no tenant lists a delivery pending, failed or dead, and each a delivered.
   */
  private void checkThroughApi(
      List<String> problems, SyncTargets api, NodeCluster cluster, List<Tenant> tenants)
      throws Exception {
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      int port = cluster.node(i % cluster.size()).port();
      Tenant tenant = tenants.get(i);
      for (String status : List.of("pending", "failed", "dead", "delivered")) {
        boolean wanted = status.equals("delivered");
        answers.add(
            api.anyDelivery(port, tenant, status)
                .map(
                    any ->
                        any == wanted
                            ? null
                            : "tenant "
                                + tenant.id()
                                + (wanted ? " lists no " : " lists a ")
                                + status
                                + " delivery"));
      }
    }
    await(Future.all(answers));
    answers.stream().map(Future::result).filter(s -> s != null).limit(5).forEach(problems::add);
  }

  private static void failIfDead(NodeCluster cluster) {
    cluster
        .dead()
        .ifPresent(
            name -> {
              throw new IllegalStateException("a node died: " + name);
            });
  }

  /**
   * On a shared machine, waits (up to {@code bench.quietSeconds}) until processes other than the
   * benchmark's own use under {@value #NOISY_NEIGHBOURS} % of a core.
   */
  private void awaitQuiet(CpuAccounting cpu) throws InterruptedException {
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
          "   (other processes still use %.0f%% of a core; the drain starts anyway)%n",
          other);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Figures

  /**
   * The rate between the 10th and the 90th percentile of first sightings: the drain without its
   * start (jobs being claimed, code paths compiling) and its tail (the last few in flight).
   */
  private static double steadyRate(long[] firstSeen) {
    int n = firstSeen.length;
    int from = n / 10;
    int to = (int) Math.ceil(n * 0.9) - 1;
    if (to <= from || firstSeen[to] <= firstSeen[from]) {
      return Double.NaN;
    }
    return (to - from) / ((firstSeen[to] - firstSeen[from]) / 1e9);
  }

  /** New ids the sink saw in each second after {@code start}. */
  private static List<Long> perSecond(long[] firstSeen, long start) {
    List<Long> out = new ArrayList<>();
    for (long t : firstSeen) {
      int second = (int) Math.max(0, (t - start) / 1_000_000_000L);
      while (out.size() <= second) {
        out.add(0L);
      }
      out.set(second, out.get(second) + 1);
    }
    return out;
  }

  private static List<String> names(NodeCluster cluster) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      out.add(cluster.name(i));
    }
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // Output

  private void print(Round round) {
    Drain r = round.measured();
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
    TenantSpread spread = r.tenants();
    System.out.printf(
        Locale.ROOT,
        "   tenants: each tenant's deliveries went out over a median %.2f s (longest %.2f s);"
            + " at most %d of %d tenants, %.1f on average, had deliveries under way at once%n",
        spread.medianSpanSeconds(),
        spread.longestSpanSeconds(),
        spread.mostAtOnce(),
        settings.tenants(),
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
    System.out.println("   CPU over the drain: " + describe(r.cpu(), round.nodeNames()));
    System.out.printf(
        Locale.ROOT,
        "   CPU per delivery: nodes %.2f ms, PostgreSQL %.2f ms, benchmark JVM with the sink %.2f"
            + " ms%n",
        r.cpuMillisPerDelivery(r.cpu().node()),
        r.cpuMillisPerDelivery(r.cpu().postgres()),
        r.cpuMillisPerDelivery(r.cpu().loadGenerator()));
    if (r.database() != null) {
      Activity a = r.database();
      System.out.printf(
          Locale.ROOT,
          "   PostgreSQL per delivery: %.2f transactions committed, %.2f WAL flushes, %.1f WAL"
              + " records, %.0f bytes of WAL%n",
          (double) a.commits() / r.backlog(),
          (double) a.walSyncs() / r.backlog(),
          (double) a.walRecords() / r.backlog(),
          (double) a.walBytes() / r.backlog());
    }
    if (r.database() != null) {
      List<String> tables = new ArrayList<>();
      r.database()
          .tables()
          .forEach(
              (name, t) ->
                  tables.add(
                      String.format(
                          Locale.ROOT,
                          "%s +%.2f ~%.2f (HOT %.0f %%) -%.2f",
                          name,
                          (double) t.inserted() / r.backlog(),
                          (double) t.updated() / r.backlog(),
                          t.updated() == 0 ? 0 : 100.0 * t.hotUpdated() / t.updated(),
                          (double) t.deleted() / r.backlog())));
      System.out.println(
          "   rows per delivery, inserted + updated ~ deleted -: " + String.join("; ", tables));
    }
    StatementStats.print(r.statements(), r.backlog(), "delivery");
    if (round.problems().isEmpty()) {
      System.out.println(
          "   checks: every signature verified; the sink's ids are exactly the ledger's entries;"
              + " every delivery delivered; the API lists none pending, failed or dead: PASS");
    } else {
      String bar = "!".repeat(100);
      System.out.println(bar);
      round.problems().forEach(p -> System.out.println("!!! " + p));
      System.out.println(bar);
    }
  }

  private static String describe(Usage u, List<String> nodeNames) {
    String perNode =
        u.perNode().size() < 2
            ? ""
            : " ("
                + IntStream.range(0, u.perNode().size())
                    .mapToObj(
                        i ->
                            String.format(
                                Locale.ROOT, "%s %.0f%%", nodeNames.get(i), u.perNode().get(i)))
                    .collect(Collectors.joining(", "))
                + ")";
    return String.format(
        Locale.ROOT,
        "nodes %.0f%% (sys %.0f, JIT compiler threads %.0f)%s, postgres %.0f%% (sys %.0f),"
            + " benchmark JVM with the sink %.0f%%"
            + " (sys %.0f), kernel irq %.0f%%, other processes %.0f%%, idle %.0f%% (of %d%%;"
            + " iowait %.0f%%)",
        u.node(),
        u.nodeSys(),
        u.nodeCompilers(),
        perNode,
        u.postgres(),
        u.postgresSys(),
        u.loadGenerator(),
        u.loadGeneratorSys(),
        u.interrupts(),
        u.other(),
        idle(u),
        u.cores() * 100,
        u.ioWait());
  }

  private static double idle(Usage u) {
    return Math.max(0, u.cores() * 100 - u.machineBusy());
  }

  private void summary(List<Round> rounds) {
    System.out.printf(Locale.ROOT, "%n== Summary (%s)%n", IngestBench.machineLine());
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
    for (Round round : rounds) {
      Drain r = round.measured();
      long total = r.attemptCount();
      Usage u = r.cpu();
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
              idle(u)),
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
    for (Round round : rounds) {
      System.out.printf(
          Locale.ROOT,
          "  %d node%s: %s%n",
          round.nodes(),
          round.nodes() == 1 ? "" : "s",
          round.problems().isEmpty() ? "checks PASS" : "PROBLEMS: " + round.problems());
    }
  }

  private void printHeader() {
    System.out.println(
        "== Paybridge sync benchmark, "
            + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    System.out.println(
        "machine: "
            + IngestBench.machineLine()
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
        "rounds: %s node(s); %d tenants each with a webhook target; backlog %d deliveries (after a"
            + " warm-up of %d per node) posted at %d/s; sink delay %d ms; quiet wait up to %d s%s%n",
        settings.syncNodes(),
        settings.tenants(),
        settings.syncBacklog(),
        settings.syncWarmup(),
        settings.syncRate(),
        settings.sinkDelayMs(),
        settings.quietSeconds(),
        settings.pgStatements() ? "; pg_stat_statements on" : "");
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(DB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
