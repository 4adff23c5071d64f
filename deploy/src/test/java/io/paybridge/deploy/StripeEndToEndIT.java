package io.paybridge.deploy;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

class StripeEndToEndIT extends GatewayEndToEndKit {

  private final String secret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator stripe = new StripeSimulator(secret);

  @Override
  protected String gateway() {
    return "stripe";
  }

  @Override
  protected JsonObject credentials() {
    return new JsonObject().put("webhookSecret", secret);
  }

  @Override
  protected JsonObject otherCredentials() {
    return new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret());
  }

  private Delivery signed(String body) {
    return Delivery.of(
        Map.of(
            "Content-Type",
            "application/json",
            "Stripe-Signature",
            stripe.signatureHeader(body, Instant.now())),
        body);
  }

  @Override
  protected Delivery validDelivery() {
    String id = UUID.randomUUID().toString();
    return signed(stripe.paymentIntentSucceeded("evt_" + id, "pi_" + id, 4200, "usd", "user-1"));
  }

  @Override
  protected Delivery unknownEventDelivery() {
    return signed(
        stripe.event(
            "evt_" + UUID.randomUUID(),
            "customer.created",
            new JsonObject().put("id", "cus_1").put("object", "customer")));
  }

  @Override
  protected Delivery malformedDelivery() {
    return signed("{\"id\":\"evt_bad\",\"type\":\"payment_intent.succeeded\",\"data\":{}}");
  }
}
