package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiving end of the sync benchmark: what a tenant's webhook endpoint does, for many tenants
 * at once, on 127.0.0.1. Every request is checked as a Standard Webhooks receiver checks it: the
 * {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} headers, the
 * timestamp within five minutes of now, and an HMAC-SHA256 over {@code id.timestamp.body} keyed
 * with the base64 part of that tenant's {@code whsec_} secret; and beyond the specification, the
 * body must name the same message id and the tenant the endpoint belongs to. A request that fails
 * any check is answered 4xx and counted.
 *
 * <p>Checked requests get the sink's current answer after an optional delay: 200, 410 (gone: the
 * platform disables the target), 429 with {@code Retry-After}, 500, or none (down: it hangs up);
 * some endpoints may be given a delay and an answer of their own. It counts distinct ids answered
 * 200, repeats (at-least-once), and when each id was first seen.
 *
 * <p>It listens on several ports (tenant {@code i} on port {@code i mod ports}): the platform's
 * HTTP client pools connections per host and port, so endpoints of different tenants on different
 * ports behave like different receivers. All state is confined to the verticle's context; the
 * methods callable from other threads hop onto it and answer with a future.
 */
final class SyncSink extends VerticleBase {

  /** Standard Webhooks' recommended tolerance for the timestamp. */
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private static final String SECRET_PREFIX = "whsec_";

  /**
   * What the sink has seen since its last {@link #reset}.
   *
   * @param requests every request, whatever its fate
   * @param accepted requests answered 200
   * @param distinct distinct {@code webhook-id}s answered 200
   * @param duplicates requests answered 200 whose id had been answered 200 before
   * @param gone requests answered 410
   * @param badSignatures requests whose signature did not verify (or was missing)
   * @param staleTimestamps requests whose timestamp was missing or over five minutes off
   * @param wrongContent requests whose body did not name their id and their endpoint's tenant
   * @param unknownEndpoint requests to a path no tenant was given
   * @param maxConnections most connections open at once, over all ports
   * @param maxInFlight most requests under way at once
   */
  record Stats(
      long requests,
      long accepted,
      long distinct,
      long duplicates,
      long gone,
      long badSignatures,
      long staleTimestamps,
      long wrongContent,
      long unknownEndpoint,
      int maxConnections,
      int maxInFlight) {

    long rejected() {
      return badSignatures + staleTimestamps + wrongContent + unknownEndpoint;
    }
  }

  /** One tenant's endpoint: whose it is, and its signing key. */
  private record Endpoint(String tenantId, Mac mac) {}

  /** How some endpoints answer instead of the sink's common answer: a delay and a status. */
  private record Behaviour(long delayMs, int status) {}

  private final int portCount;
  private volatile long delayMs;
  private final List<Integer> ports = new ArrayList<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private final Map<String, Behaviour> behaviours = new HashMap<>();
  private final Map<String, Long> answeredAtMicros = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final Map<Integer, List<Promise<Long>>> waiters = new HashMap<>();
  private long[] firstSeenNanos = new long[1024];
  private int status = 200;
  private int retryAfterSeconds = 1;
  private final Map<String, Integer> repeats = new HashMap<>();
  private long requests;
  private long accepted;
  private long duplicates;
  private long gone;
  private long badSignatures;
  private long staleTimestamps;
  private long wrongContent;
  private long unknownEndpoint;
  private int connections;
  private int maxConnections;
  private int inFlight;
  private int maxInFlight;

  /**
   * @param ports how many ports to listen on
   */
  SyncSink(int ports) {
    if (ports < 1) {
      throw new IllegalArgumentException("a sink needs a port");
    }
    this.portCount = ports;
  }

  void delay(long delayMs) {
    this.delayMs = Math.max(0, delayMs);
  }

