package io.paybridge.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The blocking waits of a benchmark's script, which runs on its own thread beside Vert.x. */
final class Waits {

  /** How long a call to the database, the sink or the API may take. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private Waits() {}

  /** The outcome of a call to the database, the sink or the API, within a minute. */
  static <T> T await(Future<T> f) throws Exception {
    return f.await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until {@code nanoTime} (by {@link System#nanoTime()}). */
  static void sleepUntil(long nanoTime) throws InterruptedException {
    sleepUntil(nanoTime, null);
  }

  /**
   * Waits until {@code nanoTime}, or until {@code phase} completes (an aborted phase ends early).
   */
  static void sleepUntil(long nanoTime, Future<?> phase) throws InterruptedException {
    while (true) {
      long left = nanoTime - System.nanoTime();
      if (left <= 0 || (phase != null && phase.isComplete())) {
        return;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }
}
