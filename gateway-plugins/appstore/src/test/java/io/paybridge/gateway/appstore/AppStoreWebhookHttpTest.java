package io.paybridge.gateway.appstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator posting over real HTTP to a small server that hands each delivery to the plugin the
 * way the platform's ingest does: verify, parse, answer with the plugin's acknowledgement or
 * rejection.
 */
@ExtendWith(VertxExtension.class)
class AppStoreWebhookHttpTest {

  private final AppStorePlugin plugin = new AppStorePlugin();
  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final List<PaymentEvent> recorded = new CopyOnWriteArrayList<>();

  private HttpServer server;
  private WebClient client;
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) throws Exception {
    plugin
        .init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings()))
        .await(10, TimeUnit.SECONDS);
    Credentials tenant = apple.credentials();
    server =
        vertx
            .createHttpServer()
            .requestHandler(request -> receive(request, tenant))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + server.actualPort() + AppStoreSimulator.PATH;
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stopReceiver() throws Exception {
    client.close();
    server.shutdown(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  private void receive(HttpServerRequest request, Credentials tenant) {
    request
        .body()
        .compose(
            body -> {
              WebhookRequest delivery =
                  new WebhookRequest(
                      request.method().name(),
                      request.path(),
                      request.headers(),
                      request.params(),
                      body,
                      request.remoteAddress().hostAddress(),
                      Instant.now());
              return plugin
                  .verify(delivery, tenant)
                  .map(verdict -> verdict.authentic() ? delivery : null);
            })
        .compose(
            delivery -> {
              WebhookAnswer answer;
              if (delivery == null) {
                answer = plugin.reject(null);
              } else {
                ParsedWebhook parsed = plugin.parse(delivery, tenant);
                recorded.addAll(parsed.events());
                answer =
                    plugin.acknowledge(
                        delivery, parsed, parsed.isIgnored() ? Outcome.IGNORED : Outcome.RECORDED);
              }
              if (answer.contentType() != null) {
                request.response().putHeader("Content-Type", answer.contentType());
              }
              return request.response().setStatusCode(answer.status()).end(answer.body());
            })
        .onFailure(e -> request.response().setStatusCode(400).end());
  }

  @Test
  void aSignedRenewalPostedOverHttpIsAcknowledgedWith200AndRecorded() throws Exception {
    // GIVEN a renewal the App Store signed
    JsonObject txn =
        apple.subscriptionTransaction("2000002001", "2000002000", 10990, "USD", "user-5");
    String body = apple.didRenew(txn);

    // WHEN the App Store posts it
    HttpResponse<Buffer> response = apple.post(client, url, body).await(10, TimeUnit.SECONDS);

    // THEN the receiver answers 200 and books 10.99 USD for the subscription
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(recorded).hasSize(1);
    PaymentEvent event = recorded.get(0);
    assertThat(event.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(event.amountMinor()).isEqualTo(1099L);
    assertThat(event.externalSubscriptionId()).isEqualTo("2000002000");
    assertThat(event.customerRef()).isEqualTo("user-5");
  }

  @Test
  void aNotificationSignedUnderAnotherRootIsRefusedWith401() throws Exception {
    AppStoreSimulator impostor =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment());
    String body =
        impostor.oneTimeCharge(impostor.oneTimeTransaction("2000002101", 99_000, "USD", "x"));

    HttpResponse<Buffer> response = apple.post(client, url, body).await(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(recorded).isEmpty();
  }

  @Test
  void theTestNotificationIsAcknowledgedButNotRecorded() throws Exception {
    HttpResponse<Buffer> response =
        apple.post(client, url, apple.test()).await(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(recorded).isEmpty();
  }

  @Test
  void theSimulatorPostsJson(Vertx vertx) throws Exception {
    HttpServer echo =
        vertx
            .createHttpServer()
            .requestHandler(r -> r.response().end(String.valueOf(r.getHeader("Content-Type"))))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    try {
      HttpResponse<Buffer> response =
          apple
              .post(client, "http://127.0.0.1:" + echo.actualPort() + "/", apple.test())
              .await(10, TimeUnit.SECONDS);
      assertThat(response.bodyAsString()).isEqualTo("application/json");
    } finally {
      echo.close().await(10, TimeUnit.SECONDS);
    }
  }
}
