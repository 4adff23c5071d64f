package io.paybridge.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gateway's HTTP API played in tests by a real Vert.x HTTP server on 127.0.0.1 at a random port.
 * The subclass adds the gateway's routes and answers through {@link #answer}; the base logs every
 * request ({@link #calls()}) and plays the trouble tests inject, per route or on every request:
 * error statuses, scripted answers, latency, no answer, dropped connections ({@link #inject}).
 * {@link #reset()} forgets both between tests.
 *
 * @param <S> the simulator's own type, which {@link #start} completes with
 */
public abstract class GatewaySimulator<S extends GatewaySimulator<S>> {

  private static final String CALL = "paybridge.testkit.call";
  private static final String LATENCY = "paybridge.testkit.latency";

  /** A fault waiting for the requests it applies to. */
  private record Injected(RequestMatch match, Fault fault, int times) {}

  private final List<ApiCall> calls = new CopyOnWriteArrayList<>();
  private final List<Injected> faults = new ArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  /** Adds the gateway's routes to {@code router}; they answer with {@link #answer}. */
  protected abstract void routes(Router router);

  /** The plugin settings that point the plugin under test at this running simulator. */
  public abstract Map<String, String> pluginSettings();

  /**
   * The answer for an injected error {@code status}: the gateway's own error body for it. The
   * default is a small JSON error.
   */
  protected Answer errorAnswer(int status, ApiCall call) {
    return Answer.json(
        status,
        new JsonObject().put("error", "injected failure of " + call.method() + " " + call.path()));
  }

  /** Adds the headers the gateway puts on every answer (content type, request ids). */
  protected Answer withGatewayHeaders(Answer answer) {
    return answer;
  }

  /** Starts serving on 127.0.0.1 at a random port. */
  public Future<S> start(Vertx vertx) {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    router.route().handler(this::receive);
    routes(router);
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .map(
            listening -> {
              server = listening;
              return self();
            });
  }

  /** Whether {@link #start} has completed. */
  public boolean started() {
    return server != null;
  }

  /** The base URL of the running simulator, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    if (server == null) {
      throw new IllegalStateException("the simulator has not been started");
    }
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Stops serving; requests still waiting for an answer lose their connection. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  // ---- the request log

  /** Every request received, oldest first. */
  public List<ApiCall> calls() {
    return List.copyOf(calls);
  }

  /** The requests received with this method and exactly this path. */
  public List<ApiCall> calls(String method, String path) {
    return calls.stream().filter(call -> call.is(method, path)).toList();
  }

  /** Forgets the requests received so far. */
  public void clearCalls() {
    calls.clear();
  }

  /** Forgets the requests received and the faults not played yet. */
  public void reset() {
    clearCalls();
    synchronized (faults) {
      faults.clear();
    }
  }

  // ---- fault injection

  /** Plays {@code fault} on the next {@code times} requests that {@code match} selects. */
  public S inject(RequestMatch match, int times, Fault fault) {
    if (times < 1) {
      throw new IllegalArgumentException("a fault is played at least once");
    }
    synchronized (faults) {
      faults.add(new Injected(match, fault, times));
    }
    return self();
  }

  /** Plays {@code fault} on the next request that {@code match} selects. */
  public S injectNext(RequestMatch match, Fault fault) {
    return inject(match, 1, fault);
  }

  /** Plays {@code fault} on every request until {@link #reset()}. */
  public S injectAlways(Fault fault) {
    return inject(RequestMatch.any(), Integer.MAX_VALUE, fault);
  }

  /**
   * Answers the next request with this method and path with {@code status} and the gateway's error
   * body for it, without executing it (as a rate limiter or an overloaded edge would).
   */
  public S failNext(String method, String path, int status) {
    return injectNext(RequestMatch.exactly(method, path), Fault.status(status));
  }

  /** Answers the next request with this method and path with exactly this status and body. */
  public S answerNext(String method, String path, int status, String body) {
    return injectNext(RequestMatch.exactly(method, path), Fault.answer(status, body));
  }

  /** Executes the next request with this method and path, then holds its answer back this long. */
  public S delayNext(String method, String path, Duration delay) {
    return injectNext(RequestMatch.exactly(method, path), Fault.latency(delay));
  }

  // ---- serving

  /**
   * Writes a route's answer with the gateway's usual headers, after the latency injected for this
   * request, if any.
   */
  protected final void answer(RoutingContext ctx, Answer answer) {
    Duration latency = ctx.get(LATENCY, Duration.ZERO);
    Answer complete = withGatewayHeaders(answer);
    (latency.isZero() ? Future.succeededFuture() : vertx.timer(latency.toMillis()))
        .onSuccess(ignored -> write(ctx.response(), complete));
  }

  /** The request as the log holds it. */
  protected static ApiCall call(RoutingContext ctx) {
    return ctx.get(CALL);
  }

  private void receive(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request
        .body()
        .onSuccess(
            body -> {
              ApiCall call =
                  new ApiCall(
                      request.method().name(),
                      request.path(),
                      request.query(),
                      MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                      body.toString(StandardCharsets.UTF_8),
                      Instant.now());
              calls.add(call);
              ctx.put(CALL, call);
              play(ctx, call, takeFault(call));
            });
  }

  private void play(RoutingContext ctx, ApiCall call, Fault fault) {
    if (fault == null) {
      ctx.next();
    } else if (fault instanceof Fault.Status status) {
      answer(ctx, errorAnswer(status.status(), call));
    } else if (fault instanceof Fault.Scripted scripted) {
      answer(ctx, scripted.answer());
    } else if (fault instanceof Fault.Latency latency) {
      ctx.put(LATENCY, latency.delay());
      ctx.next();
    } else if (fault instanceof Fault.DroppedConnection) {
      ctx.request().connection().close();
    }
    // Fault.NoAnswer: the request is left waiting until the client gives up.
  }

  private Fault takeFault(ApiCall call) {
    synchronized (faults) {
      for (ListIterator<Injected> it = faults.listIterator(); it.hasNext(); ) {
        Injected injected = it.next();
        if (injected.match().test(call)) {
          if (injected.times() == 1) {
            it.remove();
          } else {
            it.set(new Injected(injected.match(), injected.fault(), injected.times() - 1));
          }
          return injected.fault();
        }
      }
      return null;
    }
  }

  private static void write(HttpServerResponse response, Answer answer) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(answer.status()).headers().addAll(answer.headers());
    response.end(answer.body());
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }
}
