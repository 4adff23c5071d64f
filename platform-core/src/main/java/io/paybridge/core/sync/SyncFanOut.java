package io.paybridge.core.sync;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.job.WakeableVerticle;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns recorded ledger entries into deliveries, in batches. Every recorded entry comes with a
 * {@code sync} job written in the same statement; this verticle takes due sync jobs a batch at a
 * time, each batch one statement ({@link SyncStore#fanOutDue}), so fanning out costs the database
 * one round trip and one commit per batch rather than a claim, a fan-out and a delete per entry.
 *
 * <p>It runs when the event bus says entries were committed (on any node), now and then besides,
 * and again at once while batches come back full or wake-ups arrived during a run: under load the
 * batch grows with the backlog, as group commit does on the ingest side. One statement at a time
 * per node; nodes share the work through {@code SKIP LOCKED}. When a batch created anything, the
 * job workers of every node are woken to deliver it.
 */
public final class SyncFanOut extends WakeableVerticle {

  private static final Logger LOG = Logger.getLogger(SyncFanOut.class.getName());

  private final SyncStore store;
  private final int batch;
  private boolean running;
  private boolean again;

  /**
   * @param batch most entries fanned out by one statement
   * @param pollInterval how often to look for work without a wake-up (work committed while this
   *     node was down or cut off from the event bus)
   */
  public SyncFanOut(SyncStore store, int batch, Duration pollInterval) {
    super(EventBusAddresses.SYNC_WAKE, pollInterval);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1");
    }
    this.store = store;
    this.batch = batch;
  }

  @Override
  protected void wake() {
    if (stopped()) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    store
        .fanOutDue(batch)
        .onComplete(
            ar -> {
              running = false;
              if (ar.failed()) {
                // Nothing was taken: the next wake-up or poll tries again.
                LOG.log(Level.WARNING, "cannot fan out sync jobs: {0}", String.valueOf(ar.cause()));
                return;
              }
              if (ar.result().entries() > 0) {
                // Deliveries to make, and whatever else the same commits queued (a cancellation).
                vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
              }
              if (again || ar.result().entries() == batch) {
                context.runOnContext(v -> wake());
              }
            });
  }
}
