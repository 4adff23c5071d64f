package io.paybridge.core.tenant;

import io.paybridge.core.job.Periodic;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes console sessions that have ended ({@link ConsoleSessionStore#purge}) now and then: an
 * ended session is never found again, and its row need not outlive it. Every node runs it; the
 * purge skips rows others hold, so nodes that run it at once only share the work.
 */
public final class ConsoleSessionPurge extends Periodic {

  private static final Logger LOG = Logger.getLogger(ConsoleSessionPurge.class.getName());

  private final ConsoleSessionStore store;

  public ConsoleSessionPurge(ConsoleSessionStore store, Duration interval) {
    super(interval);
    this.store = store;
  }

  @Override
  protected void runOnce() {
    store
        .purge()
        .onFailure(err -> LOG.log(Level.WARNING, "ended console sessions not purged: {0}", err));
  }
}
