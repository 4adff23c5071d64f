package io.paybridge.bench;

/**
 * The benchmark JVM's entry point: runs the suite {@code bench.suite} names: the ingest benchmark
 * ({@link IngestBench}), the sync benchmark ({@link SyncBench}), or both one after the other
 * ({@link BothSuites}).
 */
public final class BenchMain {

  /** One benchmark run. */
  @FunctionalInterface
  interface Suite {
    /**
     * Runs the benchmark, registering everything it starts with {@code teardown}, which stops it
     * whether the run ended, failed or was interrupted; the process's exit status.
     */
    int run(Teardown teardown) throws Exception;
  }

  private BenchMain() {}

  public static void main(String[] args) {
    BenchSettings settings;
    try {
      settings = BenchSettings.fromSystemProperties();
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Suite suite =
        switch (settings.suite()) {
          case SYNC -> new SyncBench(settings);
          case INGEST -> new IngestBench(settings);
          case ALL -> new BothSuites();
        };
    Teardown teardown = new Teardown();
    int code;
    try {
      code = suite.run(teardown);
    } catch (Exception e) {
      System.err.println("bench: the run failed: " + e);
      e.printStackTrace();
      code = 1;
    } finally {
      teardown.close();
    }
    System.exit(code);
  }
}
