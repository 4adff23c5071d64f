package io.paybridge.deploy;

import io.paybridge.gateway.cryptomus.CryptomusSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

class CryptomusEndToEndIT extends GatewayEndToEndKit {

  private final String merchantId = UUID.randomUUID().toString();
  private final String apiKey = "cryptomus-key-" + UUID.randomUUID();
  private final CryptomusSimulator cryptomus = new CryptomusSimulator(merchantId, apiKey);

  @Override
  protected String gateway() {
    return "cryptomus";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject().put("merchantId", merchantId).put("paymentApiKey", apiKey);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject()
        .put("merchantId", UUID.randomUUID().toString())
        .put("paymentApiKey", "other-key-" + UUID.randomUUID());
  }

  private static Webhook json(String body) {
    return CryptomusSimulator.webhook(body);
  }

  @Override
  protected Webhook validDelivery() {
    return json(
        cryptomus.paid(CryptomusSimulator.newUuid(), "order-" + UUID.randomUUID(), "12.50", "USD"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    JsonObject fields =
        new JsonObject(cryptomus.paid(CryptomusSimulator.newUuid(), "order-x", "1.00", "USD"));
    fields.remove("sign");
    fields.put("status", "check");
    return json(cryptomus.webhook(fields));
  }

  @Override
  protected Webhook malformedDelivery() {
    JsonObject fields =
        new JsonObject(cryptomus.paid(CryptomusSimulator.newUuid(), "order-y", "1.00", "USD"));
    fields.remove("sign");
    fields.put("amount", "a lot");
    return json(cryptomus.webhook(fields));
  }
}
