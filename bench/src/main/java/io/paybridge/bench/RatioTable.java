package io.paybridge.bench;

import java.util.Locale;

/**
 * A fairness table as the benchmarks print it: a group's p99 alone, then beside others, each
 * beside-row with its p99 over the alone p99 and whether that ratio is within the bound of 2.
 */
final class RatioTable {

  /** The most a p99 may grow beside others, as a multiple of the p99 alone. */
  static final double BOUND = 2;

  private final String row;

  /**
   * Prints {@code title} and the header: the first column {@code phase}, then {@code p99} and
   * {@code others}, with the widths of {@code row} (five {@code %s} columns, the last two fixed).
   */
  RatioTable(String title, String row, String phase, String p99, String others) {
    this.row = row;
    System.out.printf(Locale.ROOT, "%n== %s%n", title);
    System.out.printf(Locale.ROOT, row, phase, p99, others, "ratio", "ratio <= 2");
  }

  /** The row of the group alone. */
  void alone(String phase, String p99) {
    System.out.printf(Locale.ROOT, row, phase, p99, "-", "-", "");
  }

  /** A row beside others: what they did, and the ratio with its verdict. */
  void beside(String phase, String p99, String others, double ratio) {
    System.out.printf(
        Locale.ROOT,
        row,
        phase,
        p99,
        others,
        String.format(Locale.ROOT, "%.2f", ratio),
        ratio <= BOUND ? "PASS" : "MISSED");
  }
}
