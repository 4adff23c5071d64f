package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.BenchDatabase.Rows;
import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.TenantSetup.Tenant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The soak suite: one node taking signed Stripe webhooks at a steady rate for a long time (an hour
 * by default), sampled every minute: the node's heap after a full collection, latency p50/p99 of
 * the minute, and the database's size per ledger entry. Each figure's trend is its least-squares
 * slope per hour; the run fails when the heap or the size per entry grows faster than the stated
 * bounds, or when an acknowledged webhook is not recorded.
 *
 * <p>The load is open loop ({@link OpenLoopLoad}), one phase per minute whose webhooks are built
 * just before it, so a long run never holds more than a minute's bodies.
 */
record SoakSuite(SoakSettings settings) implements BenchMain.Suite {

  /** One minute's sample. */
  record Sample(
      double minute,
      long acknowledged,
      long errors,
      double p50Millis,
      double p99Millis,
      double heapMb,
      double bytesPerEntry) {}

  @Override
  public int run(Teardown teardown) throws Exception {
    Machine.printHeader("soak", "");
    System.out.println("soak settings: " + settings);
    BenchRun run = BenchRun.open(BenchSettings.fromSystemProperties(), teardown, "soak-", "logs");
    NodeProcess node = NodeProcess.launch(run.folder(), settings.nodeHeap(), run.nodeEnv(Map.of()));
    teardown.add("stop the node", node::close);
    node.awaitReady(Duration.ofMinutes(4));
    TenantSetup setup = new TenantSetup(run.vertx(), node.port(), run.id() + "s");
    List<Tenant> tenants = await(setup.create(settings.tenants()));
    setup.close();
    List<UUID> tenantIds = tenants.stream().map(Tenant::id).toList();
    ChaosLedger ledger = new ChaosLedger(run.vertx(), run.pg().connectOptions());
    OpenLoopLoad load =
        new OpenLoopLoad(run.vertx(), run.vertx().getOrCreateContext(), node.port(), 64, 30_000);
    Deliveries deliveries = new Deliveries(tenants, run.id() + "s");
    List<Sample> samples = new ArrayList<>();
    long acknowledged = 0;
    long began = System.nanoTime();
    for (int m = 1; m <= settings.minutes(); m++) {
      List<Delivery> minute = deliveries.next(settings.rate() * 60);
      PhaseResult r =
          load.run("minute-" + m, minute, settings.rate(), 0, 0).await(10, TimeUnit.MINUTES);
      acknowledged += r.acknowledged();
      double heap = node.heapAfterFullGc() / 1e6;
      long[] size = await(ledger.sizeAndEntries());
      Sample s =
          new Sample(
              (System.nanoTime() - began) / 60e9,
              r.acknowledged(),
              r.errorCount(),
              r.percentileMillis(50),
              r.percentileMillis(99),
              heap,
              size[1] == 0 ? Double.NaN : (double) size[0] / size[1]);
      samples.add(s);
      System.out.printf(
          Locale.ROOT,
          "   minute %d: %d acked, %d errors, p50 %.1f ms, p99 %.1f ms, heap after GC %.1f MB,"
              + " %.0f bytes per ledger entry%n",
          m,
          s.acknowledged(),
          s.errors(),
          s.p50Millis(),
          s.p99Millis(),
          s.heapMb(),
          s.bytesPerEntry());
    }
    load.close().await(10, TimeUnit.SECONDS);
    TimeUnit.SECONDS.sleep(2);
    Rows rows = await(run.db().rows(tenantIds));
    ledger.close();
    String report = report(samples, acknowledged, rows);
    System.out.println();
    System.out.println(report);
    Path file = settings.workDir().resolve("soak-summary.md");
    Files.writeString(file, report, StandardCharsets.UTF_8);
    System.out.println("summary written to " + file);
    return report.endsWith("**PASS**\n") ? 0 : 3;
  }

