package io.paybridge.gateway.anypay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin: the parameters and peer address that arrive over the wire must verify, and
 * Anypay gets the {@code OK} that stops its repeats.
 */
@ExtendWith(VertxExtension.class)
class AnypayWebhookHttpTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "http-test-secret";

  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypaySimulator anypay = new AnypaySimulator(PROJECT, SECRET);
  private final ConcurrentLinkedQueue<WebhookRequest> received = new ConcurrentLinkedQueue<>();

  private Credentials credentials;
  private HttpServer server;
  private WebClient client;
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) {
    credentials = credentials("127.0.0.0/8, ::1/128");
    server = vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx);
    url = "http://127.0.0.1:" + server.actualPort() + "/hooks/test/anypay";
  }

  @AfterEach
  void stopReceiver() {
    client.close();
    server.close().await();
  }

  private Credentials credentials(String allowedIps) {
    return plugin.validateCredentials(
        new JsonObject()
            .put("projectId", PROJECT)
            .put("secretKey", SECRET)
            .put("allowedIps", allowedIps));
  }

  private void receive(HttpServerRequest req) {
    req.body()
        .compose(
            body -> {
              WebhookRequest delivery =
                  new WebhookRequest(
                      req.method().name(),
                      req.path(),
                      MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                      MultiMap.caseInsensitiveMultiMap().addAll(req.params()),
                      body,
                      req.remoteAddress().hostAddress(),
                      Instant.now());
              received.add(delivery);
              return answer(delivery);
            })
        .onSuccess(
            answer ->
                req.response()
                    .setStatusCode(answer.status())
                    .putHeader(
                        "Content-Type",
                        answer.contentType() == null ? "text/plain" : answer.contentType())
                    .end(answer.body()))
        .onFailure(e -> req.response().setStatusCode(500).end());
  }

  private Future<WebhookAnswer> answer(WebhookRequest delivery) {
    return plugin
        .verify(delivery, credentials)
        .map(
            verdict -> {
              if (!verdict.authentic()) {
                return plugin.reject(delivery);
              }
              try {
                ParsedWebhook parsed = plugin.parse(delivery, credentials);
                return plugin.acknowledge(delivery, parsed, GatewayPlugin.Outcome.RECORDED);
              } catch (MalformedWebhookException e) {
                return WebhookAnswer.text(400, e.getMessage());
              }
            });
  }

  @Test
  void postedNotificationArrivesAsSignedVerifiesAndIsAnsweredOk() {
    // GIVEN a paid order notification with everything Anypay sends
    Map<String, String> fields =
        anypay.notification(
            AnypaySimulator.newTransactionId(), "1443429", "1499.00", "RUB", "paid");
    String body = AnypaySimulator.form(fields);

    // WHEN the simulator posts it from an allowed address
    HttpResponse<Buffer> response = anypay.post(client, url, body).await();

    // THEN Anypay reads OK and the receiver got exactly the signed form
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("OK");
    WebhookRequest delivery = received.peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.remoteAddress()).isEqualTo("127.0.0.1");
    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo("1443429:paid");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(149_900L);
  }

  @Test
  void parametersInTheQueryStringVerifyToo() {
    Map<String, String> fields =
        anypay.notification(
            AnypaySimulator.newTransactionId(), "1443430", "20.00", "RUB", "refund");

    HttpResponse<Buffer> response = anypay.postAsQuery(client, url, fields).await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("OK");
    assertThat(received.peek().body().length()).isZero();
    assertThat(plugin.parse(received.peek(), credentials).events().get(0).amountMinor())
        .isEqualTo(-2000L);
  }

  @Test
  void notificationFromAnAddressOutsideTheListIsNotAnsweredOk() {
    credentials = credentials(String.join(",", AnypayPlugin.PUBLISHED_IPS));
    String body =
        AnypaySimulator.form(
            anypay.notification(
                AnypaySimulator.newTransactionId(), "1443431", "5.00", "RUB", "paid"));

    HttpResponse<Buffer> response = anypay.post(client, url, body).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsString()).isNotEqualTo("OK");
  }
}
