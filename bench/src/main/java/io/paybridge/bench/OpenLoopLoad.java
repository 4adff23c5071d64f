package io.paybridge.bench;

import io.paybridge.bench.Deliveries.Delivery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: webhook {@code i} of a phase is due at {@code start + i / rate},
 * whether or not earlier ones have been answered, as gateways deliver them. Latency runs from that
 * intended time to the end of the response, so time spent queued anywhere (in the generator when it
 * falls behind, waiting for a free connection, in the node, in the database) counts, and a slow
 * server cannot hide its slowness by slowing the load down (no coordinated omission).
 *
 * <p>All of it runs on one event loop of the benchmark's Vert.x: a 1 ms periodic timer sends every
 * webhook that has come due, over a pool of HTTP/1.1 keep-alive connections without pipelining.
 * Each webhook is signed as it is sent, with the current time, exactly as Stripe signs.
 */
final class OpenLoopLoad {

  /** Latencies up to this many microseconds are recorded exactly (3 significant digits). */
  private static final long HIGHEST_MICROS = 10L * 60 * 1_000_000;

  private static final String CONTENT_TYPE = "application/json; charset=utf-8";
  private static final String USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

  /**
   * What one phase did.
   *
   * @param offered webhooks sent (all of them, unless the phase was aborted)
   * @param acknowledged 2xx answers over the whole phase, warm-up included
   * @param measuredAcknowledged 2xx answers to webhooks due in the measured part
   * @param achievedPerSecond 2xx answers completed during the measured window, per second
   * @param latency intended-send-to-answer times of the measured part's 2xx answers, microseconds
   * @param errors non-2xx answers by status, and failures by kind, over the whole phase
   * @param unanswered webhooks still without an answer when the phase gave up waiting
   * @param aborted the backlog grew past the phase's limit and sending stopped early
   * @param maxSendLagMicros the furthest the generator fell behind its schedule
   */
  record PhaseResult(
      String name,
      double targetRate,
      int offered,
      long acknowledged,
      long measuredAcknowledged,
      double achievedPerSecond,
      Histogram latency,
      Map<String, Integer> errors,
      int unanswered,
      boolean aborted,
      long maxSendLagMicros,
      double measuredSeconds,
      List<Second> timeline) {

    long errorCount() {
      return errors.values().stream().mapToLong(Integer::longValue).sum() + unanswered;
    }

    double percentileMillis(double p) {
      return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1000.0;
    }

    double maxMillis() {
      return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }
  }

  /**
   * One second of a phase, by the webhooks' intended send time: how many were due and answered 2xx,
   * their latencies, the generator's lag, and how many awaited an answer as the second ended.
   */
  record Second(
      int second,
      Instant at,
      boolean measured,
      int answered,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      double sendLagMillis,
      int outstandingAtEnd) {}

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent client;
  private final int timeoutMs;

