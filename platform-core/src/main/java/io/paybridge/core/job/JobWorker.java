package io.paybridge.core.job;

import io.paybridge.core.EventBusAddresses;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs due jobs on this node. It polls the queue now and then and, more to the point, whenever a
 * wake-up arrives on the event bus (published after every commit that created work), so committed
 * work starts within milliseconds. It claims no more than it can run at once; each attempt is
 * bounded by a timeout shorter than the lease, so a lease always outlasts the attempt it guards. An
 * attempt cut off by its timeout may still finish later; the writes it makes under its claim
 * ({@link JobQueue#WITH_CLAIM}) then change nothing. A verticle, so its state is only ever touched
 * from its own context.
 */
public final class JobWorker extends WakeableVerticle {

  private static final Logger LOG = Logger.getLogger(JobWorker.class.getName());

  /** Settings of a worker. */
  public record Settings(
      int concurrency,
      Duration lease,
      Duration attemptTimeout,
      Duration pollInterval,
      Backoff backoff) {
    public Settings {
      if (attemptTimeout.compareTo(lease) >= 0) {
        throw new IllegalArgumentException("a job's lease must outlast its attempt timeout");
      }
    }

    public static Settings defaults() {
      return new Settings(
          32, Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofSeconds(2), Backoff.DEFAULT);
    }
  }

  /**
   * Told how each attempt ended, by job kind, so the platform's metrics count retries and dead
   * jobs: {@code done}, {@code retry} (the handler asked for one), {@code failed} (it threw or
   * timed out, and is retried), {@code parked}, {@code dead}, or {@code dropped} (its outcome could
   * not be recorded, or came after its lease passed to another worker).
   */
  @FunctionalInterface
  public interface Outcomes {
    Outcomes NONE = (kind, outcome) -> {};

    void attempt(String kind, String outcome);
  }

  /** Every outcome {@link Outcomes} is told, for meters registered before the first attempt. */
  public static final List<String> OUTCOMES =
      List.of("done", "retry", "failed", "parked", "dead", "dropped");

  private final JobQueue queue;
  private final Map<String, JobHandler> handlers;
  private final List<String> kinds;
  private final Settings settings;
  private final String owner;
  private final Outcomes outcomes;
  private boolean claiming;
  private boolean wakeWhileClaiming;
  private int running;

  /**
   * @param owner this node's name in lease columns (for operators reading the jobs table)
   */
  public JobWorker(
      JobQueue queue, Map<String, JobHandler> handlers, Settings settings, String owner) {
    this(queue, handlers, settings, owner, Outcomes.NONE);
  }

  /**
   * @param outcomes told how each attempt ended
   */
  public JobWorker(
      JobQueue queue,
      Map<String, JobHandler> handlers,
      Settings settings,
      String owner,
      Outcomes outcomes) {
    super(EventBusAddresses.JOBS_WAKE, settings.pollInterval());
    this.outcomes = outcomes;
    this.queue = queue;
    this.handlers = Map.copyOf(handlers);
    this.kinds = List.copyOf(handlers.keySet());
    this.settings = settings;
    this.owner = owner;
  }

  /** Jobs currently running on this worker. */
  public int running() {
    return running;
  }

  @Override
  protected void wake() {
    if (stopped()) {
      return;
    }
    if (claiming) {
      wakeWhileClaiming = true;
      return;
    }
    int free = settings.concurrency() - running;
    if (free <= 0) {
      return;
    }
    claiming = true;
    wakeWhileClaiming = false;
    queue
        .claim(kinds, free, owner, settings.lease())
        .onComplete(
            ar -> {
              claiming = false;
              if (ar.failed()) {
                LOG.log(Level.WARNING, "cannot claim jobs: {0}", String.valueOf(ar.cause()));
                return;
              }
              ar.result().forEach(this::run);
              if (wakeWhileClaiming || ar.result().size() == free) {
                context.runOnContext(v -> wake());
              }
            });
  }

  private void run(Job job) {
    running++;
    JobHandler handler = handlers.get(job.kind());
    Future<JobResult> attempt;
    try {
      attempt = handler.handle(job);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    attempt
        .timeout(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(result -> new Ended(result, result.label()))
        .recover(
            err -> {
              LOG.log(
                  Level.WARNING,
                  "job " + job.id() + " (" + job.kind() + ") attempt " + job.attempts() + " failed",
                  err);
              return Future.succeededFuture(
                  new Ended(JobResult.retry(String.valueOf(err)), "failed"));
            })
        .compose(
            ended -> {
              JobResult result = ended.result();
              Duration delay =
                  result instanceof JobResult.Retry r && r.after() != null
                      ? r.after()
                      : settings.backoff().after(job.attempts());
              return queue.finish(job, result, delay).map(kept -> kept ? ended.outcome() : null);
            })
        .onComplete(
            ar -> {
              running--;
              outcomes.attempt(
                  job.kind(), ar.succeeded() && ar.result() != null ? ar.result() : "dropped");
              if (ar.failed()) {
                // The job keeps its lease and runs again when it expires.
                LOG.log(
                    Level.WARNING,
                    "could not record the outcome of job {0}: {1}",
                    new Object[] {job.id(), String.valueOf(ar.cause())});
              } else if (ar.result() == null) {
                LOG.log(
                    Level.WARNING,
                    "job {0} had been taken over after its lease expired; its outcome was dropped",
                    job.id());
              }
              wake();
            });
  }

  /** What an attempt came to, and its outcome's name for {@link Outcomes}. */
  private record Ended(JobResult result, String outcome) {}
}
