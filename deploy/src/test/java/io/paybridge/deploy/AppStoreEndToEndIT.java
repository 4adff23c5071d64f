package io.paybridge.deploy;

import io.paybridge.gateway.appstore.AppStoreSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * Apple App Store Server Notifications V2 through the real route: JWS signed through a test chain
 * carrying Apple's extension OIDs, trusted by the node through its trust-anchor setting.
 */
class AppStoreEndToEndIT extends GatewayEndToEndKit {

  private final AppStoreSimulator apple = new AppStoreSimulator();

  @Override
  protected String gateway() {
    return "appstore";
  }

  @Override
  protected Map<String, String> nodeEnvironment() {
    return environmentOf(apple.pluginSettings());
  }

  @Override
  protected JsonObject credentials() {
    return apple.credentialsJson();
  }

  @Override
  protected JsonObject otherCredentials() {
    return apple.credentialsJson().put("bundleId", "com.other.app");
  }

  private static Webhook json(String body) {
    return AppStoreSimulator.webhook(body);
  }

  @Override
  protected Webhook validDelivery() {
    String txn = String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits()));
    return json(
        apple.oneTimeCharge(
            apple.oneTimeTransaction(txn, 4990, "USD", UUID.randomUUID().toString())));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return json(apple.test());
  }

  @Override
  protected Webhook malformedDelivery() {
    return json(
        "{\"signedPayload\":\""
            + apple.sign(new JsonObject().put("notificationType", "ONE_TIME_CHARGE"))
            + "\"}");
  }
}
