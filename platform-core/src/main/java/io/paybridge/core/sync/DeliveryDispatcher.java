package io.paybridge.core.sync;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.job.WakeableVerticle;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes this node's deliveries, apart from the job workers that run every other kind of job. It
 * claims due deliveries in batches fair between tenants ({@link DeliveryBatchStore#claim}, at most
 * what the node's free slots, each tenant's share and its targets' lanes allow: {@link
 * DispatchSlots}), sends each one when its target has room below its adaptive in-flight limit, and
 * records the outcomes of sent requests in batches ({@link OutcomeBatcher}): a claim and a
 * transaction serve many deliveries. Giving up, parking and a target that answered 410 are recorded
 * one at a time, as the job workers do, since they are rare.
 *
 * <p>Every write is fenced by the attempt's claim token, whether alone or in a batch, so a node
 * whose lease ran out changes nothing, and a delivered delivery never goes back. Each attempt is
 * bounded by {@code attemptBound}, shorter than the lease. A verticle: its state is touched from
 * its own context only.
 */
public final class DeliveryDispatcher extends WakeableVerticle {

  private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class.getName());

  private final SyncDelivery delivery;
  private final DeliveryBatchStore store;
  private final JobQueue queue;
  private final DispatchSettings settings;
  private final Duration lease;
  private final Duration attemptBound;
  private final Backoff backoff;
  private final String owner;
  private final JobWorker.Outcomes outcomes;
  private DispatchSlots slots;
  private OutcomeBatcher batcher;
  private boolean claiming;
  private boolean again;
  private long claims;
  private long claimed;

  /**
   * @param lease how long a claim holds a delivery; must outlast {@code attemptBound}
   * @param attemptBound the longest one attempt may take, its database writes included
   * @param outcomes told how each attempt ended, as the job workers tell it
   */
  public DeliveryDispatcher(
      SyncDelivery delivery,
      DeliveryBatchStore store,
      JobQueue queue,
      DispatchSettings settings,
      Duration lease,
      Duration attemptBound,
      Duration pollInterval,
      Backoff backoff,
      String owner,
      JobWorker.Outcomes outcomes) {
    super(EventBusAddresses.JOBS_WAKE, pollInterval);
    if (attemptBound.compareTo(lease) >= 0) {
      throw new IllegalArgumentException("a delivery's lease must outlast its attempt");
    }
    this.delivery = delivery;
    this.store = store;
    this.queue = queue;
    this.settings = settings;
    this.lease = lease;
    this.attemptBound = attemptBound;
    this.backoff = backoff;
    this.owner = owner;
    this.outcomes = outcomes;
    this.slots = new DispatchSlots(settings);
  }

  /** Deliveries claimed and not yet recorded on this node. */
  public int held() {
    return slots.held();
  }

  /** Claim statements run, and deliveries they claimed. */
  public long claims() {
    return claims;
  }

  public long claimed() {
    return claimed;
  }

  /** Outcome batches written, and the outcomes in them. */
  public long outcomeBatches() {
    return batcher == null ? 0 : batcher.batches();
  }

  public long batchedOutcomes() {
    return batcher == null ? 0 : batcher.outcomes();
  }

  @Override
  protected void wake() {
    if (stopped()) {
      return;
    }
    if (batcher == null) {
      batcher = new OutcomeBatcher(vertx, store, settings.batchMax(), settings.batchWait());
    }
    if (claiming) {
      again = true;
      return;
    }
    int free = slots.free();
    if (free <= 0) {
      return;
    }
    claiming = true;
    again = false;
    claims++;
    store
        .claim(free, owner, lease, slots.newcomerRoom(), slots.rooms())
        .onComplete(
            ar -> {
              claiming = false;
              if (ar.failed()) {
                LOG.log(Level.WARNING, "cannot claim deliveries: {0}", String.valueOf(ar.cause()));
                return;
              }
              List<DeliveryBatchStore.Claimed> got = ar.result();
              claimed += got.size();
              got.forEach(this::start);
              if (again || (!got.isEmpty() && slots.free() > 0)) {
                // More may be due: after the outcomes of this moment, so one claim takes them all.
                vertx.setTimer(Math.max(1, settings.batchWait().toMillis()), id -> wake());
              }
            });
  }

  private void start(DeliveryBatchStore.Claimed c) {
    UUID tenant = c.job().tenantId();
    slots.claimed(tenant);
    UUID lane = c.delivery() == null ? tenant : c.delivery().target().id();
    slots.submit(lane, tenant, () -> run(c, lane));
  }

  /** What an attempt came to: its result, whether a batch finished its job, and how it went. */
  private record Ended(JobResult result, boolean finished, String outcome) {}

  private void run(DeliveryBatchStore.Claimed c, UUID lane) {
    Job job = c.job();
    boolean[] batched = {false};
    SyncDelivery.Recorder recorder =
        (j, d, attempt, then) -> {
          batched[0] = true;
          return batcher.add(new DeliveryBatchStore.Outcome(j, d, attempt, retryAfter(j, then)));
        };
    Future<JobResult> attempt;
    try {
      attempt = delivery.deliver(c, recorder);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    attempt
        .timeout(attemptBound.toMillis(), TimeUnit.MILLISECONDS)
        .map(result -> new Ended(result, batched[0], result.label()))
        .recover(
            err -> {
              LOG.log(Level.WARNING, "delivery job " + job.id() + " attempt failed", err);
              return Future.succeededFuture(
                  new Ended(JobResult.retry(String.valueOf(err)), false, "failed"));
            })
        .compose(
            ended ->
                (ended.finished()
                        ? Future.succeededFuture(true)
                        : queue.finish(job, ended.result(), retryAfter(job, ended.result())))
                    .map(kept -> kept ? ended : null))
        .onComplete(
            ar -> {
              Ended ended = ar.succeeded() ? ar.result() : null;
              slots.finished(
                  lane, ended != null && "done".equals(ended.outcome()), struggling(ended));
              slots.released(job.tenantId());
              outcomes.attempt(job.kind(), ended == null ? "dropped" : ended.outcome());
              wake();
            });
  }

  /**
   * Whether an attempt failed in a way that asks a target for fewer requests at once: no answer, a
   * 5xx or a 429; not another 4xx, which says nothing of the receiver's load.
   */
  private static boolean struggling(Ended ended) {
    if (ended == null || !(ended.result() instanceof JobResult.Retry retry)) {
      return false;
    }
    String error = String.valueOf(retry.error());
    return !error.startsWith("HTTP 4") || error.startsWith("HTTP 429");
  }

  private Duration retryAfter(Job job, JobResult result) {
    if (!(result instanceof JobResult.Retry retry)) {
      return null;
    }
    return retry.after() != null ? retry.after() : backoff.after(job.attempts());
  }
}
