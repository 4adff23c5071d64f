package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator base against a real HTTP client: what it logs, and that every injected fault is the
 * fault a client sees (an error status, latency, a timeout, a dropped connection).
 */
@ExtendWith(VertxExtension.class)
class GatewaySimulatorTest {

  /** A gateway with two routes that counts how often its routes ran. */
  static final class CountingGateway extends GatewaySimulator<CountingGateway> {
    final AtomicInteger executed = new AtomicInteger();

    @Override
    protected void routes(Router router) {
      router
          .get("/v1/items/:id")
          .handler(
              ctx -> {
                executed.incrementAndGet();
                answer(ctx, Answer.json(200, new JsonObject().put("id", ctx.pathParam("id"))));
              });
      router
          .post("/v1/items")
          .handler(
              ctx -> {
                executed.incrementAndGet();
                answer(ctx, Answer.of(201, "text/plain", call(ctx).body()));
              });
    }

    @Override
    public Map<String, String> pluginSettings() {
      return Map.of("counting.api.base", baseUrl());
    }

    @Override
    protected Answer errorAnswer(int status, ApiCall call) {
      return Answer.json(status, new JsonObject().put("code", "E" + status));
    }

    @Override
    protected Answer withGatewayHeaders(Answer answer) {
      return answer.withHeader("Request-Id", "req_1");
    }
  }

  private final CountingGateway gateway = new CountingGateway();
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) {
    gateway.start(vertx).await();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    client.close();
    gateway.close().await();
  }

  private Future<HttpResponse<Buffer>> get(String path, long timeoutMs) {
    return client.getAbs(gateway.baseUrl() + path).timeout(timeoutMs).send();
  }

  private HttpResponse<Buffer> get(String path) {
    return get(path, 5_000).await();
  }

  @Test
  void everyRequestIsLoggedAsItArrived() {
    // WHEN a client posts a body with a header and a query
    Instant before = Instant.now();
    HttpResponse<Buffer> response =
        client
            .postAbs(gateway.baseUrl() + "/v1/items?expand=all")
            .putHeader("Idempotency-Key", "k-1")
            .sendBuffer(Buffer.buffer("name=Zo%C3%AB&qty=2"))
            .await();

    // THEN the route answered through the base, with the gateway's headers
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsString()).isEqualTo("name=Zo%C3%AB&qty=2");
    assertThat(response.getHeader("Request-Id")).isEqualTo("req_1");

    // AND the log holds method, path, query, headers, body and time
    ApiCall call = gateway.calls("POST", "/v1/items").get(0);
    assertThat(call.query()).isEqualTo("expand=all");
    assertThat(call.queryParams()).containsEntry("expand", "all");
    assertThat(call.header("idempotency-key")).isEqualTo("k-1");
    assertThat(call.form()).containsExactly(Map.entry("name", "Zoë"), Map.entry("qty", "2"));
    assertThat(call.receivedAt()).isBetween(before, Instant.now());
    assertThat(gateway.calls()).containsExactly(call);
  }

  @Test
  void anInjectedStatusIsAnsweredTheGivenNumberOfTimesWithoutRunningTheRoute() {
    gateway.inject(RequestMatch.exactly("GET", "/v1/items/a"), 2, Fault.status(503));

    assertThat(get("/v1/items/a").statusCode()).isEqualTo(503);
    HttpResponse<Buffer> second = get("/v1/items/a");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.bodyAsJsonObject().getString("code")).isEqualTo("E503");
    assertThat(second.getHeader("Request-Id")).isEqualTo("req_1");
    assertThat(gateway.executed).hasValue(0);

    assertThat(get("/v1/items/a").statusCode()).isEqualTo(200);
    assertThat(gateway.executed).hasValue(1);
  }

  @Test
  void aFaultForOneRouteLeavesTheOthersAlone() {
    gateway.failNext("GET", "/v1/items/b", 500);

    assertThat(get("/v1/items/a").statusCode()).isEqualTo(200);
    assertThat(get("/v1/items/b").statusCode()).isEqualTo(500);
    assertThat(get("/v1/items/b").statusCode()).isEqualTo(200);
  }

  @Test
  void aScriptedAnswerIsSentAsIs() {
    gateway.answerNext("GET", "/v1/items/a", 200, "<html>maintenance</html>");

    HttpResponse<Buffer> response = get("/v1/items/a");

    assertThat(response.bodyAsString()).isEqualTo("<html>maintenance</html>");
    assertThat(gateway.executed).hasValue(0);
  }

  @Test
  void latencyRunsTheRouteAndHoldsItsAnswerBack() {
    gateway.delayNext("GET", "/v1/items/a", Duration.ofMillis(600));

    long start = System.nanoTime();
    HttpResponse<Buffer> response = get("/v1/items/a");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aDelayedAnswerIsLostToAnImpatientClientAfterTheRouteRan() {
    gateway.delayNext("GET", "/v1/items/a", Duration.ofSeconds(3));

    assertThatThrownBy(() -> get("/v1/items/a", 300).await()).isInstanceOf(TimeoutException.class);
    assertThat(gateway.executed).as("executed before the client gave up").hasValue(1);
  }

  @Test
  void noAnswerMakesTheClientTimeOut() {
    gateway.injectNext(RequestMatch.under("GET", "/v1/items/"), Fault.noAnswer());

    assertThatThrownBy(() -> get("/v1/items/a", 300).await()).isInstanceOf(TimeoutException.class);
    assertThat(gateway.executed).hasValue(0);
    assertThat(get("/v1/items/a").statusCode()).isEqualTo(200);
  }

  @Test
  void aDroppedConnectionClosesTheSocketWithoutAnAnswer() {
    gateway.injectNext(RequestMatch.any(), Fault.droppedConnection());

    assertThatThrownBy(() -> get("/v1/items/a", 5_000).await())
        .isInstanceOf(HttpClosedException.class);
    assertThat(gateway.executed).hasValue(0);
    assertThat(get("/v1/items/a").statusCode()).isEqualTo(200);
  }

  @Test
  void aGlobalFaultHitsEveryRequestUntilReset() {
    gateway.injectAlways(Fault.status(502));

    assertThat(get("/v1/items/a").statusCode()).isEqualTo(502);
    assertThat(get("/v1/items/b").statusCode()).isEqualTo(502);

    gateway.reset();
    assertThat(gateway.calls()).isEmpty();
    assertThat(get("/v1/items/a").statusCode()).isEqualTo(200);
  }
}