  /**
   * @param context the event-loop context every phase runs on
   * @param connections the most connections to the node at once
   * @param timeoutMs a webhook not answered within this time fails
   */
  OpenLoopLoad(Vertx vertx, Context context, int port, int connections, int timeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.timeoutMs = timeoutMs;
    this.client =
        vertx
            .httpClientBuilder()
            .with(
                new HttpClientOptions()
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(port)
                    .setKeepAlive(true)
                    .setPipelining(false)
                    .setTcpNoDelay(true)
                    .setKeepAliveTimeout(120)
                    .setConnectTimeout(timeoutMs)
                    // A connection silent this long while a webhook awaits its answer fails that
                    // webhook: one idle timer per connection, none per request.
                    .setIdleTimeout(timeoutMs)
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
            .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
            .build();
  }

  /**
   * Runs one phase: {@code deliveries} at {@code rate} per second. The first {@code warmupCount}
   * are warm-up: sent and counted, but left out of latency and throughput figures.
   *
   * @param backlogLimit stop sending once this many webhooks await their answer (0: never), so an
   *     overloaded step of the max search ends quickly instead of queueing for minutes
   */
  Future<PhaseResult> run(
      String name, List<Delivery> deliveries, double rate, int warmupCount, int backlogLimit) {
    Promise<PhaseResult> done = Promise.promise();
    context.runOnContext(
        v -> new Phase(name, deliveries, rate, warmupCount, backlogLimit, done).start());
    return done.future();
  }

  Future<Void> close() {
    return client.close();
  }

  /** The state of one phase; touched only from the load context. */
  private final class Phase {
    private final String name;
    private final List<Delivery> deliveries;
    private final double rate;
    private final int warmupCount;
    private final int backlogLimit;
    private final Promise<PhaseResult> done;
    private final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    private final Map<String, Integer> errors = new TreeMap<>();
    private final List<Histogram> perSecond = new ArrayList<>();
    private final List<Long> lagPerSecond = new ArrayList<>();
    private final List<Integer> outstandingPerSecond = new ArrayList<>();
    private long start;
    private Instant startedAt;
    private long windowStart;
    private long windowEnd;
    private int next;
    private int outstanding;
    private long acknowledged;
    private long measuredAcknowledged;
    private long inWindow;
    private long maxLag;
    private long timer;
    private boolean sendingDone;
    private boolean aborted;
    private boolean finished;

    Phase(
        String name,
        List<Delivery> deliveries,
        double rate,
        int warmupCount,
        int backlogLimit,
        Promise<PhaseResult> done) {
      this.name = name;
      this.deliveries = deliveries;
      this.rate = rate;
      this.warmupCount = warmupCount;
      this.backlogLimit = backlogLimit;
      this.done = done;
    }

    void start() {
      start = System.nanoTime();
      startedAt = Instant.now();
      windowStart = due(warmupCount);
      windowEnd = due(deliveries.size());
      timer = vertx.setPeriodic(1, id -> tick());
      tick();
    }

    private long due(int i) {
      return start + Math.round(i * 1e9 / rate);
    }

    /** Sends every webhook that has come due. */
    private void tick() {
      long now = System.nanoTime();
      Instant signedAt = Instant.now();
      while (next < deliveries.size() && due(next) <= now) {
        if (backlogLimit > 0 && outstanding >= backlogLimit) {
          aborted = true;
          stopSending();
          return;
        }
        maxLag = Math.max(maxLag, now - due(next));
        int second = secondOf(due(next));
        while (lagPerSecond.size() <= second) {
          lagPerSecond.add(0L);
        }
        lagPerSecond.set(second, Math.max(lagPerSecond.get(second), now - due(next)));
        send(next, signedAt);
        next++;
      }
      int second = secondOf(now);
      while (outstandingPerSecond.size() <= second) {
        outstandingPerSecond.add(outstanding);
      }
      outstandingPerSecond.set(second, outstanding);
      if (next >= deliveries.size()) {
        stopSending();
      }
    }

    private int secondOf(long nanoTime) {
      return (int) Math.max(0, (nanoTime - start) / 1_000_000_000L);
    }

    private void send(int i, Instant signedAt) {
      Delivery d = deliveries.get(i);
      long intended = due(i);
      String signature = d.tenant().stripe().signatureHeader(d.body(), signedAt);
      outstanding++;
      client
          .request(HttpMethod.POST, d.tenant().hookPath())
          .compose(
              req ->
                  req.putHeader("Content-Type", CONTENT_TYPE)
                      .putHeader("User-Agent", USER_AGENT)
                      .putHeader("Stripe-Signature", signature)
                      .send(Buffer.buffer(d.body())))
          .compose(resp -> resp.body().map(body -> resp.statusCode()))
          .onComplete(ar -> answered(i, intended, ar));
    }

    private void answered(int i, long intended, AsyncResult<Integer> ar) {
      outstanding--;
      long now = System.nanoTime();
      if (ar.succeeded() && ar.result() / 100 == 2) {
        acknowledged++;
        if (now >= windowStart && now < windowEnd) {
          inWindow++;
        }
        long micros = Math.min(HIGHEST_MICROS, Math.max(0, (now - intended) / 1000));
        if (i >= warmupCount) {
          measuredAcknowledged++;
          latency.recordValue(micros);
        }
        int second = secondOf(intended);
        while (perSecond.size() <= second) {
          perSecond.add(new Histogram(HIGHEST_MICROS, 2));
        }
        perSecond.get(second).recordValue(micros);
      } else {
        String kind =
            ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName();
        errors.merge(kind, 1, Integer::sum);
      }
      if (sendingDone && outstanding == 0) {
        finish();
      }
    }

    private void stopSending() {
      if (sendingDone) {
        return;
      }
      sendingDone = true;
      vertx.cancelTimer(timer);
      if (outstanding == 0) {
        finish();
      } else {
        // Connections time out when silent; this guards against a webhook still waiting for one.
        vertx.setTimer(timeoutMs + 10_000L, id -> finish());
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      long end = aborted ? System.nanoTime() : windowEnd;
      double seconds = Math.max(1e-9, (Math.min(end, windowEnd) - windowStart) / 1e9);
      done.complete(
          new PhaseResult(
              name,
              rate,
              next,
              acknowledged,
              measuredAcknowledged,
              inWindow / seconds,
              latency,
              Collections.unmodifiableMap(new TreeMap<>(errors)),
              outstanding,
              aborted,
              maxLag / 1000,
              seconds,
              timeline()));
    }

    /** The phase, warm-up included, second by second (seconds counted from the phase's start). */
    private List<Second> timeline() {
      List<Second> seconds = new ArrayList<>();
      int firstMeasured = secondOf(windowStart);
      for (int s = 0; s < perSecond.size(); s++) {
        Histogram h = perSecond.get(s);
        boolean any = h.getTotalCount() > 0;
        seconds.add(
            new Second(
                s,
                startedAt.plusSeconds(s),
                s >= firstMeasured,
                (int) h.getTotalCount(),
                any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                any ? h.getMaxValue() / 1000.0 : Double.NaN,
                s < lagPerSecond.size() ? lagPerSecond.get(s) / 1e6 : 0,
                s < outstandingPerSecond.size() ? outstandingPerSecond.get(s) : 0));
      }
      return seconds;
    }
  }
}
