package io.paybridge.bench;

import java.util.Locale;

/**
 * The benchmark JVM's entry point: runs the suite {@code bench.suite} names, the ingest benchmark
 * ({@link IngestBench}) unless it says {@code sync} ({@link SyncBench}).
 */
public final class BenchMain {

  /** One benchmark run: what it starts is registered with its teardown. */
  interface Suite {
    /** Runs the benchmark; the process's exit status. */
    int run() throws Exception;

    /** What stops everything the run started, whether it ended, failed or was interrupted. */
    Teardown teardown();
  }

  private BenchMain() {}

  public static void main(String[] args) {
    String name = System.getProperty("bench.suite", "").strip().toLowerCase(Locale.ROOT);
    BenchSettings settings;
    try {
      if (!name.isEmpty() && !name.equals("ingest") && !name.equals("sync")) {
        throw new IllegalArgumentException(
            "bench.suite must be ingest or sync, was '" + name + "'");
      }
      settings = BenchSettings.fromSystemProperties();
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Suite suite = name.equals("sync") ? new SyncBench(settings) : new IngestBench(settings);
    int code;
    try {
      code = suite.run();
    } catch (Exception e) {
      System.err.println("bench: the run failed: " + e);
      e.printStackTrace();
      code = 1;
    } finally {
      suite.teardown().close();
    }
    System.exit(code);
  }
}
