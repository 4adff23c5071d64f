package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.ChaosLedger.Records;
import io.paybridge.bench.ChaosLoad.Tally;
import io.paybridge.bench.SyncTargets.Target;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The chaos suite: three clustered nodes over one durable PostgreSQL, signed Stripe webhooks from
 * several tenants, and a live webhook target per tenant at the {@link SyncSink}; then one fault
 * after another ({@link ChaosFaults}) while the load runs. After each fault the suite waits until
 * every acknowledged webhook is booked (a receipt and a ledger entry) and delivered to the sink,
 * and checks the records against the answers: no acknowledged webhook lost, no money booked twice,
 * no delivery the sink accepted left marked otherwise. See docs/chaos-and-soak.md.
 */
record ChaosSuite(ChaosSettings settings) implements BenchMain.Suite {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  /** Load before a fault, and after it, so that it strikes and ends under way. */
  private static final long SETTLE_MS = 5_000;

  /** A fault, run while the load goes on; answers a note for the report. */
  @FunctionalInterface
  interface Fault {
    String inflict() throws Exception;
  }

  @Override
  public int run(Teardown teardown) throws Exception {
    Machine.printHeader("chaos", "");
    System.out.println("chaos settings: " + settings);
    BenchRun run = BenchRun.open(BenchSettings.fromSystemProperties(), teardown, "chaos-", "logs");
    SyncSink sink = new SyncSink(settings.tenants());
    await(run.vertx().deployVerticle(sink));
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Map<String, String> env =
        run.nodeEnv(
            Map.of(
                "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true",
                "PAYBRIDGE_CLUSTER_SECRET", HexFormat.of().formatHex(secret),
                "PAYBRIDGE_SYNC_TIMEOUT_MS", Integer.toString(settings.syncTimeoutMs()),
                "PAYBRIDGE_RETRY_BASE_MS", Integer.toString(settings.retryBaseMs())));
    NodeCluster cluster = NodeCluster.launch(run.folder(), "node", 3, settings.nodeHeap(), env);
    teardown.add("stop the nodes", cluster::close);
    long began = System.nanoTime();
    cluster.awaitReady(START_TIMEOUT);
    System.out.printf(
        Locale.ROOT,
        "3 nodes ready and clustered in %.1f s (lease %d s)%n",
        (System.nanoTime() - began) / 1e9,
        settings.lease().toSeconds());

    TenantSetup setup = new TenantSetup(run.vertx(), cluster.node(0).port(), run.id() + "c");
    List<Tenant> tenants = await(setup.create(settings.tenants()));
    setup.close();
    SyncTargets api = new SyncTargets(run.vertx());
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      Tenant t = tenants.get(i);
      String path = "/chaos/tenant-" + i;
      Target target = await(api.createWebhook(cluster.node(0).port(), t, sink.url(i, path)));
      await(sink.expect(path, t.id(), target.secret()));
      targets.add(target);
    }
    System.out.println(
        tenants.size() + " tenants, each with a Stripe account and a webhook target");

    ChaosLedger ledger = new ChaosLedger(run.vertx(), run.pg().connectOptions());
    ChaosLoad load = new ChaosLoad(run.vertx(), tenants, run.id() + "c", ports(cluster), 8);
    ChaosFaults faults =
        new ChaosFaults(settings, run, cluster, sink, load, api, ledger, tenants, targets);
    ChaosReport report = new ChaosReport();
    List<UUID> tenantIds = tenants.stream().map(Tenant::id).toList();
    for (String phase : settings.phases()) {
      System.out.printf(Locale.ROOT, "%n== fault: %s%n", phase);
      report.add(phase(run, sink, ledger, load, tenantIds, faults.named(phase), phase));
    }

