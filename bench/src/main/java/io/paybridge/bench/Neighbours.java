package io.paybridge.bench;

import io.paybridge.bench.CpuAccounting.Snapshot;
import io.paybridge.bench.CpuAccounting.Usage;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The other processes of a shared machine: a wait for them to go quiet before a measured stretch,
 * so that a neighbour's burst does not land in it, and a warning when they disturbed one anyway.
 */
final class Neighbours {

  /** CPU (percent of one core) used by unrelated processes above which a stretch is disturbed. */
  private static final double NOISY = 10;

  private Neighbours() {}

  /**
   * Waits (up to {@code quietSeconds}; 0: not at all) until processes other than the benchmark's
   * own use under {@value #NOISY} % of a core; says so when they did not before {@code what}
   * starts.
   */
  static void awaitQuiet(CpuAccounting cpu, int quietSeconds, String what)
      throws InterruptedException {
    if (quietSeconds <= 0) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(quietSeconds);
    double other;
    do {
      Snapshot a = cpu.take();
      TimeUnit.SECONDS.sleep(2);
      other = cpu.between(a, cpu.take()).other();
    } while (other > NOISY && System.nanoTime() < deadline);
    if (other > NOISY) {
      System.out.printf(
          Locale.ROOT,
          "   (other processes still use %.0f%% of a core; %s starts anyway)%n",
          other,
          what);
    }
  }

  /**
   * Warns when other processes used more than {@value #NOISY} % of a core during {@code what}:
   * {@code itsFigures} ("its figures understate") what this machine can do.
   */
  static void warnIfDisturbed(Usage used, String what, String itsFigures) {
    if (used.other() > NOISY) {
      System.out.printf(
          Locale.ROOT,
          "   WARNING: other processes used %.0f%% of a core during %s: %s what this machine can"
              + " do%n",
          used.other(),
          what,
          itsFigures);
    }
  }
}