  /** The summary: every sample, each figure's slope per hour, and the verdict. */
  String report(List<Sample> samples, long acknowledged, Rows rows) {
    // The first minute warms the JIT and fills pools and caches; trends start after it.
    List<Sample> trend = samples.size() >= 3 ? samples.subList(1, samples.size()) : samples;
    double[] t = trend.stream().mapToDouble(Sample::minute).toArray();
    double heapSlope =
        ReportMath.slopePerHour(t, trend.stream().mapToDouble(Sample::heapMb).toArray());
    double p50Slope =
        ReportMath.slopePerHour(t, trend.stream().mapToDouble(Sample::p50Millis).toArray());
    double p99Slope =
        ReportMath.slopePerHour(t, trend.stream().mapToDouble(Sample::p99Millis).toArray());
    double[] perEntry = trend.stream().mapToDouble(Sample::bytesPerEntry).toArray();
    double entrySlope = ReportMath.slopePerHour(t, perEntry);
    double meanPerEntry = java.util.Arrays.stream(perEntry).average().orElse(Double.NaN);
    double entryBound = meanPerEntry * settings.maxEntryGrowthPercentPerHour() / 100.0;
    long errors = samples.stream().mapToLong(Sample::errors).sum();
    List<String> problems = new ArrayList<>();
    if (!(heapSlope <= settings.maxHeapGrowthMbPerHour())) {
      problems.add("heap after GC grows " + fmt(heapSlope) + " MB/h");
    }
    if (!(entrySlope <= entryBound)) {
      problems.add("bytes per ledger entry grow " + fmt(entrySlope) + "/h");
    }
    if (!rows.match(acknowledged)) {
      problems.add(
          acknowledged
              + " acknowledged, but "
              + rows.receipts()
              + " receipts and "
              + rows.ledgerEntries()
              + " ledger entries");
    }
    if (errors > 0) {
      problems.add(errors + " webhooks not acknowledged");
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Soak run, ").append(OffsetDateTime.now(ZoneOffset.UTC).withNano(0)).append("\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "One node (-Xmx%s), %d tenants, %d signed Stripe webhooks/s for %d minutes; %d"
                + " acknowledged, %d receipts, %d ledger entries.%n%n",
            settings.nodeHeap(),
            settings.tenants(),
            settings.rate(),
            settings.minutes(),
            acknowledged,
            rows.receipts(),
            rows.ledgerEntries()));
    sb.append("| minute | acked | errors | p50 ms | p99 ms | heap after GC MB | bytes/entry |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Sample s : samples) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f | %d | %d | %.1f | %.1f | %.1f | %.0f |%n",
              s.minute(),
              s.acknowledged(),
              s.errors(),
              s.p50Millis(),
              s.p99Millis(),
              s.heapMb(),
              s.bytesPerEntry()));
    }
    sb.append("\n| trend (least squares, from minute ")
        .append(trend == samples ? 1 : 2)
        .append(") | slope per hour | bound |\n|---|---|---|\n");
    sb.append("| heap after GC | ")
        .append(fmt(heapSlope))
        .append(" MB/h | ≤ ")
        .append(settings.maxHeapGrowthMbPerHour())
        .append(" MB/h |\n");
    sb.append("| bytes per ledger entry | ")
        .append(fmt(entrySlope))
        .append(" B/h | ≤ ")
        .append(fmt(entryBound))
        .append(" B/h (")
        .append(settings.maxEntryGrowthPercentPerHour())
        .append(" % of the mean) |\n");
    sb.append("| p50 latency | ").append(fmt(p50Slope)).append(" ms/h | (reported) |\n");
    sb.append("| p99 latency | ").append(fmt(p99Slope)).append(" ms/h | (reported) |\n\n");
    problems.forEach(p -> sb.append("- FAIL: ").append(p).append('\n'));
    sb.append(problems.isEmpty() ? "**PASS**\n" : "\n**FAIL**\n");
    return sb.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