    List<List<String>> keys = await(ledger.entryKeys(tenantIds));
    long keyDuplicates = ReportMath.surplus(keys.get(0));
    long paymentDuplicates = ReportMath.surplus(keys.get(1));
    System.out.printf(
        Locale.ROOT,
        "%nledger: %d entries; %d surplus per entry key, %d per gateway payment id%n",
        keys.get(0).size(),
        keyDuplicates,
        paymentDuplicates);
    if (keyDuplicates > 0 || paymentDuplicates > 0) {
      report.problem(
          keyDuplicates + " duplicate ledger entries by key, " + paymentDuplicates + " by payment");
    }
    cluster.dead().ifPresent(d -> report.problem("a node died on its own: " + d));
    report.write(
        settings.workDir().resolve("chaos-summary.md"),
        String.format(
            Locale.ROOT,
            "3 clustered nodes (-Xmx%s) over one durable PostgreSQL; %d tenants; %d webhooks/s;"
                + " sync timeout %d ms (lease %d s); retry base %d ms. Ledger over the whole run:"
                + " %d entries, %d duplicates by entry key, %d by gateway payment id.",
            settings.nodeHeap(),
            settings.tenants(),
            settings.rate(),
            settings.syncTimeoutMs(),
            settings.lease().toSeconds(),
            settings.retryBaseMs(),
            keys.get(0).size(),
            keyDuplicates,
            paymentDuplicates));
    api.close();
    load.close();
    ledger.close();
    return report.passed() ? 0 : 3;
  }

  /**
   * Runs one fault under load, then waits until every acknowledged webhook of the phase is booked
   * and delivered, and reads the records.
   */
  private ChaosReport.Row phase(
      BenchRun run,
      SyncSink sink,
      ChaosLedger ledger,
      ChaosLoad load,
      List<UUID> tenants,
      Fault fault,
      String name)
      throws Exception {
    ChaosLoad.Phase phase = load.start(settings.rate());
    TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
    String note = fault.inflict();
    long ended = System.nanoTime();
    TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
    Tally tally = phase.stop().await(5, TimeUnit.MINUTES);
    long deadline = ended + TimeUnit.SECONDS.toNanos(settings.recoverSeconds());
    Records records;
    Set<String> atSink;
    double recovered = Double.NaN;
    while (true) {
      records = awaitRetrying(() -> ledger.records(tenants, tally.acknowledged()));
      atSink = await(sink.seenIds());
      long reached = reached(records, atSink);
      if (records.receipts() == tally.acknowledged().size()
          && records.entryIds().size() == tally.acknowledged().size()
          && reached == records.entryIds().size()
          && records.delivered() == records.allDeliveries()
          && records.allDeliveries() >= records.entryIds().size()) {
        recovered = (System.nanoTime() - ended) / 1e9;
        break;
      }
      if (System.nanoTime() > deadline) {
        for (String line : await(ledger.stuck(tenants, records.entryIds()))) {
          System.out.println("   not delivered: " + line);
        }
        break;
      }
      TimeUnit.SECONDS.sleep(1);
    }
    Map<String, Integer> repeats = await(sink.repeats());
    long sinkHadNotDelivered = await(ledger.receivedNotDelivered(tenants, atSink));
    String attempts = "deliveries took up to " + records.maxAttempts() + " attempts";
    return new ChaosReport.Row(
        name,
        tally.sent(),
        tally.acknowledged().size(),
        records.receipts(),
        records.entryIds().size(),
        reached(records, atSink),
        records.delivered(),
        records.allDeliveries(),
        ReportMath.redeliveries(repeats, records.entryIds()),
        sinkHadNotDelivered,
        new HashMap<>(tally.errors()),
        recovered,
        note.isEmpty() ? attempts : note + "; " + attempts);
  }

  private static long reached(Records records, Set<String> atSink) {
    return records.entryIds().stream().filter(id -> atSink.contains("pb_" + id)).count();
  }

  /** Reads again after a failure: the database may be coming back from a restart. */
  private static <T> T awaitRetrying(java.util.function.Supplier<Future<T>> read) throws Exception {
    for (int i = 0; ; i++) {
      try {
        return read.get().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (i >= 30) {
          throw e;
        }
        TimeUnit.SECONDS.sleep(2);
      }
    }
  }

  static List<Integer> ports(NodeCluster cluster) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      ports.add(cluster.node(i).port());
    }
    return ports;
  }
}
