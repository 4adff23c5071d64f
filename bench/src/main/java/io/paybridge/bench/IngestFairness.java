package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.BenchDatabase.Rows;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Whether one tenant flooding ingest holds other tenants' webhooks back. Of {@code
 * bench.fairTenants} tenants, all but one (the <i>quiet</i> ones) post half of the node's sustained
 * rate between them, first alone, then beside the last tenant posting {@code bench.floodShares}
 * times its fair share (the sustained rate over the tenants). The quiet tenants' p99 beside the
 * flood, over their p99 alone, is the figure; the target is at most 2. Webhooks the node refuses
 * (503, the flood beyond its share of the queue) are counted, and every acknowledged one must be
 * recorded once.
 */
record IngestFairness(BenchRun run, NodeProcess node) {

  /** Settling time at the start of each phase, left out of its figures. */
  private static final int SETTLE_SECONDS = 5;

  /** The two phases' figures. */
  record Result(
      int quietRate, int floodRate, PhaseResult alone, PhaseResult quiet, PhaseResult flood) {

    double ratio() {
      return quiet.percentileMillis(99) / alone.percentileMillis(99);
    }

    /** Prints the figures as a table, and {@code problems}. */
    void print(List<String> problems) {
      RatioTable table =
          new RatioTable(
              "Fairness: the quiet tenants' p99 beside a flood",
              "  %-40s %-14s %-14s %-8s %s%n",
              "phase",
              "quiet p99",
              "flood");
      table.alone(
          "quiet tenants alone, " + quietRate() + "/s",
          String.format(Locale.ROOT, "%.1f ms", alone().percentileMillis(99)));
      table.beside(
          "beside one tenant offering " + floodRate() + "/s",
          String.format(Locale.ROOT, "%.1f ms", quiet().percentileMillis(99)),
          String.format(Locale.ROOT, "%.0f/s taken", flood().achievedPerSecond()),
          ratio());
      if (problems.isEmpty()) {
        System.out.println(
            "  every acknowledged webhook recorded once; the quiet tenants had no error");
      } else {
        problems.forEach(p -> System.out.println("!!! " + p));
      }
    }
  }

  /**
   * Runs both phases on {@code tenants} (the first floods) against a node that sustained {@code
   * sustained}/s.
   */
  Result run(List<Tenant> tenants, double sustained, List<String> problems) throws Exception {
    BenchSettings settings = run.settings();
    List<Tenant> fair = tenants.subList(0, Math.min(tenants.size(), settings.fairTenants()));
    Tenant flooder = fair.get(0);
    List<Tenant> quiet = fair.subList(1, fair.size());
    int quietRate = (int) Math.round(sustained / 2);
    int floodRate = (int) Math.round(settings.floodShares() * sustained / fair.size());
    int seconds = settings.stepSeconds() * 2;
    System.out.printf(
        Locale.ROOT,
        "%n== fairness: %d quiet tenants at %d/s between them, alone, then beside one tenant at"
            + " %d/s (%d fair shares of %.0f/s over %d tenants); %d s settling, %d s measured%n",
        quiet.size(),
        quietRate,
        floodRate,
        settings.floodShares(),
        sustained,
        fair.size(),
        SETTLE_SECONDS,
        seconds);
    Deliveries quietBodies = new Deliveries(quiet, run.id() + "fq");
    Deliveries floodBodies = new Deliveries(List.of(flooder), run.id() + "ff");
    List<UUID> ids = fair.stream().map(Tenant::id).toList();
    int connections = Math.max(8, settings.connections() / 2);
    OpenLoopLoad quietLoad = load(connections);
    OpenLoopLoad floodLoad = load(connections);
    try {
      Rows before = await(run.db().rows(ids));
      int quietWarm = quietRate * SETTLE_SECONDS;
      int floodWarm = floodRate * SETTLE_SECONDS;
      List<Delivery> first = quietBodies.next(quietWarm + quietRate * seconds);
      System.gc();
      PhaseResult alone = finish(quietLoad.run("quiet alone", first, quietRate, quietWarm, 0));
      System.out.println("   quiet tenants alone:        " + describe(alone));
      List<Delivery> second = quietBodies.next(quietWarm + quietRate * seconds);
      List<Delivery> flood = floodBodies.next(floodWarm + floodRate * seconds);
      System.gc();
      Future<PhaseResult> flooding = floodLoad.run("flood", flood, floodRate, floodWarm, 0);
      PhaseResult quietBeside =
          finish(quietLoad.run("quiet beside", second, quietRate, quietWarm, 0));
      PhaseResult flooded = finish(flooding);
      System.out.println("   quiet tenants beside it:    " + describe(quietBeside));
      System.out.println("   the flooding tenant:        " + describe(flooded));
      long acknowledged =
          alone.acknowledged() + quietBeside.acknowledged() + flooded.acknowledged();
      Rows recorded = await(run.db().rows(ids)).minus(before);
      if (!recorded.match(acknowledged)) {
        problems.add(
            String.format(
                Locale.ROOT,
                "fairness: %d receipts and %d ledger entries for %d acknowledged webhooks",
                recorded.receipts(),
                recorded.ledgerEntries(),
                acknowledged));
      }
      if (alone.errorCount() + quietBeside.errorCount() > 0) {
        problems.add("fairness: the quiet tenants had errors: " + quietBeside.errors());
      }
      return new Result(quietRate, floodRate, alone, quietBeside, flooded);
    } finally {
      quietLoad.close().await(10, TimeUnit.SECONDS);
      floodLoad.close().await(10, TimeUnit.SECONDS);
    }
  }

  private PhaseResult finish(Future<PhaseResult> phase) throws Exception {
    int seconds = SETTLE_SECONDS + run.settings().stepSeconds() * 2;
    return phase.await(
        seconds * 1000L + run.settings().timeoutMs() + 60_000L, TimeUnit.MILLISECONDS);
  }

  private OpenLoopLoad load(int connections) {
    return new OpenLoopLoad(
        run.vertx(),
        run.vertx().getOrCreateContext(),
        node.port(),
        connections,
        run.settings().timeoutMs());
  }

  private static String describe(PhaseResult r) {
    return String.format(
        Locale.ROOT,
        "%.0f/s offered, %.0f/s acknowledged, p50 %.1f ms, p99 %.1f ms, errors %s",
        r.targetRate(),
        r.achievedPerSecond(),
        r.percentileMillis(50),
        r.percentileMillis(99),
        r.errorCount() == 0
            ? "none"
            : r.errors() + (r.unanswered() > 0 ? " unanswered " + r.unanswered() : ""));
  }
}
