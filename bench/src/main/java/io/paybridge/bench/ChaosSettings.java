package io.paybridge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The chaos suite's settings, {@code chaos.*} system properties (see bench/README.md); every fault
 * phase can be shortened for a quick run.
 *
 * @param rate signed Stripe webhooks per second, spread over the nodes
 * @param tenants tenants, each with a Stripe account and a webhook target at the sink
 * @param nodeHeap each node's {@code -Xmx}
 * @param syncTimeoutMs the nodes' {@code PAYBRIDGE_SYNC_TIMEOUT_MS}; the job lease is 4 × this + 2
 *     s
 * @param retryBaseMs the nodes' {@code PAYBRIDGE_RETRY_BASE_MS}: the first backoff, doubling
 * @param killSeconds how long nodes are killed and restarted, one at a time
 * @param killEverySeconds the pause between one node being ready again and the next kill
 * @param pgDownSeconds how long PostgreSQL stays down
 * @param sinkDownSeconds how long the sink is down (stands for an hour of outage)
 * @param faultSeconds how long the sink answers 429, and 410
 * @param retryAfterSeconds the sink's {@code Retry-After} with its 429s
 * @param recoverSeconds how long after a fault everything must be booked and delivered
 * @param phases which faults to run, in order: kill, postgres, stop, sink-down, 429, 410
 */
record ChaosSettings(
    Path workDir,
    int rate,
    int tenants,
    String nodeHeap,
    int syncTimeoutMs,
    int retryBaseMs,
    int killSeconds,
    int killEverySeconds,
    int pgDownSeconds,
    int sinkDownSeconds,
    int faultSeconds,
    int retryAfterSeconds,
    int recoverSeconds,
    List<String> phases) {

  static final List<String> ALL = List.of("kill", "postgres", "stop", "sink-down", "429", "410");

  static ChaosSettings fromSystemProperties() {
    List<String> phases = List.of(text("chaos.phases", String.join(",", ALL)).split(","));
    for (String p : phases) {
      if (!ALL.contains(p.strip())) {
        throw new IllegalArgumentException("chaos.phases: unknown fault " + p + "; known " + ALL);
      }
    }
    return new ChaosSettings(
        Path.of(text("bench.workDir", "target")).toAbsolutePath().normalize(),
        number("chaos.rate", 30),
        number("chaos.tenants", 6),
        text("chaos.nodeHeap", "256m"),
        number("chaos.syncTimeoutMs", 2000),
        number("chaos.retryBaseMs", 1000),
        number("chaos.killSeconds", 600),
        number("chaos.killEverySeconds", 30),
        number("chaos.pgDownSeconds", 20),
        number("chaos.sinkDownSeconds", 120),
        number("chaos.faultSeconds", 60),
        number("chaos.retryAfterSeconds", 5),
        number("chaos.recoverSeconds", 300),
        phases.stream().map(String::strip).toList());
  }

  /** The nodes' job lease: 4 × the sync timeout + 2 s. */
  Duration lease() {
    return Duration.ofMillis(4L * syncTimeoutMs + 2000);
  }

  static String text(String name, String defaultValue) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? defaultValue : v.strip();
  }

  static int number(String name, int defaultValue) {
    String v = text(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of 0 or more: " + v);
    }
  }
}
