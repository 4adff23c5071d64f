package io.paybridge.core.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records the outcomes of delivery attempts in groups, as the ingest path's group commit does (ADR
 * 1, ADR 8): outcomes wait in a bounded queue and are written by one transaction ({@link
 * DeliveryBatchStore#record}) when {@code max} of them wait or {@code wait} after the first one,
 * one transaction at a time; outcomes that arrive meanwhile form the next batch, so batches grow
 * with the load. Used on the dispatcher's context only.
 */
final class OutcomeBatcher {

  private static final Logger LOG = Logger.getLogger(OutcomeBatcher.class.getName());

  private record Waiting(DeliveryBatchStore.Outcome outcome, Promise<Boolean> recorded) {}

  private final Vertx vertx;
  private final DeliveryBatchStore store;
  private final int max;
  private final long waitMs;
  private final Deque<Waiting> queue = new ArrayDeque<>();
  private boolean writing;
  private long timer = -1;
  private long batches;
  private long recorded;

  OutcomeBatcher(Vertx vertx, DeliveryBatchStore store, int max, Duration wait) {
    this.vertx = vertx;
    this.store = store;
    this.max = max;
    this.waitMs = wait.toMillis();
  }

  /**
   * Queues an outcome for the next batch.
   *
   * @return whether it was recorded: its job still held under the attempt's claim and the delivery
   *     not delivered meanwhile ({@code false}: it changed nothing)
   */
  Future<Boolean> add(DeliveryBatchStore.Outcome outcome) {
    Promise<Boolean> promise = Promise.promise();
    queue.add(new Waiting(outcome, promise));
    if (queue.size() >= max || waitMs == 0) {
      write();
    } else if (timer == -1 && !writing) {
      timer =
          vertx.setTimer(
              waitMs,
              id -> {
                timer = -1;
                write();
              });
    }
    return promise.future();
  }

  /** Batches written so far, and outcomes in them (for the dispatcher's tests and logs). */
  long batches() {
    return batches;
  }

  long outcomes() {
    return recorded;
  }

  private void write() {
    if (writing || queue.isEmpty()) {
      return;
    }
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Waiting> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < max) {
      batch.add(queue.poll());
    }
    writing = true;
    batches++;
    recorded += batch.size();
    store
        .record(batch.stream().map(Waiting::outcome).toList())
        .onComplete(
            ar -> {
              writing = false;
              if (ar.failed()) {
                LOG.log(
                    Level.WARNING,
                    "could not record {0} delivery outcomes: {1}",
                    new Object[] {batch.size(), String.valueOf(ar.cause())});
                batch.forEach(w -> w.recorded().fail(ar.cause()));
              } else {
                DeliveryBatchStore.Recorded r = ar.result();
                batch.forEach(
                    w ->
                        w.recorded()
                            .complete(
                                r.heldJobs().contains(w.outcome().job().id())
                                    && r.recordedDeliveries()
                                        .contains(w.outcome().delivery().id())));
              }
              // Outcomes that came while this batch was written form the next one, at once.
              write();
            });
  }
}
