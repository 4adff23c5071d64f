package io.paybridge.deploy;

import io.paybridge.gateway.cryptomus.CryptomusSimulator;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

class CryptomusEndToEndIT extends GatewayEndToEndKit {

  private final String apiKey = "cryptomus-key-" + UUID.randomUUID();
  private final CryptomusSimulator cryptomus = new CryptomusSimulator("merchant-1", apiKey);

  @Override
  protected String gateway() {
    return "cryptomus";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject().put("merchantId", "merchant-1").put("paymentApiKey", apiKey);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject()
        .put("merchantId", "merchant-2")
        .put("paymentApiKey", "other-" + UUID.randomUUID());
  }

  private static Delivery json(String body) {
    return Delivery.of(Map.of("Content-Type", "application/json"), body);
  }

  @Override
  protected Delivery validDelivery() {
    return json(
        cryptomus.paid(CryptomusSimulator.newUuid(), "order-" + UUID.randomUUID(), "12.50", "USD"));
  }

  @Override
  protected Delivery unknownEventDelivery() {
    JsonObject fields =
        new JsonObject(cryptomus.paid(CryptomusSimulator.newUuid(), "order-x", "1.00", "USD"));
    fields.remove("sign");
    fields.put("status", "check");
    return json(cryptomus.webhook(fields));
  }

  @Override
  protected Delivery malformedDelivery() {
    JsonObject fields =
        new JsonObject(cryptomus.paid(CryptomusSimulator.newUuid(), "order-y", "1.00", "USD"));
    fields.remove("sign");
    fields.put("amount", "a lot");
    return json(cryptomus.webhook(fields));
  }
}
