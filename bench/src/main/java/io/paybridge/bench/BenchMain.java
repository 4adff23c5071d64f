package io.paybridge.bench;

import java.util.Locale;

/**
 * The benchmark JVM's entry point: runs the suite {@code bench.suite} names, the ingest benchmark
 * ({@link IngestBench}) unless it says {@code sync} ({@link SyncBench}).
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    String suite = System.getProperty("bench.suite", "").strip().toLowerCase(Locale.ROOT);
    switch (suite) {
      case "", "ingest" -> IngestBench.main(args);
      case "sync" -> SyncBench.main(args);
      default -> {
        System.err.println("bench: bench.suite must be ingest or sync, was '" + suite + "'");
        System.exit(2);
      }
    }
  }
}
