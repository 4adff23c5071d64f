package io.paybridge.core.sync;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.metrics.PlatformMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The delivery job ({@link SyncStore#DELIVER}): delivering a recorded ledger entry to one of the
 * tenant's targets (the deliveries themselves are created by {@link SyncFanOut}). Delivery is at
 * least once: the receiver dedupes on the stable {@code webhook-id} (or {@code Idempotency-Key}). A
 * 2xx is success; 410 disables the target (unless the tenant changed it since the attempt read it)
 * and parks the delivery until the target is enabled again; 429 and 503 honour {@code Retry-After};
 * anything else is retried with backoff until the delivery's retry window (three days) closes, then
 * it is dead.
 *
 * <p>Each attempt resolves the target's name once ({@link TargetUrls#resolve}, Vert.x's
 * asynchronous resolver), checks every address it resolves to, and connects to the one it checked,
 * keeping the name for the {@code Host} header, the TLS server name and the certificate check; a
 * refused address fails the attempt and nothing is sent. Redirects are not followed. An error
 * answer is recorded as its status and a short printable excerpt ({@link ErrorExcerpt}).
 *
 * <p>Connections are kept alive and pooled per target (host, port and checked address), each pool
 * as large as a target's most requests in flight ({@link DispatchSettings#targetMaxInFlight}); a
 * TLS receiver that offers HTTP/2 through ALPN gets it. An attempt's timeout runs from when its
 * request is sent, not while it waits for a connection (that wait is bounded by the same time).
 *
 * <p>It runs the job workers' {@link #handle(Job)}, which reads the delivery and records the
 * attempt alone, and the delivery dispatcher's {@link #deliver}, which is given what the attempt
 * needs with its claim and records the common outcomes in batches.
 */
public final class SyncDelivery implements JobHandler {

  private static final Logger LOG = Logger.getLogger(SyncDelivery.class.getName());
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);

  /**
   * How an attempt's outcome is written: alone, or in the dispatcher's next batch, which then also
   * finishes the job as {@code then} says.
   *
   * @return whether the attempt was recorded under its claim ({@code false}: it changed nothing)
   */
  @FunctionalInterface
  public interface Recorder {
    Future<Boolean> record(
        Job job, SyncStore.Delivery d, SyncStore.Attempt attempt, JobResult then);
  }

  private final SyncStore store;
  private final DeliveryWrites writes;
  private final LedgerStore ledger;
  private final TargetUrls urls;
  private final TargetClient client;
  private final PlatformMetrics metrics;
  private final Clock clock;
  private final Duration attemptTimeout;
  private final String node;
  private final Recorder alone;

  /**
   * @param config which targets may be reached ({@code allowPrivateTargets}), how long one attempt
   *     may take ({@code syncTimeout}), and this node's name in the attempt log ({@code nodeName})
   */
  public SyncDelivery(
      Vertx vertx,
      SyncStore store,
      LedgerStore ledger,
      PaybridgeConfig config,
      PlatformMetrics metrics,
      Clock clock) {
    this(vertx, store, ledger, config, DispatchSettings.defaults(), metrics, clock, null);
  }

  /** As above, with connection pools sized by {@code dispatch}. */
  public SyncDelivery(
      Vertx vertx,
      SyncStore store,
      LedgerStore ledger,
      PaybridgeConfig config,
      DispatchSettings dispatch,
      PlatformMetrics metrics,
      Clock clock) {
    this(vertx, store, ledger, config, dispatch, metrics, clock, null);
  }

  /** As above; {@code trust}, when given, replaces the JVM's trusted certificates (tests). */
  SyncDelivery(
      Vertx vertx,
      SyncStore store,
      LedgerStore ledger,
      PaybridgeConfig config,
      PlatformMetrics metrics,
      Clock clock,
      TrustOptions trust) {
    this(vertx, store, ledger, config, DispatchSettings.defaults(), metrics, clock, trust);
  }

  SyncDelivery(
      Vertx vertx,
      SyncStore store,
      LedgerStore ledger,
      PaybridgeConfig config,
      DispatchSettings dispatch,
      PlatformMetrics metrics,
      Clock clock,
      TrustOptions trust) {
    this.store = store;
    this.writes = store.writes();
    this.ledger = ledger;
    this.urls = new TargetUrls(vertx, config.allowPrivateTargets());
    this.metrics = metrics;
    this.clock = clock;
    this.attemptTimeout = config.syncTimeout();
    this.node = config.nodeName();
    this.alone = (job, d, attempt, then) -> writes.recordAttempt(job, d, attempt);
    this.client = new TargetClient(vertx, dispatch, trust, attemptTimeout);
  }

  /**
   * Runs a {@link SyncStore#DELIVER} job: one attempt to deliver its delivery. Every write the
   * attempt makes is fenced by the job's claim: an attempt that outlives its timeout (its job is
   * retried, maybe on another node) or finds the delivery delivered changes nothing.
   */
  @Override
  public Future<JobResult> handle(Job job) {
    return store
        .delivery(job.refId())
        .compose(
            d -> {
              if (d == null || "delivered".equals(d.status())) {
                return Future.succeededFuture(JobResult.done());
              }
              return checked(job, d)
                  .orElseGet(
                      () ->
                          ledger
                              .find(d.tenantId(), d.entryId())
                              .compose(payment -> attempt(job, d, payment, alone)));
            });
  }

  /**
   * One attempt of a delivery the dispatcher claimed, with the delivery, its target and its entry
   * read by the claim. {@code recorder} writes the outcome of a sent request; giving up, parking
   * and a target gone are written at once, and the caller finishes their job.
   */
  public Future<JobResult> deliver(DeliveryBatchStore.Claimed claimed, Recorder recorder) {
    SyncStore.Delivery d = claimed.delivery();
    if (d == null || "delivered".equals(d.status())) {
      return Future.succeededFuture(JobResult.done());
    }
    return checked(claimed.job(), d)
        .orElseGet(() -> attempt(claimed.job(), d, claimed.payment(), recorder));
  }

  /** The result of a delivery that is not to be sent now, if it is not. */
  private Optional<Future<JobResult>> checked(Job job, SyncStore.Delivery d) {
    if (d.target().deleted()) {
      return Optional.of(giveUp(job, d, "target deleted"));
    }
    if (!d.target().enabled()) {
      return Optional.of(
          Future.succeededFuture(
              new JobResult.Parked(
                  "target disabled: " + d.target().disabledReason(),
                  SyncStore.TARGET_ENABLED_AGAIN)));
    }
    if (d.expired()) {
      return Optional.of(giveUp(job, d, "retry window closed"));
    }
    return Optional.empty();
  }

  private Future<JobResult> attempt(
      Job job, SyncStore.Delivery d, Payment payment, Recorder recorder) {
    return payment == null
        ? giveUp(job, d, "payment no longer exists")
        : send(job, d, payment, recorder);
  }

  private Future<JobResult> giveUp(Job job, SyncStore.Delivery d, String reason) {
    return writes
        .giveUp(job, d.id(), reason)
        .map(given -> given ? new JobResult.Dead(reason) : late(job, d));
  }

  /**
   * Resolves the target's host once and checks every address it resolves to; a refused one fails
   * the attempt (retried later: the name may be fixed) and nothing is sent.
   */
  private Future<JobResult> send(
      Job job, SyncStore.Delivery d, Payment payment, Recorder recorder) {
    URI uri = URI.create(d.target().url());
    String host = TargetUrls.hostOf(uri);
    return urls.resolve(uri)
        .transform(
            resolved -> {
              if (resolved.succeeded()) {
                return post(job, d, payment, uri, resolved.result(), recorder);
              }
              if (resolved.cause() instanceof TargetUrls.Forbidden forbidden) {
                String reason = "refused: " + host + " " + forbidden.getMessage();
                LOG.warning(
                    () -> "delivery " + d.id() + " to target " + d.target().id() + " " + reason);
                return failed(job, d, null, 0, reason, recorder);
              }
              return failed(
                  job,
                  d,
                  null,
                  0,
                  "cannot resolve "
                      + host
                      + ": "
                      + ErrorExcerpt.printable(resolved.cause().getMessage(), 200),
                  recorder);
            });
  }

  /**
   * Posts the message to the checked address ({@link TargetClient}); the client never resolves the
   * name itself.
   */
  private Future<JobResult> post(
      Job job,
      SyncStore.Delivery d,
      Payment payment,
      URI uri,
      InetAddress address,
      Recorder recorder) {
    SyncMessages.Message message =
        SyncMessages.of(d.target(), d.tenantId(), payment, clock.instant());
    return client
        .post(uri, address, message)
        .compose(
            sent ->
                sent.failure() != null
                    ? failed(
                        job,
                        d,
                        null,
                        sent.latencyMs(),
                        ErrorExcerpt.printable(String.valueOf(sent.failure().getMessage()), 200),
                        recorder)
                    : outcome(job, d, sent.answer(), sent.latencyMs(), recorder));
  }

  private Future<JobResult> outcome(
      Job job, SyncStore.Delivery d, TargetClient.Answer r, long latency, Recorder recorder) {
    int status = r.status();
    if (status >= 200 && status < 300) {
      return record(
          job, d, SyncStore.Attempt.delivered(status, latency, node), JobResult.done(), recorder);
    }
    if (status == 410) {
      return gone(job, d, status, latency);
    }
    Duration retryAfter = status == 429 || status == 503 ? retryAfter(r.retryAfter()) : null;
    String excerpt = ErrorExcerpt.of(r.contentType(), r.body().kept());
    String error = excerpt.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + excerpt;
    return record(
        job,
        d,
        SyncStore.Attempt.failed(status, latency, error, node),
        new JobResult.Retry(retryAfter, "HTTP " + status),
        recorder);
  }

  /** The receiver says the target is gone: the target is disabled and the delivery waits. */
  private Future<JobResult> gone(Job job, SyncStore.Delivery d, int status, long latency) {
    String reason = "the target answered 410 Gone";
    return writes
        .recordAttempt(job, d, SyncStore.Attempt.failed(status, latency, reason, node))
        .compose(
            recorded -> {
              if (!recorded) {
                return Future.succeededFuture(late(job, d));
              }
              return writes
                  .disableTarget(job, d.target(), reason)
                  .map(
                      disabled -> {
                        if (disabled) {
                          LOG.warning(
                              () -> "sync target " + d.target().id() + " disabled: " + reason);
                        }
                        return new JobResult.Parked(reason, SyncStore.TARGET_ENABLED_AGAIN);
                      });
            });
  }

  private Future<JobResult> failed(
      Job job,
      SyncStore.Delivery d,
      Integer status,
      long latency,
      String error,
      Recorder recorder) {
    return record(
        job,
        d,
        SyncStore.Attempt.failed(status, latency, error, node),
        JobResult.retry(error),
        recorder);
  }

  /** Records the attempt; {@code result} is the job's outcome when it was recorded in time. */
  private Future<JobResult> record(
      Job job,
      SyncStore.Delivery d,
      SyncStore.Attempt attempt,
      JobResult result,
      Recorder recorder) {
    return recorder
        .record(job, d, attempt, result)
        .map(recorded -> recorded ? result : late(job, d));
  }

  /**
   * An attempt whose writes changed nothing: its job's claim had passed on (the attempt outlived
   * its timeout and the job was claimed again) or the delivery was delivered meanwhile. Counted and
   * logged, not retried: the job's current holder, if any, decides.
   */
  private JobResult late(Job job, SyncStore.Delivery d) {
    metrics.lateAttempt(job.kind());
    LOG.info(
        () ->
            "delivery "
                + d.id()
                + ": a late attempt of job "
                + job.id()
                + " (its claim lost, or the delivery already delivered) changed nothing");
    return JobResult.done();
  }

  /** {@code Retry-After} in seconds or as an HTTP date; {@code null} when absent or unreadable. */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(header.strip()));
    } catch (NumberFormatException e) {
      try {
        d =
            Duration.between(
                clock.instant(),
                java.time.ZonedDateTime.parse(
                        header.strip(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
      } catch (java.time.format.DateTimeParseException e2) {
        return null;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  public void close() {
    client.close();
  }
}
