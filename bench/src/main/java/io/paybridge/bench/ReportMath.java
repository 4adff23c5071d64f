package io.paybridge.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The arithmetic of the reports: duplicates among ledger keys, redeliveries a receiver saw,
 * percentiles, and the trend of a sampled figure as a least-squares slope per hour.
 */
final class ReportMath {

  private ReportMath() {}

  /**
   * Rows beyond the first for every key that occurs more than once: 0 when every key is unique,
   * {@code n - 1} for a key booked {@code n} times. Null keys (an entry without a payment id) are
   * not counted.
   */
  static long surplus(Collection<String> keys) {
    Map<String, Integer> counts = new HashMap<>();
    for (String key : keys) {
      if (key != null) {
        counts.merge(key, 1, Integer::sum);
      }
    }
    return counts.values().stream().mapToLong(n -> n - 1L).sum();
  }

  /**
   * Deliveries beyond the first that a receiver accepted for the ledger entries {@code entryIds},
   * from its count of repeats per message id ({@code pb_<entry id>}).
   */
  static long redeliveries(Map<String, Integer> repeatsById, Collection<Long> entryIds) {
    long total = 0;
    for (Long id : entryIds) {
      total += repeatsById.getOrDefault("pb_" + id, 0);
    }
    return total;
  }

  /**
   * The least-squares slope of {@code values} over {@code minutes}, in units per hour; NaN with
   * fewer than two distinct times.
   */
  static double slopePerHour(double[] minutes, double[] values) {
    if (minutes.length != values.length) {
      throw new IllegalArgumentException("as many times as values are needed");
    }
    int n = minutes.length;
    if (n < 2) {
      return Double.NaN;
    }
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < n; i++) {
      meanX += minutes[i];
      meanY += values[i];
    }
    meanX /= n;
    meanY /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (minutes[i] - meanX) * (values[i] - meanY);
      sxx += (minutes[i] - meanX) * (minutes[i] - meanX);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx * 60;
  }

  /**
   * The {@code p}-th percentile (0 to 100) of {@code values} by the nearest-rank method: the least
   * value that at least {@code p} % of them do not exceed; NaN for none. Sorts {@code values}.
   */
  static double percentile(long[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int rank = (int) Math.ceil(p / 100.0 * values.length);
    return values[Math.max(0, Math.min(values.length, rank) - 1)];
  }
}
