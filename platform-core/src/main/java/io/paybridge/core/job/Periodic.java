package io.paybridge.core.job;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Housekeeping every node runs now and then on its own timer (retention, purges): work that is
 * idempotent, so nodes that run it at once only share it, and that needs no wake-ups.
 */
public abstract class Periodic extends VerticleBase {

  private final Duration interval;
  private long timer = -1;

  protected Periodic(Duration interval) {
    this.interval = interval;
  }

  private static final Logger LOG = Logger.getLogger(Periodic.class.getName());

  /**
   * A purge run every {@code interval}: rows whose time has passed, deleted by a store that skips
   * what other nodes hold. A failed round is logged as {@code "<what> not purged"} and the next one
   * tries again.
   *
   * @param what what the purge deletes, for the log (e.g. "ended console sessions")
   */
  public static Periodic purge(String what, Duration interval, Supplier<Future<?>> purge) {
    return new Periodic(interval) {
      @Override
      protected void runOnce() {
        purge.get().onFailure(err -> LOG.log(Level.WARNING, what + " not purged: {0}", err));
      }
    };
  }

  /** One round of the work; reports its own failures (the next round tries again). */
  protected abstract void runOnce();

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> runOnce());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
