package io.paybridge.deploy;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.json.JsonObject;
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

  @Override
  protected Webhook validDelivery() {
    String id = UUID.randomUUID().toString();
    return stripe.webhook(
        stripe.paymentIntentSucceeded("evt_" + id, "pi_" + id, 4200, "usd", "user-1"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return stripe.webhook(
        stripe.event(
            "evt_" + UUID.randomUUID(),
            "customer.created",
            new JsonObject().put("id", "cus_1").put("object", "customer")));
  }

  @Override
  protected Webhook malformedDelivery() {
    return stripe.webhook("{\"id\":\"evt_bad\",\"type\":\"payment_intent.succeeded\",\"data\":{}}");
  }
}