  @Override
  public Future<?> start() {
    List<Future<HttpServer>> listening = new ArrayList<>();
    for (int i = 0; i < portCount; i++) {
      listening.add(
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setHost("127.0.0.1")
                      .setPort(0)
                      .setTcpNoDelay(true)
                      .setMaxHeaderSize(16 * 1024))
              .connectionHandler(
                  conn -> {
                    connections++;
                    maxConnections = Math.max(maxConnections, connections);
                    conn.closeHandler(v -> connections--);
                  })
              .requestHandler(this::handle)
              .listen());
    }
    return Future.all(listening)
        .onSuccess(all -> listening.forEach(f -> ports.add(f.result().actualPort())));
  }

  /** The URL of tenant {@code index}'s endpoint at {@code path} (which starts with a slash). */
  String url(int index, String path) {
    return "http://127.0.0.1:" + ports.get(index % ports.size()) + path;
  }

  /** Ports the sink listens on. */
  List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** Gives {@code path} to a tenant, whose deliveries are signed with {@code secret}. */
  Future<Void> expect(String path, UUID tenantId, String secret) {
    if (!secret.startsWith(SECRET_PREFIX)) {
      return Future.failedFuture(new IllegalArgumentException("not a whsec_ secret: " + secret));
    }
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())), "HmacSHA256"));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Endpoint endpoint = new Endpoint(tenantId.toString(), mac);
    return onContext(() -> endpoints.put(path, endpoint)).mapEmpty();
  }

  /** Answers checked requests with {@code status} from now on (200, 410, 429; 0: hangs up). */
  Future<Void> answerWith(int status) {
    return onContext(() -> this.status = status).mapEmpty();
  }

  /** As {@link #answerWith(int)}, with {@code Retry-After: seconds} on 429s. */
  Future<Void> answerWith(int status, int seconds) {
    return onContext(() -> retryAfterSeconds = seconds).compose(v -> answerWith(status));
  }

  /**
   * Answers requests to {@code paths} after {@code delayMs} with {@code status} (200, 410, 429,
   * 500; 0: hangs up) from now on, whatever the sink's common answer, until {@link #behaveAlike}.
   */
  Future<Void> behave(Collection<String> paths, long delayMs, int status) {
    Behaviour b = new Behaviour(Math.max(0, delayMs), status);
    return onContext(
            () -> {
              paths.forEach(p -> behaviours.put(p, b));
              return null;
            })
        .mapEmpty();
  }

  /** Every endpoint gets the sink's common answer and delay again. */
  Future<Void> behaveAlike() {
    return onContext(
            () -> {
              behaviours.clear();
              return null;
            })
        .mapEmpty();
  }

  /**
   * For each id answered 200 since the last reset, when the sink sent that first 2xx (after its
   * delay), in microseconds since the epoch: the wall clock PostgreSQL's {@code now()} reads too.
   */
  Future<Map<String, Long>> answeredAtMicros() {
    return onContext(() -> Map.copyOf(answeredAtMicros));
  }

  /** For each id answered 200 more than once, how many times beyond the first. */
  Future<Map<String, Integer>> repeats() {
    return onContext(() -> Map.copyOf(repeats));
  }

  /** Forgets every count and every id seen; the endpoints and the answer stay. */
  Future<Void> reset() {
    return onContext(
            () -> {
              seen.clear();
              repeats.clear();
              answeredAtMicros.clear();
              firstSeenNanos = new long[1024];
              requests = 0;
              accepted = 0;
              duplicates = 0;
              gone = 0;
              badSignatures = 0;
              staleTimestamps = 0;
              wrongContent = 0;
              unknownEndpoint = 0;
              maxConnections = connections;
              maxInFlight = inFlight;
              return null;
            })
        .mapEmpty();
  }

  Future<Stats> stats() {
    return onContext(
        () ->
            new Stats(
                requests,
                accepted,
                seen.size(),
                duplicates,
                gone,
                badSignatures,
                staleTimestamps,
                wrongContent,
                unknownEndpoint,
                maxConnections,
                maxInFlight));
  }

  /** The ids answered 200 since the last reset. */
  Future<Set<String>> seenIds() {
    return onContext(() -> Set.copyOf(seen));
  }

  /**
   * When each distinct id was first answered 200 ({@link System#nanoTime()}), in the order they
   * came.
   */
  Future<long[]> firstSeenNanos() {
    return onContext(() -> Arrays.copyOf(firstSeenNanos, seen.size()));
  }

  /** Completes with the time the {@code count}-th distinct id was first answered 200. */
  Future<Long> whenDistinct(int count) {
    return onContext(
            () -> {
              if (seen.size() >= count) {
                return Future.succeededFuture(firstSeenNanos[count - 1]);
              }
              Promise<Long> p = Promise.promise();
              waiters.computeIfAbsent(count, c -> new ArrayList<>()).add(p);
              return p.future();
            })
        .compose(f -> f);
  }

  private void handle(HttpServerRequest req) {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.response().endHandler(v -> inFlight--);
    Endpoint endpoint = endpoints.get(req.path());
    if (endpoint == null) {
      unknownEndpoint++;
      req.response().setStatusCode(404).end();
      return;
    }
    String id = req.getHeader("webhook-id");
    String timestamp = req.getHeader("webhook-timestamp");
    String signatures = req.getHeader("webhook-signature");
    req.body()
        .onSuccess(body -> answer(req, endpoint, id, timestamp, signatures, body))
        .onFailure(err -> req.connection().close());
  }

  private void answer(
      HttpServerRequest req,
      Endpoint endpoint,
      String id,
      String timestamp,
      String signatures,
      Buffer body) {
    if (!WebhookChecks.fresh(timestamp, TOLERANCE)) {
      staleTimestamps++;
      req.response().setStatusCode(400).end();
      return;
    }
    if (id == null
        || signatures == null
        || !WebhookChecks.verified(endpoint.mac(), id, timestamp, signatures, body)) {
      badSignatures++;
      req.response().setStatusCode(401).end();
      return;
    }
    if (!WebhookChecks.namesItself(body, id, endpoint.tenantId())) {
      wrongContent++;
      req.response().setStatusCode(400).end();
      return;
    }
    Behaviour own = behaviours.get(req.path());
    int answer = own == null ? status : own.status();
    long delay = own == null ? delayMs : own.delayMs();
    if (answer == 0) {
      req.connection().close(); // down: no answer at all
      return;
    }
    if (answer == 429) {
      req.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    if (answer == 200) {
      accepted++;
      if (seen.add(id)) {
        noteFirstSeen(System.nanoTime());
        Instant now = Instant.now();
        answeredAtMicros.put(
            id, now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 + delay * 1000);
      } else {
        duplicates++;
        repeats.merge(id, 1, Integer::sum);
      }
    } else if (answer == 410) {
      gone++;
    }
    if (delay == 0) {
      req.response().setStatusCode(answer).end();
    } else {
      vertx.setTimer(delay, t -> req.response().setStatusCode(answer).end());
    }
  }

  private void noteFirstSeen(long nanos) {
    int n = seen.size();
    if (n > firstSeenNanos.length) {
      firstSeenNanos = Arrays.copyOf(firstSeenNanos, firstSeenNanos.length * 2);
    }
    firstSeenNanos[n - 1] = nanos;
    List<Promise<Long>> due = waiters.remove(n);
    if (due != null) {
      due.forEach(p -> p.complete(nanos));
    }
  }

  /** Runs {@code action} on the sink's context; the future completes with its result. */
  private <T> Future<T> onContext(Callable<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            done.complete(action.call());
          } catch (Exception e) {
            done.fail(e);
          }
        });
    return done.future();
  }
}
