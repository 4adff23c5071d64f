package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The subscription publisher's rule: a recurring charge for a subscription the tenant does not know
 * is cancelled at the gateway and refunded, on accounts that ask for it; known subscriptions and
 * accounts that do not ask are left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownSubscriptionIT {

  private Vertx fakeVertx;
  private StripeApiFake stripeApi;
  private TestNode node;
  private String apiKey;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    apiKey = StripeApiFake.newSecretKey();
    stripeApi = await(new StripeApiFake(apiKey).start(fakeVertx));
    node =
        TestNode.start(
            "unknown_subs",
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE",
                stripeApi.baseUrl(),
                "PAYBRIDGE_RETRY_BASE_MS",
                "100"));
  }

  @AfterAll
  void stop() {
    node.close();
    await(stripeApi.close());
    await(fakeVertx.close());
  }

  private HttpResponse<Buffer> charge(
      StripeSimulator stripe, String url, String sub, String paymentIntent) {
    // the invoice is paid by a payment intent the fake knows, so the refund has something to refund
    String invoice = "in_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    stripeApi.addPaymentIntent(paymentIntent, 1500, "usd");
    stripeApi.addInvoicePayment(invoice, paymentIntent);
    stripeApi.addSubscription(sub, "active", Instant.now().plus(Duration.ofDays(30)));
    return await(
        stripe.post(
            node.http,
            url,
            stripe.invoicePaid(
                "evt_" + UUID.randomUUID(),
                invoice,
                sub,
                1500,
                "usd",
                "reader",
                Instant.now().plus(Duration.ofDays(30)))));
  }

  @Test
  void aChargeForAnUnknownSubscriptionIsCancelledAndRefundedOnlyWhenTheAccountAsks() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account =
        tenant.connect(
            "stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey));
    String url = node.baseUrl() + Tenant.hookPath(account);
    assertThat(account.getString("unknownSubscriptions")).isEqualTo("record");

    // GIVEN the default policy: an unknown subscription's charge is simply recorded
    assertThat(charge(stripe, url, "sub_left_alone", "pi_left_alone").statusCode()).isEqualTo(200);

    // WHEN the account asks to cancel unknown subscriptions, and the tenant registers one it knows
    HttpResponse<Buffer> set =
        await(
            tenant
                .put("/api/v1/gateway-accounts/stripe/settings")
                .sendJsonObject(new JsonObject().put("unknownSubscriptions", "cancel-and-refund")));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> known =
        await(
            tenant
                .put("/api/v1/subscriptions/stripe/sub_known")
                .sendJsonObject(new JsonObject().put("customerRef", "reader-known")));
    assertThat(known.statusCode()).as(known.bodyAsString()).isEqualTo(200);
    assertThat(charge(stripe, url, "sub_known", "pi_known").statusCode()).isEqualTo(200);
    assertThat(charge(stripe, url, "sub_stranger", "pi_stranger").statusCode()).isEqualTo(200);

    // THEN only the stranger is cancelled at Stripe and its charge refunded
    long deadline = System.currentTimeMillis() + 20_000;
    while (!"canceled".equals(stripeApi.subscription("sub_stranger").getString("status"))
        || stripeApi.refunds().isEmpty()) {
      assertThat(System.currentTimeMillis())
          .as("cancelled and refunded within 20 s")
          .isLessThan(deadline);
      await(node.client.timer(100));
    }
    await(node.client.timer(500));
    assertThat(stripeApi.subscription("sub_known").getString("status")).isEqualTo("active");
    assertThat(stripeApi.subscription("sub_left_alone").getString("status")).isEqualTo("active");
    assertThat(stripeApi.refunds()).hasSize(1);
    assertThat(
            await(tenant.get("/api/v1/subscriptions/stripe/sub_stranger").send())
                .bodyAsJsonObject()
                .getString("status"))
        .isEqualTo("cancelled");
    // the charge itself stays recorded; its refund is booked when Stripe's refund webhook arrives
    assertThat(tenant.payments("?kind=RECURRING_CHARGED").getJsonArray("data")).hasSize(3);

    // and the setting is validated
    assertThat(
            await(
                    tenant
                        .put("/api/v1/gateway-accounts/stripe/settings")
                        .sendJsonObject(new JsonObject().put("unknownSubscriptions", "shred")))
                .statusCode())
        .isEqualTo(422);
    tenant.connect(
        "code",
        new JsonObject()
            .put(
                "depositAddress",
                new io.paybridge.gateway.code.CodeWalletSimulator().depositAddress()));
    assertThat(
            await(
                    tenant
                        .put("/api/v1/gateway-accounts/code/settings")
                        .sendJsonObject(
                            new JsonObject().put("unknownSubscriptions", "cancel-and-refund")))
                .statusCode())
        .isEqualTo(422);
  }
}
