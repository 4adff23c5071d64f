package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery's HTTP request against a real receiver: its timeout runs from when it is sent, so a
 * request that waited for a pooled connection still has all of it; and a target's pool holds no
 * more connections than its most requests in flight.
 */
class TargetClientTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static SyncMessages.Message message() {
    return new SyncMessages.Message(
        MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"),
        Buffer.buffer("{}"));
  }

  @Test
  void theTimeoutRunsFromSendingNotFromWaitingForAConnection() throws Exception {
    // GIVEN a receiver that answers after 2.5 s, over one connection (a pool of one per target),
    // and a timeout of 4 s (a loaded machine fires timers late)
    AtomicInteger connections = new AtomicInteger();
    HttpServer server =
        await(
            vertx
                .createHttpServer()
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(
                    req -> vertx.setTimer(2_500, id -> req.response().setStatusCode(204).end()))
                .listen(0, "127.0.0.1"));
    TargetClient client =
        new TargetClient(
            vertx,
            new DispatchSettings(8, 1, 1, 1, 8, Duration.ofMillis(5)),
            null,
            Duration.ofSeconds(4));
    URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/hook");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");

    // WHEN two requests start at once: the second waits 2.5 s for the connection
    Future<TargetClient.Sent> first = client.post(uri, loopback, message());
    Future<TargetClient.Sent> second = client.post(uri, loopback, message());

    // THEN both are answered: the second's second ran from when it was sent, 5 s after start
    TargetClient.Sent a = await(first);
    TargetClient.Sent b = await(second);
    assertThat(a.failure()).as("first, after %d ms", a.latencyMs()).isNull();
    assertThat(b.failure()).as("second, after %d ms", b.latencyMs()).isNull();
    assertThat(a.answer().status()).isEqualTo(204);
    assertThat(b.answer().status()).isEqualTo(204);
    assertThat(b.latencyMs()).isLessThan(4_000);
    assertThat(connections.get()).isEqualTo(1);
    client.close();
  }

  @Test
  void aReceiverSlowerThanTheTimeoutIsCutOffAfterIt() throws Exception {
    HttpServer server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> vertx.setTimer(3_000, id -> req.response().setStatusCode(204).end()))
                .listen(0, "127.0.0.1"));
    TargetClient client =
        new TargetClient(
            vertx,
            new DispatchSettings(8, 1, 4, 1, 8, Duration.ofMillis(5)),
            null,
            Duration.ofMillis(500));
    TargetClient.Sent sent =
        await(
            client.post(
                URI.create("http://127.0.0.1:" + server.actualPort() + "/hook"),
                InetAddress.getByName("127.0.0.1"),
                message()));
    assertThat(sent.answer()).isNull();
    assertThat(sent.failure()).hasMessageContaining("no answer within 500 ms of sending");
    assertThat(sent.latencyMs()).isBetween(400L, 2_500L);
    client.close();
  }
}
