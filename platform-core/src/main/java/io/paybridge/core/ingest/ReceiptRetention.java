package io.paybridge.core.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Enforces receipt retention ({@link ReceiptStore#purge}) now and then. Every node runs it: the
 * purge is idempotent, so nodes that run it at once only share the work.
 */
public final class ReceiptRetention extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ReceiptRetention.class.getName());

  private final ReceiptStore store;
  private final Duration retention;
  private final Duration interval;
  private long timer = -1;

  /**
   * @param retention how long bodies, headers and refused receipts are kept
   * @param interval how often the purge runs
   */
  public ReceiptRetention(ReceiptStore store, Duration retention, Duration interval) {
    this.store = store;
    this.retention = retention;
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
        .purge(retention)
        .onFailure(err -> LOG.log(Level.WARNING, "receipt retention not enforced: {0}", err));
  }
}
