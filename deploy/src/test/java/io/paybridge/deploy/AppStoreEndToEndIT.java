package io.paybridge.deploy;

import io.paybridge.gateway.appstore.AppStoreSimulator;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
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
    Map<String, String> env = new HashMap<>();
    apple
        .pluginSettings()
        .forEach(
            (k, v) ->
                env.put("PAYBRIDGE_GATEWAY_" + k.toUpperCase(Locale.ROOT).replace('.', '_'), v));
    return env;
  }

  @Override
  protected JsonObject credentials() {
    return apple.credentialsJson();
  }

  @Override
  protected JsonObject otherCredentials() {
    return apple.credentialsJson().put("bundleId", "com.other.app");
  }

  private static Delivery json(String body) {
    return Delivery.of(Map.of("Content-Type", "application/json"), body);
  }

  @Override
  protected Delivery validDelivery() {
    String txn = String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits()));
    return json(
        apple.oneTimeCharge(
            apple.oneTimeTransaction(txn, 4990, "USD", UUID.randomUUID().toString())));
  }

  @Override
  protected Delivery unknownEventDelivery() {
    return json(apple.test());
  }

  @Override
  protected Delivery malformedDelivery() {
    return json(
        "{\"signedPayload\":\""
            + apple.sign(new JsonObject().put("notificationType", "ONE_TIME_CHARGE"))
            + "\"}");
  }
}
