package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.PluginReceiver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Queue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulator's {@code post} against the test kit's receiver, which does what the platform's
 * ingest does with a plugin (verify, parse, resolve, acknowledge): what arrives over the wire must
 * verify and resolve against the simulated API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayWebhookHttpTest {

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private PluginReceiver receiver;
  private Queue<WebhookRequest> received;

  @BeforeAll
  void startReceiver() {
    receiver = await(PluginReceiver.start(f.vertx, f.plugin, () -> f.credentials));
    received = receiver.received();
  }

  @BeforeEach
  void forgetDeliveries() {
    received.clear();
  }

  @AfterAll
  void stopReceiver() {
    await(receiver.close());
    f.close();
  }

  @Test
  void aPushArrivesAsSentVerifiesAndResolves() {
    // GIVEN a renewal Google knows about
    String token = GooglePlaySimulator.newPurchaseToken();
    String orderId = GooglePlaySimulator.newOrderId() + "..1";
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        GooglePlaySimulator.subscriptionPurchase(
            "SUBSCRIPTION_STATE_ACTIVE",
            "premium_monthly",
            orderId,
            Instant.now().plusSeconds(86_400 * 30L),
            "Zoë-☕-42",
            true,
            GooglePlaySimulator.money("EUR", 4, 990_000_000)));
    f.google.putOrder(
        PACKAGE_NAME,
        GooglePlaySimulator.order(
            orderId,
            token,
            "PROCESSED",
            GooglePlaySimulator.money("EUR", 5, 990_000_000),
            "premium_monthly"));
    String body =
        GooglePlaySimulator.push(
            GooglePlaySimulator.subscriptionNotification(
                PACKAGE_NAME, 2, token, "premium_monthly", Instant.now()));
    String bearer = f.google.pushToken(Instant.now());

    // WHEN the simulator pushes it
    HttpResponse<Buffer> response =
        receiver.post(GooglePlaySimulator.webhook(body, bearer)).await();

    // THEN the receiver got exactly those bytes and that token, and accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    WebhookRequest delivery = received.peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header("Authorization")).isEqualTo("Bearer " + bearer);
    assertThat(delivery.header("User-Agent")).startsWith("APIs-Google");

    ParsedWebhook resolved =
        await(f.plugin.resolve(delivery, f.plugin.parse(delivery, f.credentials), f.credentials));
    assertThat(resolved.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.amountMinor()).isEqualTo(599L);
              assertThat(e.customerRef()).isEqualTo("Zoë-☕-42");
            });
  }

  @Test
  void aPushWithoutTheTokenTheAccountRequiresIsRefused() {
    String body =
        GooglePlaySimulator.push(GooglePlaySimulator.testNotification(PACKAGE_NAME, Instant.now()));

    assertThat(receiver.post(GooglePlaySimulator.webhook(body, null)).await().statusCode())
        .isEqualTo(401);
    assertThat(
            receiver
                .post(GooglePlaySimulator.webhook(body, f.google.pushToken(Instant.now())))
                .await()
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aPushTheApiCannotConfirmIsAnsweredWithAFailureSoPubSubRetries() {
    String body =
        GooglePlaySimulator.push(
            GooglePlaySimulator.subscriptionNotification(
                PACKAGE_NAME,
                4,
                GooglePlaySimulator.newPurchaseToken(),
                "premium_monthly",
                Instant.now()));
    HttpResponse<Buffer> response =
        receiver.post(GooglePlaySimulator.webhook(body, f.google.pushToken(Instant.now()))).await();
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsString()).contains("404");
  }
}
