package io.paybridge.bench;

/**
 * The entry point of the chaos and soak suites ({@code -Pchaos}, {@code -Psoak}): runs the suite
 * {@code chaos.suite} names, stopping everything it started however it ends, and exits non-zero
 * when a pass condition failed (3) or the run could not be made (1, 2).
 */
public final class ChaosMain {

  private ChaosMain() {}

  public static void main(String[] args) {
    BenchMain.Suite suite;
    try {
      suite =
          "soak".equals(System.getProperty("chaos.suite"))
              ? new SoakSuite(SoakSettings.fromSystemProperties())
              : new ChaosSuite(ChaosSettings.fromSystemProperties());
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.exit(2);
      return;
    }
    Teardown teardown = new Teardown();
    int code;
    try {
      code = suite.run(teardown);
    } catch (Exception e) {
      System.err.println("chaos: the run failed: " + e);
      e.printStackTrace();
      code = 1;
    } finally {
      teardown.close();
    }
    System.exit(code);
  }
}
