package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every tenant-scoped endpoint, called with one tenant's token about another tenant's data: it must
 * neither show nor change it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {

  private TestNode node;
  private Tenant alice;
  private Tenant bob;
  private JsonObject aliceStripe;
  private String aliceSecret;

  @BeforeAll
  void start() {
    node = TestNode.start("isolation");
    alice = Tenant.signUp(node);
    bob = Tenant.signUp(node);
    aliceSecret = StripeSimulator.newWebhookSecret();
    aliceStripe = alice.connect("stripe", new JsonObject().put("webhookSecret", aliceSecret));
    StripeSimulator stripe = new StripeSimulator(aliceSecret);
    for (int i = 0; i < 3; i++) {
      assertThat(
              await(
                      stripe.post(
                          node.http,
                          node.baseUrl() + Tenant.hookPath(aliceStripe),
                          stripe.paymentIntentSucceeded(
                              "evt_iso" + i, "pi_iso" + i, 1000, "usd", "alice-customer")))
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void paymentsAndBalancesShowOnlyTheCallersOwn() {
    assertThat(alice.payments("").getJsonArray("data")).hasSize(3);
    assertThat(bob.payments("").getJsonArray("data")).isEmpty();
    assertThat(bob.payments("?customerRef=alice-customer").getJsonArray("data")).isEmpty();
    assertThat(bob.payments("?gateway=stripe").getJsonArray("data")).isEmpty();
    // a cursor taken from Alice's listing pages through Bob's data only
    JsonObject alicePage = alice.payments("?limit=1");
    assertThat(alicePage.getBoolean("has_more")).isTrue();
    String aliceCursor = alicePage.getJsonArray("data").getJsonObject(0).getString("id");
    assertThat(bob.payments("?starting_after=" + aliceCursor).getJsonArray("data")).isEmpty();
    assertThat(bob.payments("?ending_before=" + aliceCursor).getJsonArray("data")).isEmpty();
    assertThat(bob.balance("alice-customer").getJsonArray("balances")).isEmpty();
    assertThat(alice.balance("alice-customer").getJsonArray("balances")).hasSize(1);
  }

  @Test
  void gatewayAccountsOfAnotherTenantCannotBeReadChangedOrRemoved() {
    assertThat(await(bob.get("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(404);
    assertThat(
            await(bob.get("/api/v1/gateway-accounts").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
    assertThat(await(bob.delete("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(404);

    // Bob connecting his own Stripe account gets his own URL and leaves Alice's untouched
    JsonObject bobStripe =
        bob.connect(
            "stripe", new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret()));
    assertThat(bobStripe.getString("webhookUrl")).isNotEqualTo(aliceStripe.getString("webhookUrl"));
    HttpResponse<Buffer> stillAlice = await(alice.get("/api/v1/gateway-accounts/stripe").send());
    assertThat(stillAlice.bodyAsJsonObject().getString("webhookUrl"))
        .isEqualTo(aliceStripe.getString("webhookUrl"));
    StripeSimulator stripe = new StripeSimulator(aliceSecret);
    assertThat(
            await(
                    stripe.post(
                        node.http,
                        node.baseUrl() + Tenant.hookPath(aliceStripe),
                        stripe.paymentIntentSucceeded(
                            "evt_iso_after", "pi_after", 50, "usd", "alice-customer")))
                .statusCode())
        .as("Alice's secret still verifies on Alice's URL")
        .isEqualTo(200);
    assertThat(await(bob.delete("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(204);
    assertThat(await(alice.get("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aClientOfOneTenantCannotObtainATokenWithAnothersSecret() {
    HttpResponse<Buffer> r =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(alice.clientId, bob.clientSecret)
                .sendForm(
                    io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")));
    assertThat(r.statusCode()).isEqualTo(401);
  }
}
