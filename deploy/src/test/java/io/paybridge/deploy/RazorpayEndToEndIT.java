package io.paybridge.deploy;

import io.paybridge.gateway.razorpay.RazorpaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

class RazorpayEndToEndIT extends GatewayEndToEndKit {

  private final String secret = "rzp-" + UUID.randomUUID();
  private final RazorpaySimulator razorpay = new RazorpaySimulator(secret);

  @Override
  protected String gateway() {
    return "razorpay";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject()
        .put("keyId", "rzp_test_1DP5mmOlF5G5aA")
        .put("keySecret", "Lh8sQ2wX4nV7bZ1cK9dM3fTr")
        .put("webhookSecret", secret);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject()
        .put("keyId", "rzp_test_1DP5mmOlF5G5bB")
        .put("keySecret", "Lh8sQ2wX4nV7bZ1cK9dM3fTr")
        .put("webhookSecret", "rzp-" + UUID.randomUUID());
  }

  private Webhook signed(String body) {
    return razorpay.webhook(body, "ev_" + UUID.randomUUID());
  }

  @Override
  protected Webhook validDelivery() {
    return signed(razorpay.paymentCaptured("pay_" + UUID.randomUUID(), 19900, "INR", "reader-1"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return signed(razorpay.event("invoice.expired", new JsonObject()));
  }

  @Override
  protected Webhook malformedDelivery() {
    return signed("{\"entity\":\"event\",\"event\":\"payment.captured\",\"payload\":[]}");
  }
}
