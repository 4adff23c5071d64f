package io.paybridge.core.sync;

import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 */
public final class SyncDelivery implements JobHandler {

  private static final Logger LOG = Logger.getLogger(SyncDelivery.class.getName());
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);

  private final Vertx vertx;
  private final SyncStore store;
  private final LedgerStore ledger;
  private final TargetUrls urls;
  private final WebClient client;
  private final Clock clock;
  private final Duration attemptTimeout;
  private final String node;

  public SyncDelivery(
      Vertx vertx,
      SyncStore store,
      LedgerStore ledger,
      TargetUrls urls,
      Clock clock,
      Duration attemptTimeout,
      String node) {
    this.vertx = vertx;
    this.store = store;
    this.ledger = ledger;
    this.urls = urls;
    this.clock = clock;
    this.attemptTimeout = attemptTimeout;
    this.node = node;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("Paybridge-Webhooks/1")
                .setConnectTimeout(5_000)
                .setFollowRedirects(false)
                .setKeepAlive(true));
  }

  /** Runs a {@link SyncStore#DELIVER} job: one attempt to deliver its delivery. */
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
                return store
                    .giveUp(d.id(), "target deleted")
                    .map(new JobResult.Dead("target deleted"));
              }
              if (!d.target().enabled()) {
                return Future.succeededFuture(
                    new JobResult.Parked(
                        "target disabled: " + d.target().disabledReason(),
                        SyncStore.TARGET_ENABLED_AGAIN));
              }
              if (d.expired()) {
                return store
                    .giveUp(d.id(), "retry window closed")
                    .map(new JobResult.Dead("retry window closed"));
              }
              return ledger
                  .find(d.tenantId(), d.entryId())
                  .compose(
                      payment ->
                          payment == null
                              ? giveUp(d, "payment no longer exists")
                              : send(d, payment));
            });
  }

  private Future<JobResult> giveUp(SyncStore.Delivery d, String reason) {
    return store.giveUp(d.id(), reason).map(new JobResult.Dead(reason));
  }

  private Future<JobResult> send(SyncStore.Delivery d, Payment payment) {
    URI uri = URI.create(d.target().url());
    return vertx
        .executeBlocking(() -> InetAddress.getAllByName(uri.getHost()), false)
        .compose(
            addresses -> {
              for (InetAddress a : addresses) {
                String refusal = urls.refusal(a);
                if (refusal != null) {
                  return giveUp(d, "target resolves to " + refusal);
                }
              }
              return post(d, payment);
            },
            err -> record(d, null, 0, "cannot resolve " + uri.getHost() + ": " + err.getMessage()));
  }

  private Future<JobResult> post(SyncStore.Delivery d, Payment payment) {
    SyncMessages.Message message =
        SyncMessages.of(d.target(), d.tenantId(), payment, clock.instant());
    long started = System.nanoTime();
    return client
        .postAbs(d.target().url())
        .putHeaders(message.headers())
        .timeout(attemptTimeout.toMillis())
        .sendBuffer(message.body())
        .transform(
            ar -> {
              long latency = (System.nanoTime() - started) / 1_000_000;
              if (ar.failed()) {
                return record(d, null, latency, String.valueOf(ar.cause().getMessage()));
              }
              return outcome(d, ar.result(), latency);
            });
  }

  private Future<JobResult> outcome(SyncStore.Delivery d, HttpResponse<Buffer> r, long latency) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      return store.recordAttempt(d, "delivered", status, latency, null, node).map(JobResult.done());
    }
    String excerpt = excerpt(r);
    if (status == 410) {
      String reason = "the target answered 410 Gone";
      LOG.warning(() -> "sync target " + d.target().id() + " disabled: " + reason);
      return store
          .recordAttempt(d, "failed", status, latency, reason, node)
          .compose(v -> store.setEnabled(d.tenantId(), d.target().id(), false, reason))
          .map(new JobResult.Parked(reason, SyncStore.TARGET_ENABLED_AGAIN));
    }
    Duration retryAfter =
        status == 429 || status == 503 ? retryAfter(r.getHeader("Retry-After")) : null;
    return store
        .recordAttempt(d, "failed", status, latency, "HTTP " + status + excerpt, node)
        .map(new JobResult.Retry(retryAfter, "HTTP " + status));
  }

  private Future<JobResult> record(
      SyncStore.Delivery d, Integer status, long latency, String error) {
    return store
        .recordAttempt(d, "failed", status, latency, error, node)
        .map(JobResult.retry(error));
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

  private static String excerpt(HttpResponse<Buffer> r) {
    Buffer b = r.body();
    if (b == null || b.length() == 0) {
      return "";
    }
    String s = b.getString(0, Math.min(b.length(), 200), StandardCharsets.UTF_8.name());
    return ": " + s;
  }

  public void close() {
    client.close();
  }
}
