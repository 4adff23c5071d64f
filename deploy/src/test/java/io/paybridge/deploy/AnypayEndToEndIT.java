package io.paybridge.deploy;

import io.paybridge.gateway.anypay.AnypaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;

class AnypayEndToEndIT extends GatewayEndToEndKit {

  private final String secret = "anypay-" + UUID.randomUUID();
  private final AnypaySimulator anypay = new AnypaySimulator("7001", secret);

  @Override
  protected String gateway() {
    return "anypay";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject().put("projectId", "7001").put("secretKey", secret);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject().put("projectId", "7001").put("secretKey", "other-" + UUID.randomUUID());
  }

  private Webhook form(String payId, String amount, String status) {
    Map<String, String> fields =
        anypay.signed(
            anypay.notification(AnypaySimulator.newTransactionId(), payId, amount, "RUB", status));
    return AnypaySimulator.webhook(AnypaySimulator.form(fields));
  }

  @Override
  protected Webhook validDelivery() {
    return form("order-" + UUID.randomUUID(), "150.00", "paid");
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return form("order-w", "150.00", "waiting");
  }

  @Override
  protected Webhook malformedDelivery() {
    return form("order-m", "lots", "paid");
  }

  /** Anypay repeats a notification until the answer is {@code OK}. */
  @Override
  protected boolean acknowledged(HttpResponse<Buffer> response) {
    return response.statusCode() == 200 && response.bodyAsString().equals("OK");
  }
}
