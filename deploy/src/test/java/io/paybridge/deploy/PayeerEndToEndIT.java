package io.paybridge.deploy;

import io.paybridge.gateway.payeer.PayeerSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;

class PayeerEndToEndIT extends GatewayEndToEndKit {

  private final String secret = "payeer-" + UUID.randomUUID();
  private final PayeerSimulator payeer = new PayeerSimulator("12345", secret);

  @Override
  protected String gateway() {
    return "payeer";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject().put("shopId", "12345").put("secretKey", secret);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject().put("shopId", "12345").put("secretKey", "other-" + UUID.randomUUID());
  }

  private static Webhook form(Map<String, String> fields) {
    return PayeerSimulator.webhook(PayeerSimulator.form(fields));
  }

  @Override
  protected Webhook validDelivery() {
    return form(
        payeer.success(
            PayeerSimulator.newOperationId(), "order-" + UUID.randomUUID(), "10.00", "USD"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    Map<String, String> fields =
        payeer.fields(PayeerSimulator.newOperationId(), "order-f", "10.00", "USD", "fail");
    return form(payeer.signed(fields));
  }

  @Override
  protected Webhook malformedDelivery() {
    return form(payeer.success(PayeerSimulator.newOperationId(), "order-m", "ten", "USD"));
  }

  /** Payeer reads the body: success is {@code <order id>|success}. */
  @Override
  protected boolean acknowledged(HttpResponse<Buffer> response) {
    return response.statusCode() == 200 && response.bodyAsString().endsWith("|success");
  }
}
