package io.paybridge.api;

import io.paybridge.core.http.HttpErrors;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key on this node (an API client, or a tenant for all its clients together):
 * a key may send {@code burst} requests at once and {@code rate} a second after that. Every answer
 * to an authenticated request says where the client stands, in the IETF draft's {@code
 * RateLimit-Limit} (the bucket's size), {@code RateLimit-Remaining} and {@code RateLimit-Reset}
 * (seconds until the bucket is full again); a request over the limit is a 429 problem document
 * ({@code rate_limited}) with {@code Retry-After}. Buckets of idle clients are dropped once there
 * are many. Time comes from the node's clock.
 */
final class RateLimits {

  /** Buckets kept before full (idle) ones are dropped. */
  private static final int MAX_BUCKETS = 10_000;

  private static final long NANOS = 1_000_000_000L;

  /** Where a client stands after a request was counted, or refused. */
  record Decision(
      boolean allowed, long limit, long remaining, long resetSeconds, long retryAfter) {}

  /** A bucket's level at a moment, in tokens and nanoseconds of the clock. */
  private record Bucket(double tokens, long at) {}

  private final double rate;
  private final double burst;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param rate tokens added a second
   * @param burst the bucket's size
   */
  RateLimits(double rate, double burst, Clock clock) {
    this.rate = rate;
    this.burst = burst;
    this.clock = clock;
  }

  /**
   * The limits of one node of a cluster of {@code nodes}: each allows its share of the cluster's
   * {@code rate} and {@code burst}, at least one request.
   */
  static RateLimits perNode(int rate, int burst, int nodes, Clock clock) {
    int n = Math.max(1, nodes);
    return new RateLimits(
        Math.max(1, Math.ceil((double) rate / n)),
        Math.max(1, Math.ceil((double) burst / n)),
        clock);
  }

  /** Counts a request of {@code key}, if its bucket has room. */
  Decision take(String key) {
    long now = nanos();
    if (buckets.size() >= MAX_BUCKETS) {
      dropFull(now);
    }
    boolean[] allowed = new boolean[1];
    Bucket after =
        buckets.compute(
            key,
            (k, before) -> {
              double tokens = level(before, now);
              allowed[0] = tokens >= 1;
              return new Bucket(allowed[0] ? tokens - 1 : tokens, now);
            });
    double tokens = after.tokens();
    return new Decision(
        allowed[0],
        (long) burst,
        (long) Math.floor(tokens),
        seconds(burst - tokens),
        allowed[0] ? 0 : Math.max(1, seconds(1 - tokens)));
  }

  /** Returns the token a request of {@code key} took, when the request is refused elsewhere. */
  void giveBack(String key) {
    long now = nanos();
    buckets.computeIfPresent(
        key, (k, before) -> new Bucket(Math.min(burst, level(before, now) + 1), now));
  }

  /** The bucket's level now: what it held, plus what the time since added, up to its size. */
  private double level(Bucket bucket, long now) {
    if (bucket == null) {
      return burst;
    }
    double elapsed = Math.max(0, now - bucket.at()) / (double) NANOS;
    return Math.min(burst, bucket.tokens() + elapsed * rate);
  }

  private long seconds(double tokens) {
    return tokens <= 0 ? 0 : (long) Math.ceil(tokens / rate);
  }

  private void dropFull(long now) {
    buckets.entrySet().removeIf(e -> level(e.getValue(), now) >= burst);
    if (buckets.size() >= MAX_BUCKETS) {
      buckets.clear();
    }
  }

  private long nanos() {
    java.time.Instant t = clock.instant();
    return t.getEpochSecond() * NANOS + t.getNano();
  }

  /** Puts where the client stands on the answer, whatever it turns out to be. */
  static void headers(RoutingContext ctx, Decision d) {
    ctx.response()
        .putHeader("RateLimit-Limit", String.valueOf(d.limit()))
        .putHeader("RateLimit-Remaining", String.valueOf(d.remaining()))
        .putHeader("RateLimit-Reset", String.valueOf(d.resetSeconds()));
  }

  /**
   * Answers a refused request: 429, {@code Retry-After}, a problem document saying whose limit
   * ({@code who}: "this client") it was and when to send again.
   */
  static void refuse(RoutingContext ctx, Decision d, String who) {
    headers(ctx, d);
    ctx.response().putHeader("Retry-After", String.valueOf(d.retryAfter()));
    HttpErrors.respond(
        ctx,
        429,
        new JsonObject()
            .put("error", "rate_limited")
            .put(
                "message",
                who
                    + " sent more requests than the limit of "
                    + d.limit()
                    + " at once allows; send again in "
                    + d.retryAfter()
                    + " s")
            .put("retryAfter", d.retryAfter()));
  }
}
