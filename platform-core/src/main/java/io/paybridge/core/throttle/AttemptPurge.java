package io.paybridge.core.throttle;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes attempt counters whose window has ended ({@link AttemptStore#purge}) now and then, so the
 * table holds about one window's worth of clients. Every node runs it: the purge skips what others
 * hold, so nodes that run it at once only share the work.
 */
public final class AttemptPurge extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(AttemptPurge.class.getName());

  private final AttemptStore store;
  private final Duration interval;
  private long timer = -1;

  public AttemptPurge(AttemptStore store, Duration interval) {
    this.store = store;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> purge());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void purge() {
    store
        .purge()
        .onFailure(err -> LOG.log(Level.WARNING, "expired attempt counters not purged: {0}", err));
  }
}
