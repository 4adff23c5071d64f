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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The delivery job ({@link SyncStore#DELIVER}): delivering a recorded ledger entry to one of the
 * tenant's targets (the deliveries themselves are created by {@link SyncFanOut}). Delivery is at
 * least once: the receiver dedupes on the stable {@code webhook-id} (or {@code Idempotency-Key}). A
 * 2xx is success; 410 disables the target and parks the delivery until the target is enabled again;
 * 429 and 503 honour {@code Retry-After}; anything else is retried with backoff until the
 * delivery's retry window (three days) closes, then it is dead.
 *
 * <p>Each attempt resolves the target's name once ({@link TargetUrls#resolve}, Vert.x's
 * asynchronous resolver), checks every address it resolves to, and connects to the one it checked,
 * keeping the name for the {@code Host} header, the TLS server name and the certificate check; a
 * refused address fails the attempt and nothing is sent. Redirects are not followed. An error
 * answer is recorded as its status and a short printable excerpt ({@link ErrorExcerpt}).
 */
public final class SyncDelivery implements JobHandler {

  private static final Logger LOG = Logger.getLogger(SyncDelivery.class.getName());
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);

  private final SyncStore store;
  private final LedgerStore ledger;
  private final TargetUrls urls;
  private final WebClient client;
  private final PlatformMetrics metrics;
  private final Clock clock;
  private final Duration attemptTimeout;
  private final String node;

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
    this(vertx, store, ledger, config, metrics, clock, null);
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
    this.store = store;
    this.ledger = ledger;
    this.urls = new TargetUrls(vertx, config.allowPrivateTargets());
    this.metrics = metrics;
    this.clock = clock;
    this.attemptTimeout = config.syncTimeout();
    this.node = config.nodeName();
    WebClientOptions options =
        new WebClientOptions()
            .setUserAgent("Paybridge-Webhooks/1")
            .setConnectTimeout(5_000)
            .setFollowRedirects(false)
            .setKeepAlive(true);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    this.client = WebClient.create(vertx, options);
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
              if (d.target().deleted()) {
                return giveUp(job, d, "target deleted");
              }
              if (!d.target().enabled()) {
                return Future.succeededFuture(
                    new JobResult.Parked(
                        "target disabled: " + d.target().disabledReason(),
                        SyncStore.TARGET_ENABLED_AGAIN));
              }
              if (d.expired()) {
                return giveUp(job, d, "retry window closed");
              }
              return ledger
                  .find(d.tenantId(), d.entryId())
                  .compose(
                      payment ->
                          payment == null
                              ? giveUp(job, d, "payment no longer exists")
                              : send(job, d, payment));
            });
  }

  private Future<JobResult> giveUp(Job job, SyncStore.Delivery d, String reason) {
    return store
        .giveUp(job, d.id(), reason)
        .map(given -> given ? new JobResult.Dead(reason) : late(job, d));
  }

  /**
   * Resolves the target's host once and checks every address it resolves to; a refused one fails
   * the attempt (retried later: the name may be fixed) and nothing is sent.
   */
  private Future<JobResult> send(Job job, SyncStore.Delivery d, Payment payment) {
    URI uri = URI.create(d.target().url());
    String host = TargetUrls.hostOf(uri);
    return urls.resolve(uri)
        .transform(
            resolved -> {
              if (resolved.succeeded()) {
                return post(job, d, payment, uri, resolved.result());
              }
              if (resolved.cause() instanceof TargetUrls.Forbidden forbidden) {
                String reason = "refused: " + host + " " + forbidden.getMessage();
                LOG.warning(
                    () -> "delivery " + d.id() + " to target " + d.target().id() + " " + reason);
                return failed(job, d, null, 0, reason);
              }
              return failed(
                  job,
                  d,
                  null,
                  0,
                  "cannot resolve "
                      + host
                      + ": "
                      + ErrorExcerpt.printable(resolved.cause().getMessage(), 200));
            });
  }

  /**
   * Posts the message to the checked address, with the URL's host name as the {@code Host} header,
   * the TLS server name (SNI) and the name the certificate must match; the client never resolves
   * the name itself.
   */
  private Future<JobResult> post(
      Job job, SyncStore.Delivery d, Payment payment, URI uri, InetAddress address) {
    SyncMessages.Message message =
        SyncMessages.of(d.target(), d.tenantId(), payment, clock.instant());
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = TargetUrls.hostOf(uri);
    ErrorExcerpt.FirstBytes body = new ErrorExcerpt.FirstBytes();
    HttpRequest<Void> request =
        client
            .request(HttpMethod.POST, port, address.getHostAddress(), path)
            .ssl(https)
            .as(BodyCodec.pipe(body))
            .putHeaders(message.headers())
            .timeout(attemptTimeout.toMillis());
    if (!host.equals(address.getHostAddress()) && !host.contains(":")) {
      // a name: the checked address is connected to; the name is what the server is asked for
      request.virtualHost(host);
    }
    long started = System.nanoTime();
    return request
        .sendBuffer(message.body())
        .transform(
            ar -> {
              long latency = (System.nanoTime() - started) / 1_000_000;
              if (ar.failed()) {
                return failed(
                    job, d, null, latency, ErrorExcerpt.printable(ar.cause().getMessage(), 200));
              }
              return outcome(job, d, ar.result(), body, latency);
            });
  }

  private Future<JobResult> outcome(
      Job job,
      SyncStore.Delivery d,
      HttpResponse<Void> r,
      ErrorExcerpt.FirstBytes body,
      long latency) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      return record(job, d, SyncStore.Attempt.delivered(status, latency, node), JobResult.done());
    }
    if (status == 410) {
      return gone(job, d, status, latency);
    }
    Duration retryAfter =
        status == 429 || status == 503 ? retryAfter(r.getHeader("Retry-After")) : null;
    String excerpt = ErrorExcerpt.of(r.getHeader("Content-Type"), body.kept());
    String error = excerpt.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + excerpt;
    return record(
        job,
        d,
        SyncStore.Attempt.failed(status, latency, error, node),
        new JobResult.Retry(retryAfter, "HTTP " + status));
  }

  /** The receiver says the target is gone: the target is disabled and the delivery waits. */
  private Future<JobResult> gone(Job job, SyncStore.Delivery d, int status, long latency) {
    String reason = "the target answered 410 Gone";
    return store
        .recordAttempt(job, d, SyncStore.Attempt.failed(status, latency, reason, node))
        .compose(
            recorded -> {
              if (!recorded) {
                return Future.succeededFuture(late(job, d));
              }
              return store
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
      Job job, SyncStore.Delivery d, Integer status, long latency, String error) {
    return record(
        job, d, SyncStore.Attempt.failed(status, latency, error, node), JobResult.retry(error));
  }

  /** Records the attempt; {@code result} is the job's outcome when it was recorded in time. */
  private Future<JobResult> record(
      Job job, SyncStore.Delivery d, SyncStore.Attempt attempt, JobResult result) {
    return store.recordAttempt(job, d, attempt).map(recorded -> recorded ? result : late(job, d));
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
