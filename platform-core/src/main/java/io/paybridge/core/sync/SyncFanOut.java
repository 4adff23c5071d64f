package io.paybridge.core.sync;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.job.WakeableVerticle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns recorded ledger entries into deliveries, in batches. Every recorded entry comes with a
 * {@code sync} job written in the same statement; this verticle takes due sync jobs a batch at a
 * time, each batch one statement ({@link SyncStore#fanOutDue}), so fanning out costs the database
 * one round trip and one commit per batch rather than a claim, a fan-out and a delete per entry.
 *
 * <p>It runs when the event bus says entries were committed (on any node), now and then besides,
 * and again while batches come back full or wake-ups arrived during a run. Runs start at least
 * {@code minInterval} apart unless the last batch was full: under a steady stream of commits
 * (hundreds a second) the wake-ups of one interval share one statement, so the database sees a few
 * dozen large batches a second rather than one small batch per ingest commit; at low load the first
 * wake-up runs at once. One statement at a time per node; nodes share the work through {@code SKIP
 * LOCKED}. When a batch created deliveries, the job workers of every node are woken to make them.
 */
public final class SyncFanOut extends WakeableVerticle {

  private static final Logger LOG = Logger.getLogger(SyncFanOut.class.getName());

  private final SyncStore store;
  private final int batch;
  private final long minIntervalNanos;
  private boolean running;
  private boolean again;
  private long lastStart;
  private boolean startedOnce;
  private long timer = -1;

  /**
   * @param batch most entries fanned out by one statement
   * @param pollInterval how often to look for work without a wake-up (work committed while this
   *     node was down or cut off from the event bus)
   */
  public SyncFanOut(SyncStore store, int batch, Duration pollInterval) {
    this(store, batch, pollInterval, Duration.ZERO);
  }

  /**
   * @param minInterval least time between the starts of two runs, unless the first took a full
   *     batch
   */
  public SyncFanOut(SyncStore store, int batch, Duration pollInterval, Duration minInterval) {
    super(EventBusAddresses.SYNC_WAKE, pollInterval);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1");
    }
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("minInterval must not be negative");
    }
    this.store = store;
    this.batch = batch;
    this.minIntervalNanos = minInterval.toNanos();
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
    long wait = startedOnce ? lastStart + minIntervalNanos - System.nanoTime() : 0;
    if (wait > 0) {
      if (timer < 0) {
        timer =
            vertx.setTimer(
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)),
                id -> {
                  timer = -1;
                  wake();
                });
      }
      return;
    }
    run();
  }

  private void run() {
    if (stopped()) {
      return;
    }
    running = true;
    again = false;
    startedOnce = true;
    lastStart = System.nanoTime();
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
              if (ar.result().deliveries() > 0) {
                vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
              }
              if (ar.result().entries() == batch) {
                // A backlog: take the next batch at once.
                context.runOnContext(v -> run());
              } else if (again) {
                context.runOnContext(v -> wake());
              }
            });
  }
}
