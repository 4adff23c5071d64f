package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.FlowPhase.Group;
import io.paybridge.bench.FlowPhase.Latency;
import io.paybridge.bench.SyncTargets.Target;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The sync benchmark: how many deliveries per second the platform makes to tenants' webhook
 * endpoints, with one node and with several clustered nodes, on a durable PostgreSQL. See {@code
 * bench/README.md}.
 *
 * <p>Each round starts its nodes and runs two cycles ({@link DrainCycle}), an untimed warm-up and
 * the measured one. A cycle sets up fresh tenants through the API (a Stripe account and a webhook
 * target each, pointing at the {@link SyncSink} in this JVM), and then:
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
record SyncBench(BenchSettings settings, List<SyncRound> rounds) implements BenchMain.Suite {

  SyncBench(BenchSettings settings) {
    this(settings, new ArrayList<>());
  }

  /** How long the nodes of a round may take to start and, clustered, to see each other. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  @Override
  public int run(Teardown teardown) throws Exception {
    printHeader();
    BenchRun run = BenchRun.open(settings, teardown, "sync-", "node logs");
    int ports = settings.sinkPorts() > 0 ? settings.sinkPorts() : settings.tenants();
    SyncSink sink = new SyncSink(ports);
    await(run.vertx().deployVerticle(sink));
    System.out.printf(
        Locale.ROOT,
        "sink: listening on %d port%s of 127.0.0.1, answering after %d ms%n",
        ports,
        ports == 1 ? "" : "s",
        settings.sinkDelayMs());

    List<SyncRound> rounds = new ArrayList<>();
    List<int[]> plan = plan(settings);
    int fairnessRound = fairnessRound(plan);
    for (int i = 0; i < plan.size(); i++) {
      sink.delay(plan.get(i)[1]);
      rounds.add(round(run, sink, i + 1, plan.get(i)[0], plan.get(i)[1], i == fairnessRound));
    }
    SyncRound.printSummary(rounds);
    SyncRound.printReceivers(rounds);
    SyncRound.printFlows(rounds);
    this.rounds.addAll(rounds);
    return rounds.stream().anyMatch(r -> !r.problems().isEmpty()) ? 3 : 0;
  }

  /**
   * The rounds to run, each a node count and the sink's delay: {@code bench.syncRounds} ({@code
   * 1@0,1@50,1@300,3@50}), else every node count of {@code bench.syncNodes} with {@code
   * bench.sinkDelayMs}.
   */
  static List<int[]> plan(BenchSettings settings) {
    List<int[]> plan = new ArrayList<>();
    if (settings.syncRounds().isBlank()) {
      settings.syncNodes().forEach(n -> plan.add(new int[] {n, settings.sinkDelayMs()}));
      return plan;
    }
    for (String part : settings.syncRounds().split(",")) {
      String[] p = part.strip().split("@");
      int nodes = Integer.parseInt(p[0].strip());
      int delay = p.length > 1 ? Integer.parseInt(p[1].strip()) : settings.sinkDelayMs();
      if (nodes < 1 || nodes > 9 || delay < 0) {
        throw new IllegalArgumentException(
            "bench.syncRounds takes nodes@delayMs, nodes 1 to 9, delays 0 or more: " + part);
      }
      plan.add(new int[] {nodes, delay});
    }
    return plan;
  }

