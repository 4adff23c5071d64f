package io.paybridge.bench;

import java.nio.file.Path;

/**
 * The soak suite's settings, {@code soak.*} system properties (see docs/chaos-and-soak.md).
 *
 * @param minutes how long the load runs; one sample at the end of each minute
 * @param rate signed Stripe webhooks per second: by default half the last sustained ingest rate in
 *     bench/README.md (7,097/s)
 * @param tenants tenants the webhooks are spread over
 * @param nodeHeap the node's {@code -Xmx}
 * @param maxHeapGrowthMbPerHour the most the heap after a full collection may grow per hour
 * @param maxEntryGrowthPercentPerHour the most the database's bytes per ledger entry may grow per
 *     hour, in percent of their mean
 */
record SoakSettings(
    Path workDir,
    int minutes,
    int rate,
    int tenants,
    String nodeHeap,
    int maxHeapGrowthMbPerHour,
    int maxEntryGrowthPercentPerHour) {

  /**
   * The sustained ingest rate of bench/README.md's latest results (4,686/s on 2026-12-07), halved.
   */
  static final int DEFAULT_RATE = 4_686 / 2;

  static SoakSettings fromSystemProperties() {
    int minutes = ChaosSettings.number("soak.minutes", 60);
    int rate = ChaosSettings.number("soak.rate", DEFAULT_RATE);
    if (minutes < 2 || rate < 1) {
      throw new IllegalArgumentException("soak.minutes must be 2 or more and soak.rate 1 or more");
    }
    return new SoakSettings(
        Path.of(ChaosSettings.text("bench.workDir", "target")).toAbsolutePath().normalize(),
        minutes,
        rate,
        ChaosSettings.number("soak.tenants", 20),
        ChaosSettings.text("soak.nodeHeap", "512m"),
        ChaosSettings.number("soak.maxHeapGrowthMbPerHour", 64),
        ChaosSettings.number("soak.maxEntryGrowthPercentPerHour", 10));
  }
}
