package io.paybridge.deploy;

import io.paybridge.gateway.razorpay.RazorpaySimulator;
import io.vertx.core.json.JsonObject;
import java.util.Map;
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
        .put("keyId", "rzp_test_a")
        .put("keySecret", "ks")
        .put("webhookSecret", secret);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject()
        .put("keyId", "rzp_test_b")
        .put("keySecret", "ks")
        .put("webhookSecret", "rzp-" + UUID.randomUUID());
  }

  private Delivery signed(String body) {
    return Delivery.of(
        Map.of(
            "Content-Type",
            "application/json",
            "X-Razorpay-Signature",
            razorpay.signature(body),
            "x-razorpay-event-id",
            "ev_" + UUID.randomUUID()),
        body);
  }

  @Override
  protected Delivery validDelivery() {
    return signed(razorpay.paymentCaptured("pay_" + UUID.randomUUID(), 19900, "INR", "reader-1"));
  }

  @Override
  protected Delivery unknownEventDelivery() {
    return signed(razorpay.event("invoice.expired", new JsonObject()));
  }

  @Override
  protected Delivery malformedDelivery() {
    return signed("{\"entity\":\"event\",\"event\":\"payment.captured\",\"payload\":[]}");
  }
}
