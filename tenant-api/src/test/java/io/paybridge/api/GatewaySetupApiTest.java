package io.paybridge.api;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code setup} in the gateway account's answer: waiting for the first delivery, deliveries kept
 * until the signing secret is saved, booked once it is, and a forged delivery explained as the
 * tenant would say it, with the fix; another tenant's account shows nothing of this one's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySetupApiTest {

  private static final String STRIPE = "/api/v1/gateway-accounts/stripe";

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_gateway_setup");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void theAccountSaysWhereItStandsFromConnectionToItsFirstBookedPayment() {
    Partner partner = api.signUp();
    Partner stranger = api.signUp();

    // connected without its secret: waiting, with a URL gateways can reach
    JsonObject connected = put(partner, new JsonObject());
    JsonObject setup = connected.getJsonObject("setup");
    assertThat(setup.getString("stage")).isEqualTo("waiting_for_first_delivery");
    assertThat(setup.getJsonArray("missingFields")).containsExactly("webhookSecret");
    assertThat(setup.getJsonObject("publicUrl").getBoolean("reachable")).isTrue();
    assertThat(setup.getValue("lastDelivery")).isNull();

    // Stripe delivers before the secret is saved: kept, and the account says what it needs
    String secret = StripeSimulator.newWebhookSecret();
    StripeAccount stripe =
        new StripeAccount(
            new StripeSimulator(secret),
            api.baseUrl() + URI.create(connected.getString("webhookUrl")).getPath());
    String pi = api.pay(stripe, 2500, "member-7");
    setup = setup(partner);
    assertThat(setup.getString("stage")).isEqualTo("needs_webhook_secret");
    assertThat(setup.getLong("waitingDeliveries")).isEqualTo(1);
    assertThat(setup.getJsonObject("lastDelivery").getString("verdict")).isEqualTo("held");

    // the secret is saved: the delivery is booked, once
    put(partner, new JsonObject().put("webhookSecret", secret));
    api.eventually(
        "the held delivery booked", () -> "receiving".equals(setup(partner).getString("stage")));
    assertThat(setup(partner).getJsonArray("missingFields")).isEmpty();
    JsonObject payments = api.ok(GET, "/api/v1/payments", partner.token());
    assertThat(payments.getJsonArray("data")).hasSize(1);
    assertThat(payments.getJsonArray("data").getJsonObject(0).getString("externalPaymentId"))
        .isEqualTo(pi);

    // a forged delivery: failing, with the cause and the fix in the tenant's words
    StripeAccount forger =
        new StripeAccount(
            new StripeSimulator(StripeSimulator.newWebhookSecret()), stripe.webhookUrl());
    HttpResponse<Buffer> forged =
        api.deliver(
            forger,
            forger.stripe().paymentIntentSucceeded("evt_forged", "pi_forged", 1, "usd", null));
    assertThat(forged.statusCode()).isEqualTo(401);
    JsonObject last = setup(partner).getJsonObject("lastDelivery");
    assertThat(setup(partner).getString("stage")).isEqualTo("failing");
    assertThat(last.getString("cause")).isEqualTo("wrong_secret");
    assertThat(last.getString("likelyCause"))
        .isEqualTo(
            "The webhook signing secret saved here is not the one Stripe shows for this"
                + " endpoint, so the delivery's signature does not match.");
    assertThat(last.getString("fix")).contains("Dashboard > Developers > Webhooks");
    assertThat(last.getString("reason")).contains("no v1 signature");

    // the stranger sees nothing of it
    put(stranger, new JsonObject());
    assertThat(setup(stranger).getString("stage")).isEqualTo("waiting_for_first_delivery");
    assertThat(api.ok(GET, "/api/v1/gateway-accounts", stranger.token()).getJsonArray("data"))
        .singleElement()
        .satisfies(
            a ->
                assertThat(((JsonObject) a).getJsonObject("setup").getValue("lastDelivery"))
                    .isNull());
  }

  @Test
  void aPublicUrlOnThisMachineIsReportedWithHowToFixIt() {
    try (ApiTestServer local =
        ApiTestServer.start(
            "api_gateway_setup_local", Map.of("PAYBRIDGE_PUBLIC_URL", "http://localhost:8080"))) {
      Partner partner = local.signUp();
      HttpResponse<Buffer> r = local.call(PUT, STRIPE, partner.token(), new JsonObject());
      JsonObject url = r.bodyAsJsonObject().getJsonObject("setup").getJsonObject("publicUrl");
      assertThat(url.getBoolean("reachable")).isFalse();
      assertThat(url.getString("problem")).contains("localhost is this machine");
      assertThat(url.getString("fix"))
          .contains("PAYBRIDGE_PUBLIC_URL")
          .contains("cloudflared tunnel --url http://localhost:8080")
          .contains("ngrok http 8080");
    }
  }

  private JsonObject put(Partner partner, JsonObject credentials) {
    HttpResponse<Buffer> r = api.call(PUT, STRIPE, partner.token(), credentials);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private JsonObject setup(Partner partner) {
    return api.ok(GET, STRIPE, partner.token()).getJsonObject("setup");
  }
}
