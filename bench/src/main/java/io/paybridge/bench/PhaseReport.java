package io.paybridge.bench;

import io.paybridge.bench.BenchDatabase.Rows;
import io.paybridge.bench.CpuAccounting.Usage;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.paybridge.bench.ServerStatistics.Activity;
import io.paybridge.bench.ServerStatistics.StatementStats;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What one ingest phase showed, the load generator's view, the database's and the node's, and how
 * the report prints it.
 *
 * @param rows the receipts and ledger entries the phase recorded
 * @param jobsWritten sync jobs inserted during the phase, as PostgreSQL's statistics tell so far
 * @param cpu where the CPU went over the measured window
 * @param meanBatch webhooks per ingest statement of the node
 * @param statements ingest statements of the node
 * @param nodeP99Millis the node's own p99 of ingest
 * @param peakHeapBytes the node's largest heap in use during the phase
 * @param activity the database's work over the measured window
 * @param topStatements the statements that took PostgreSQL's time (with {@code bench.pgStatements})
 */
record PhaseReport(
    PhaseResult load,
    Rows rows,
    long jobsWritten,
    Usage cpu,
    double meanBatch,
    long statements,
    double nodeP99Millis,
    double peakHeapBytes,
    Activity activity,
    List<StatementStats> topStatements) {

  /** Every acknowledged webhook, and only those, left a receipt and a ledger entry. */
  boolean recordedMatches() {
    return rows.match(load.acknowledged());
  }

  /** Prints the phase's figures, as the README describes them. */
  void print() {
    PhaseResult l = load;
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
    System.out.println("   errors: " + errors() + (l.aborted() ? " (stopped early: backlog)" : ""));
    System.out.printf(
        Locale.ROOT,
        "   node: %.1f webhooks per statement (%d statements), node-side p99 %.1f ms, heap peak "
            + "%.0f MB; load generator fell behind by at most %.1f ms%n",
        meanBatch,
        statements,
        nodeP99Millis,
        peakHeapBytes / 1048576,
        l.maxSendLagMicros() / 1000.0);
    System.out.println("   CPU over the measured window: " + cpu.describe());
    System.out.printf(
        Locale.ROOT,
        "   CPU per 2xx: node %.0f µs, postgres %.0f µs%n",
        cpu.node() * 1e4 / Math.max(1, l.achievedPerSecond()),
        cpu.postgres() * 1e4 / Math.max(1, l.achievedPerSecond()));
    System.out.println("   " + describeTimeline());
    double answered = Math.max(1, l.achievedPerSecond() * l.measuredSeconds());
    System.out.printf(
        Locale.ROOT,
        "   database over the measured window: %.3f commits and %.0f bytes of WAL per 2xx,"
            + " %.0f WAL flushes/s%s%n",
        activity.commits() / answered,
        activity.walBytes() / answered,
        activity.walSyncs() / l.measuredSeconds(),
        activity.walSyncMillis() > 0
            ? String.format(
                Locale.ROOT,
                " taking %.2f ms each on average",
                activity.walSyncMillis() / Math.max(1, activity.walSyncs()))
            : "");
    StatementStats.print(topStatements, (long) answered, "2xx");
    System.out.printf(
        Locale.ROOT,
        "   rows: %d receipts, %d ledger entries for %d acknowledged: %s (jobs written: %d, as"
            + " PostgreSQL's statistics tell so far)%n",
        rows.receipts(),
        rows.ledgerEntries(),
        l.acknowledged(),
        recordedMatches() ? "recorded == acknowledged" : "MISMATCH",
        jobsWritten);
  }

  /**
   * Whether the tail is spread evenly or comes from a few bad seconds: how many seconds of the
   * measured window had their own p99 over the target, and the worst of them.
   */
  private String describeTimeline() {
    List<OpenLoopLoad.Second> timeline =
        load.timeline().stream().filter(OpenLoopLoad.Second::measured).toList();
    List<OpenLoopLoad.Second> over =
        timeline.stream().filter(s -> s.p99Millis() > IngestBench.TARGET_P99_MS).toList();
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
        IngestBench.TARGET_P99_MS,
        over.size(),
        timeline.size(),
        worst);
  }

  /** The phase second by second, by intended send time, as {@code timeline-<phase>.tsv}. */
  String timelineTsv() {
    StringBuilder out =
        new StringBuilder(
            "second\tutc\tmeasured\tanswered\tp50_ms\tp99_ms\tmax_ms\tsend_lag_ms\tawaiting\n");
    for (OpenLoopLoad.Second s : load.timeline()) {
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

  /** Non-2xx answers by status, failures by kind, and webhooks left without an answer. */
  String errors() {
    if (load.errorCount() == 0) {
      return "none";
    }
    String s =
        load.errors().entrySet().stream()
            .map(e -> e.getKey() + " x" + e.getValue())
            .collect(Collectors.joining(", "));
    return load.unanswered() > 0
        ? s + (s.isEmpty() ? "" : ", ") + "unanswered x" + load.unanswered()
        : s;
  }

  /** The banner of a phase whose recorded rows differ from its acknowledgements. */
  void printMismatch() {
    printMismatch(
        load.name(), load.acknowledged(), rows.receipts(), rows.ledgerEntries(), -1, errors());
  }

  /** A loud banner: recorded and acknowledged differ ({@code jobs} < 0: not compared). */
  static void printMismatch(
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
}
