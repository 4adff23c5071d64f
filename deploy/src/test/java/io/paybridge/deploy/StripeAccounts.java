package io.paybridge.deploy;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;

/** A signed-up tenant's Stripe account on a test node, and what its gateway sends to it. */
record StripeAccounts(Tenant tenant, String url, StripeSimulator stripe) {

  /** Signs a tenant up and connects a Stripe account with a webhook secret of its own. */
  static StripeAccounts connect(TestNode node) {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    return new StripeAccounts(
        tenant, node.baseUrl() + Tenant.hookPath(account), new StripeSimulator(secret));
  }

  /** Posts a signed payment_intent.succeeded of 5.00 USD with this event id. */
  Future<HttpResponse<Buffer>> deliver(TestNode node, String eventId) {
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    return stripe.post(
        node.http, url, stripe.paymentIntentSucceeded(eventId, intent, 500, "usd", "m"));
  }

  /** The tenant's receipts with this verdict. */
  long receipts(TestNode node, String verdict) {
    return node.count(
        "SELECT count(*) FROM webhook_receipts WHERE tenant_id = '"
            + tenant.tenantId
            + "' AND verdict = '"
            + verdict
            + "'");
  }
}
