package io.paybridge.bench;

import io.paybridge.bench.CpuAccounting.Usage;
import io.paybridge.bench.ServerStatistics.Activity;
import io.paybridge.bench.ServerStatistics.StatementStats;
import io.paybridge.bench.SyncProgress.NodeAttempts;
import io.paybridge.bench.SyncSink.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one drain of the sync benchmark showed: its clock, the sink's view, the database's, and the
 * CPU split.
 *
 * @param backlogAttempts attempts by status while the backlog was built (the sink answered 410)
 * @param drainSeconds from the first enable request until the database showed every delivery done
 * @param sinkSeconds from the first enable request until the sink had seen every id
 * @param firstDeliveryMillis from the first enable request until the sink saw the first id
 * @param steadyPerSecond the rate between the first sightings of the 10th and the 90th percentile
 * @param perSecond new ids the sink saw in each second of the drain
 * @param attemptStatuses attempts by status during the drain
 * @param database the database's work over the drain ({@code null} for a warm-up)
 * @param statements the statements that took PostgreSQL's time (with {@code bench.pgStatements})
 */
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

  /**
   * The rate between the 10th and the 90th percentile of first sightings: the drain without its
   * start (jobs being claimed, code paths compiling) and its tail (the last few in flight).
   */
  static double steadyRate(long[] firstSeen) {
    int n = firstSeen.length;
    int from = n / 10;
    int to = (int) Math.ceil(n * 0.9) - 1;
    if (to <= from || firstSeen[to] <= firstSeen[from]) {
      return Double.NaN;
    }
    return (to - from) / ((firstSeen[to] - firstSeen[from]) / 1e9);
  }

  /** New ids the sink saw in each second after {@code start}. */
  static List<Long> perSecond(long[] firstSeen, long start) {
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
}
