package io.paybridge.core.throttle;

import io.paybridge.core.job.Periodic;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes attempt counters whose window has ended ({@link AttemptStore#purge}) now and then, so the
 * table holds about one window's worth of clients. Every node runs it: the purge skips what others
 * hold, so nodes that run it at once only share the work.
 */
public final class AttemptPurge extends Periodic {

  private static final Logger LOG = Logger.getLogger(AttemptPurge.class.getName());

  private final AttemptStore store;

  public AttemptPurge(AttemptStore store, Duration interval) {
    super(interval);
    this.store = store;
  }

  @Override
  protected void runOnce() {
    store
        .purge()
        .onFailure(err -> LOG.log(Level.WARNING, "expired attempt counters not purged: {0}", err));
  }
}