  /**
   * The round that measures fairness ({@code bench.syncFairness}): the first of one node whose sink
   * answers at once; -1 for none.
   */
  private int fairnessRound(List<int[]> plan) {
    if (!settings.syncFairness()) {
      return -1;
    }
    for (int i = 0; i < plan.size(); i++) {
      if (plan.get(i)[0] == 1 && plan.get(i)[1] == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One round: its nodes started, a warm-up cycle, the measured cycle, a steady flow at {@code
   * bench.flowPercent} of the measured drain rate, the fairness flows if {@code fairness}, and the
   * report.
   */
  private SyncRound round(
      BenchRun run, SyncSink sink, int index, int nodes, int delayMs, boolean fairness)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== round %d: %d node%s%s, the sink answering after %d ms%n",
        index,
        nodes,
        nodes == 1 ? "" : "s",
        nodes == 1 ? ", unclustered" : ", clustered over Hazelcast on loopback",
        delayMs);
    long began = System.nanoTime();
    // The sink is on loopback, which production refuses by default.
    Map<String, String> env = run.nodeEnv(Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"));
    NodeCluster cluster =
        NodeCluster.launch(run.folder(), "r" + index + "-node", nodes, settings.nodeHeap(), env);
    run.teardown().add("stop the nodes of round " + index, cluster::close);
    cluster.awaitReady(START_TIMEOUT);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      names.add(cluster.name(i));
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
    DrainCycle cycle =
        new DrainCycle(
            run, sink, cluster, new CpuAccounting(cluster.pids(), run.pg().postmasterPid()));
    List<String> problems = new ArrayList<>();

    Optional<Drain> warmup = Optional.empty();
    int warmupDeliveries = settings.syncWarmup() * nodes;
    if (warmupDeliveries > 0) {
      String label = "r" + index + "w";
      List<Tenant> tenants = setUpTenants(run, cluster, label);
      List<Target> targets = setUpTargets(run, sink, cluster, "/r" + index + "/warm-up/", tenants);
      System.out.printf(
          Locale.ROOT,
          "%n   -- warm-up (untimed figures): other tenants, %d deliveries (%d per node)%n",
          warmupDeliveries,
          settings.syncWarmup());
      Drain w = cycle.run(label, tenants, targets, warmupDeliveries, false, problems);
      warmup = Optional.of(w);
      System.out.printf(
          Locale.ROOT,
          "   warm-up drain: %d deliveries in %.2f s, %.0f/s (nodes cold)%n",
          w.backlog(),
          w.drainSeconds(),
          w.perSecondOverall());
    }

    String label = "r" + index + "m";
    String prefix = "/r" + index + "/measured/";
    List<Tenant> tenants = setUpTenants(run, cluster, label);
    List<Target> targets = setUpTargets(run, sink, cluster, prefix, tenants);
    System.out.printf(Locale.ROOT, "%n   -- measured: %d deliveries%n", settings.syncBacklog());
    Drain measured = cycle.run(label, tenants, targets, settings.syncBacklog(), true, problems);

    FlowPhase flow = new FlowPhase(run, sink, cluster);
    double flowRate = measured.perSecondOverall() * settings.flowPercent() / 100;
    System.out.printf(
        Locale.ROOT,
        "%n   -- steady flow at %d %% of the drain rate: the targets live, the sink answering after"
            + " %d ms%n",
        settings.flowPercent(),
        delayMs);
    Latency steady =
        flow.run(
                label + "f",
                List.of(new Group("every tenant", tenants, flowRate, true)),
                settings.flowSeconds(),
                problems)
            .get(0);
    Optional<SyncFairness.Result> fair = Optional.empty();
    if (fairness) {
      List<String> paths =
          IntStream.range(0, tenants.size()).mapToObj(i -> prefix + "tenant-" + i).toList();
      fair =
          Optional.of(
              new SyncFairness(flow, sink, run.db().sync())
                  .run(
                      label + "x", tenants, paths, flowRate / 2, settings.flowSeconds(), problems));
    }
    SyncRound round =
        new SyncRound(nodes, delayMs, names, warmup, measured, steady, fair, problems);
    round.print(settings.tenants());
    cluster.close();
    return round;
  }

  private List<Tenant> setUpTenants(BenchRun run, NodeCluster cluster, String label)
      throws Exception {
    long began = System.nanoTime();
    TenantSetup setup = new TenantSetup(run.vertx(), cluster.node(0).port(), run.id() + label);
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
  private static List<Target> setUpTargets(
      BenchRun run, SyncSink sink, NodeCluster cluster, String pathPrefix, List<Tenant> tenants)
      throws Exception {
    SyncTargets api = new SyncTargets(run.vertx());
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

  private void printHeader() {
    Machine.printHeader("sync", "");
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
}
