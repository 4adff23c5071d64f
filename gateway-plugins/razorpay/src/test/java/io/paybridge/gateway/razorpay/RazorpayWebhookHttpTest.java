package io.paybridge.gateway.razorpay;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin: whatever bytes and headers arrive over the wire must verify.
 */
@ExtendWith(VertxExtension.class)
class RazorpayWebhookHttpTest {

  private static final String SECRET = "http-test-webhook-secret";

  private final RazorpayPlugin plugin = new RazorpayPlugin();
  private final RazorpaySimulator razorpay = new RazorpaySimulator(SECRET);
  private final Credentials credentials =
      plugin
          .credentialSchema()
          .validate(
              new JsonObject()
                  .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                  .put("keySecret", "key-secret")
                  .put("webhookSecret", SECRET));
  private final ConcurrentLinkedQueue<WebhookRequest> received = new ConcurrentLinkedQueue<>();

  private HttpServer server;
  private WebClient client;
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx);
    url = "http://127.0.0.1:" + server.actualPort() + "/hooks/test/razorpay";
  }

  @AfterEach
  void stopReceiver() {
    client.close();
    server.close().await();
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
                return WebhookAnswer.text(401, verdict.reason());
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
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a captured payment whose notes have non-ASCII characters, so any re-encoding would show
    String body = razorpay.paymentCaptured("pay_Http000000001", 49_900, "INR", "पाठक-42 ☕");

    // WHEN the simulator posts it
    HttpResponse<Buffer> response = razorpay.post(client, url, body, "EvtHttp0000001").await();

    // THEN the receiver got exactly the signed bytes and headers, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    assertThat(received).hasSize(1);
    WebhookRequest delivery = received.peek();
    assertThat(delivery.method()).isEqualTo("POST");
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
    assertThat(delivery.header(RazorpayPlugin.SIGNATURE_HEADER))
        .isEqualTo(razorpay.signature(body));
    assertThat(delivery.header(RazorpayPlugin.EVENT_ID_HEADER)).isEqualTo("EvtHttp0000001");

    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo("EvtHttp0000001");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("पाठक-42 ☕");
  }

  @Test
  void webhookSignedWithAnotherSecretIsRefused() {
    RazorpaySimulator stranger = new RazorpaySimulator("someone-elses-secret");
    String body = stranger.paymentCaptured("pay_Stranger00001", 49_900, "INR", null);

    HttpResponse<Buffer> response = stranger.post(client, url, body, "EvtHttp0000002").await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(received).hasSize(1);
  }
}
