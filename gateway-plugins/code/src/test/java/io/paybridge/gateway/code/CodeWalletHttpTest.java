package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator posting over real HTTP to a small server that hands each delivery to the plugin the
 * way the platform's ingest does: verify, parse, answer with the plugin's acknowledgement.
 */
@ExtendWith(VertxExtension.class)
class CodeWalletHttpTest {

  private final CodePlugin plugin = new CodePlugin();
  private final CodeWalletSimulator wallet = new CodeWalletSimulator();
  private final List<PaymentEvent> recorded = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();

  private HttpServer server;
  private WebClient client;
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) throws Exception {
    Credentials tenant = wallet.credentials();
    server =
        vertx
            .createHttpServer()
            .requestHandler(request -> receive(request, tenant))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + server.actualPort() + CodeWalletSimulator.PATH;
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
              return plugin.verify(delivery, tenant).map(verdict -> Map.entry(delivery, verdict));
            })
        .compose(
            verified -> {
              WebhookRequest delivery = verified.getKey();
              Verdict verdict = verified.getValue();
              if (!verdict.authentic()) {
                rejected.add(verdict.reason());
                return answer(request, plugin.reject(delivery, verdict));
              }
              ParsedWebhook parsed = plugin.parse(delivery, tenant);
              recorded.addAll(parsed.events());
              Outcome outcome = parsed.isIgnored() ? Outcome.IGNORED : Outcome.RECORDED;
              return answer(request, plugin.acknowledge(delivery, parsed, outcome));
            })
        .onFailure(e -> request.response().setStatusCode(400).end());
  }

  private static Future<Void> answer(HttpServerRequest request, WebhookAnswer answer) {
    if (answer.contentType() != null) {
      request.response().putHeader("Content-Type", answer.contentType());
    }
    return request.response().setStatusCode(answer.status()).end(answer.body());
  }

  @Test
  void aSignedPaymentPostedOverHttpIsAcknowledgedWith200AndRecorded() throws Exception {
    // GIVEN a paid intent signed by the wallet
    String intent = CodeWalletSimulator.newIntentId();
    String jwt = wallet.intentSubmitted(intent, "0.25", "usd");

    // WHEN the wallet posts it
    HttpResponse<Buffer> response = wallet.post(client, url, jwt).await(10, TimeUnit.SECONDS);

    // THEN the receiver answers exactly 200 and books 25 US cents for the intent
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(recorded).hasSize(1);
    assertThat(recorded.get(0).entryKey()).isEqualTo("payment:" + intent);
    assertThat(recorded.get(0).amountMinor()).isEqualTo(25L);
    assertThat(recorded.get(0).currency()).isEqualTo("USD");
  }

  @Test
  void aTokenSignedByAnotherWalletIsRefused() throws Exception {
    String jwt =
        new CodeWalletSimulator().intentSubmitted(CodeWalletSimulator.newIntentId(), "1", "usd");

    HttpResponse<Buffer> response = wallet.post(client, url, jwt).await(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(recorded).isEmpty();
  }

  @Test
  void aPaymentToAnotherMerchantPostedHereIsRefusedWith200() throws Exception {
    // GIVEN a genuine Code payment to another merchant's wallet (Code's one key signs it)
    CodeWalletSimulator otherMerchant = wallet.forAnotherMerchant();
    String jwt = otherMerchant.intentSubmitted(CodeWalletSimulator.newIntentId(), "50", "usd");

    // WHEN it is posted to this tenant's webhook URL
    HttpResponse<Buffer> response = wallet.post(client, url, jwt).await(10, TimeUnit.SECONDS);

    // THEN nothing is booked, the refusal says why, and Code gets the 200 that stops its retries
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(recorded).isEmpty();
    assertThat(rejected)
        .containsExactly(
            "payment to deposit address "
                + otherMerchant.depositAddress()
                + ", not this account's "
                + wallet.depositAddress());
  }

  @Test
  void anUnknownStateIsAcknowledgedButNotRecorded() throws Exception {
    String jwt =
        wallet.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "CONFIRMED"));

    HttpResponse<Buffer> response = wallet.post(client, url, jwt).await(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(recorded).isEmpty();
  }

  @Test
  void theSimulatorSendsTheJwtContentType(Vertx vertx) throws Exception {
    // GIVEN a receiver that echoes the content type it saw
    HttpServer echo =
        vertx
            .createHttpServer()
            .requestHandler(r -> r.response().end(String.valueOf(r.getHeader("Content-Type"))))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    try {
      // WHEN the wallet posts to it
      HttpResponse<Buffer> response =
          wallet
              .post(client, "http://127.0.0.1:" + echo.actualPort() + "/", "a.b.c")
              .await(10, TimeUnit.SECONDS);

      // THEN it said application/jwt
      assertThat(response.bodyAsString()).isEqualTo("application/jwt");
    } finally {
      echo.close().await(10, TimeUnit.SECONDS);
    }
  }
}
