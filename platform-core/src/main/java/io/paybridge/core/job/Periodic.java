package io.paybridge.core.job;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

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
