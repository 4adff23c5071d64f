package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;

import io.paybridge.gateway.googleplay.GooglePlaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/**
 * Google Play through the real route: Pub/Sub pushes signed like Google's, amounts read back from
 * the Play Developer API (its fake runs as an HTTP server).
 */
class GooglePlayEndToEndIT extends GatewayEndToEndKit {

  private final Vertx simulatorVertx = Vertx.vertx();
  private final GooglePlaySimulator google = await(new GooglePlaySimulator().start(simulatorVertx));

  @AfterAll
  void stopSimulator() {
    await(google.close());
    await(simulatorVertx.close());
  }

  @Override
  protected String gateway() {
    return "googleplay";
  }

  @Override
  protected Map<String, String> nodeEnvironment() {
    return environmentOf(google.pluginSettings());
  }

  @Override
  protected JsonObject credentials() {
    return google.credentialsJson(
        google.newServiceAccountJson("play-a@tenant-a.iam.gserviceaccount.com"));
  }

  @Override
  protected JsonObject otherCredentials() {
    return google
        .credentialsJson(google.newServiceAccountJson("play-b@tenant-b.iam.gserviceaccount.com"))
        .put("pushAudience", "https://hooks.example.com/other-tenant");
  }

  private Webhook push(String notification) {
    Instant now = Instant.now();
    return GooglePlaySimulator.webhook(
        GooglePlaySimulator.pushBody(notification, GooglePlaySimulator.newMessageId(), now),
        google.pushToken(now));
  }

  @Override
  protected Webhook validDelivery() {
    String token = GooglePlaySimulator.newPurchaseToken();
    String orderId = GooglePlaySimulator.newOrderId();
    String pkg = GooglePlaySimulator.PACKAGE_NAME;
    google.putProductPurchase(
        pkg, "coins", token, GooglePlaySimulator.productPurchase(orderId, 0, "player-1"));
    google.putOrder(
        pkg,
        GooglePlaySimulator.order(
            orderId,
            token,
            "PROCESSED",
            GooglePlaySimulator.money("EUR", 4, 990_000_000),
            "coins"));
    return push(
        GooglePlaySimulator.oneTimeProductNotification(pkg, 1, token, "coins", Instant.now()));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return push(
        GooglePlaySimulator.testNotification(GooglePlaySimulator.PACKAGE_NAME, Instant.now()));
  }

  @Override
  protected Webhook malformedDelivery() {
    return GooglePlaySimulator.webhook(
        new JsonObject()
            .put(
                "message",
                new JsonObject()
                    .put("data", "not base64 json!")
                    .put("messageId", UUID.randomUUID().toString()))
            .put("subscription", GooglePlaySimulator.PUBSUB_SUBSCRIPTION)
            .encode(),
        google.pushToken(Instant.now()));
  }
}
