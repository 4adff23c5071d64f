package io.paybridge.core.cobot;

import static io.paybridge.core.cobot.CobotTestClient.CLIENT_ID;
import static io.paybridge.core.cobot.CobotTestClient.CLIENT_SECRET;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cobot's webhooks, fired by the test, reaching a small HTTP receiver. */
@ExtendWith(VertxExtension.class)
class CobotWebhookTest {

  /** One delivery as the receiver got it. */
  private record Delivery(String path, MultiMap headers, String body) {}

  private CobotSimulator cobot;
  private CobotTestClient http;
  private HttpServer receiver;
  private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
  private final AtomicInteger answer = new AtomicInteger(200);
  private String token;
  private String callbackUrl;

  @BeforeEach
  void start(Vertx vertx) {
    cobot = new CobotSimulator().start(vertx).await();
    http = new CobotTestClient(vertx);
    receiver =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              deliveries.add(
                                  new Delivery(
                                      request.path(),
                                      MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                                      body.toString(StandardCharsets.UTF_8)));
                              request.response().setStatusCode(answer.get()).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
    callbackUrl = "http://127.0.0.1:" + receiver.actualPort() + "/cobot/hooks/k1";
    String alice = cobot.addUser("alice@example.com");
    cobot.addSpace("co-up", "Co-Up", "EUR").addAdmin("co-up", alice);
    cobot.addClient(CLIENT_ID, CLIENT_SECRET);
    token =
        cobot
            .issueToken(CLIENT_ID, alice, "write_subscriptions", "read_subscriptions")
            .getString("access_token");
  }

  @AfterEach
  void stop() {
    http.close();
    receiver.close().await();
    cobot.close().await();
  }

  private JsonObject subscribe() {
    return http.post(
            cobot.spaceApiBase("co-up") + "/subscriptions",
            token,
            new JsonObject().put("event", "created_invoice").put("callback_url", callbackUrl))
        .bodyAsJsonObject();
  }

  @Test
  void createdInvoicePostsTheInvoiceUrl() {
    // GIVEN a created_invoice subscription and a new invoice
    subscribe();
    JsonObject invoice = cobot.addInvoice("co-up", null, "EUR", "60");

    // WHEN Cobot fires the webhook
    int status = cobot.fireCreatedInvoice("co-up", invoice.getString("id")).await();

    // THEN the receiver got exactly the invoice's URL as JSON
    assertThat(status).isEqualTo(200);
    assertThat(deliveries).hasSize(1);
    Delivery delivery = deliveries.remove();
    assertThat(delivery.path()).isEqualTo("/cobot/hooks/k1");
    assertThat(delivery.headers().get("Content-Type")).startsWith("application/json");
    assertThat(delivery.body()).isEqualTo("{\"url\":\"" + invoice.getString("url") + "\"}");
  }

  @Test
  void a410DeactivatesTheSubscription() {
    JsonObject subscription = subscribe();
    JsonObject invoice = cobot.addInvoice("co-up", null, "EUR", "60");
    answer.set(410);

    assertThat(cobot.fireCreatedInvoice("co-up", invoice.getString("id")).await()).isEqualTo(410);

    assertThat(
            http.get(subscription.getString("url"), token).bodyAsJsonObject().getBoolean("active"))
        .isFalse();
    assertThat(failure(cobot.fireCreatedInvoice("co-up", invoice.getString("id"))))
        .hasMessageContaining("no active created_invoice subscription");
    assertThat(cobot.fireEvent("co-up", "created_invoice", invoice.getString("url")).await())
        .isEmpty();
    assertThat(deliveries).hasSize(1);

    // An app renews a deactivated subscription by creating it again.
    answer.set(204);
    assertThat(subscribe().getBoolean("active")).isTrue();
    assertThat(cobot.fireCreatedInvoice("co-up", invoice.getString("id")).await()).isEqualTo(204);
  }
}
