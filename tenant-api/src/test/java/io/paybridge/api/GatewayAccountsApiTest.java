package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/gateway-accounts}: a tenant's credentials at each gateway, write-only where
 * secret, and the webhook URL to paste into the gateway's dashboard; one account per gateway and
 * tenant, addressed by the gateway's id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAccountsApiTest {

  private static final String STRIPE = "/api/v1/gateway-accounts/stripe";

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_gateway_accounts");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> put(Partner partner, String path, JsonObject body) {
    return api.call(PUT, path, partner.token(), body);
  }

  @Test
  void anAccountIsConnectedReadEditedAndDisconnected() {
    // GIVEN a partner
    Partner partner = api.signUp();
    String secret = StripeSimulator.newWebhookSecret();

    // WHEN it connects Stripe
    HttpResponse<Buffer> saved =
        put(
            partner,
            STRIPE,
            new JsonObject().put("webhookSecret", secret).put("customerRefKey", "member"));

    // THEN the account shows its webhook URL and which secrets are set, never their values
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
    assertThat(saved.bodyAsString()).doesNotContain(secret);
    JsonObject account = saved.bodyAsJsonObject();
    assertThat(account.getString("gateway")).isEqualTo("stripe");
    assertThat(account.getString("webhookUrl"))
        .matches(ApiTestServer.PUBLIC_URL.replace(".", "\\.") + "/hooks/[A-Za-z0-9_-]{20,}/stripe");
    assertThat(account.getJsonObject("credentials"))
        .isEqualTo(new JsonObject().put("customerRefKey", "member"));
    assertThat(account.getJsonArray("secretsSet")).containsExactly("webhookSecret");
    assertThat(account.getString("unknownSubscriptions")).isEqualTo("record");
    assertThat(account.getLong("heldReceipts")).isZero();
    assertThat(api.ok(GET, STRIPE, partner.token())).isEqualTo(account);
    assertThat(api.ok(GET, "/api/v1/gateway-accounts", partner.token()).getJsonArray("data"))
        .containsExactly(account);

    // WHEN another field is changed without the secret THEN the secret is kept, the URL too
    JsonObject edited =
        put(partner, STRIPE, new JsonObject().put("customerRefKey", "user")).bodyAsJsonObject();
    assertThat(edited.getJsonObject("credentials").getString("customerRefKey")).isEqualTo("user");
    assertThat(edited.getJsonArray("secretsSet")).containsExactly("webhookSecret");
    assertThat(edited.getString("webhookUrl")).isEqualTo(account.getString("webhookUrl"));

    // WHEN its setting for unknown subscriptions changes THEN the account says so
    HttpResponse<Buffer> settings =
        put(
            partner,
            STRIPE + "/settings",
            new JsonObject().put("unknownSubscriptions", "cancel-and-refund"));
    assertThat(settings.statusCode()).as(settings.bodyAsString()).isEqualTo(200);
    assertThat(api.ok(GET, STRIPE, partner.token()).getString("unknownSubscriptions"))
        .isEqualTo("cancel-and-refund");

    // WHEN it is disconnected THEN it is gone
    assertThat(api.call(DELETE, STRIPE, partner.token()).statusCode()).isEqualTo(204);
    assertProblem(api.call(GET, STRIPE, partner.token()), 404, null);
    assertThat(api.ok(GET, "/api/v1/gateway-accounts", partner.token()).getJsonArray("data"))
        .isEmpty();
  }

  @Test
  void aDisconnectedAccountsWebhookUrlStopsWorking() {
    Partner partner = api.signUp();
    StripeAccount stripe = api.connectStripe(partner);
    api.pay(stripe, 100, "member-1");

    assertThat(api.call(DELETE, STRIPE, partner.token()).statusCode()).isEqualTo(204);

    HttpResponse<Buffer> late =
        api.deliver(
            stripe,
            stripe.stripe().paymentIntentSucceeded("evt_late", "pi_late", 200, "usd", "member-1"));
    assertThat(late.statusCode()).isEqualTo(404);
  }

  @Test
  void anAccountIsConnectedBeforeStripeShowsItsSigningSecret() {
    Partner partner = api.signUp();

    // WHEN Stripe is connected with none of its secrets
    HttpResponse<Buffer> saved = put(partner, STRIPE, new JsonObject());

    // THEN the URL and the events to subscribe to are there at once, and the account says what
    // it still needs
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
    JsonObject account = saved.bodyAsJsonObject();
    assertThat(account.getString("webhookUrl")).contains("/hooks/").endsWith("/stripe");
    assertThat(account.getJsonArray("subscribedEvents")).contains("payment_intent.succeeded");
    assertThat(account.getJsonArray("secretsSet")).isEmpty();

    // WHEN the secret is saved THEN the same URL stays
    JsonObject completed =
        put(
                partner,
                STRIPE,
                new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret()))
            .bodyAsJsonObject();
    assertThat(completed.getString("webhookUrl")).isEqualTo(account.getString("webhookUrl"));
    assertThat(completed.getJsonArray("secretsSet")).containsExactly("webhookSecret");
  }

  @Test
  void credentialsThePluginRefusesAreAProblemNamingEveryFieldByItsLabel() {
    Partner partner = api.signUp();

    // placeholders and a pasted API key, both at once
    JsonObject both =
        assertProblem(
            put(
                partner,
                STRIPE,
                new JsonObject()
                    .put("webhookSecret", "whsec_…")
                    .put("apiKey", StripeSimulator.newWebhookSecret())),
            422,
            "webhookSecret");
    assertThat(both.getJsonArray("problems"))
        .extracting(p -> ((JsonObject) p).getString("field"))
        .containsExactly("webhookSecret", "apiKey");
    assertThat(both.getJsonArray("problems").getJsonObject(0).getString("message"))
        .startsWith("Webhook signing secret looks like a placeholder")
        .contains("starts with whsec_");
    assertThat(both.getJsonArray("problems").getJsonObject(1).getString("message"))
        .startsWith("Secret API key holds the webhook signing secret (whsec_…)");
    // a secret API key where the signing secret goes
    assertThat(
            assertProblem(
                    put(
                        partner,
                        STRIPE,
                        new JsonObject().put("webhookSecret", "sk_live_51Hx8cE2eZvKYlo2C0aBcDe")),
                    422,
                    "webhookSecret")
                .getString("message"))
        .isEqualTo(
            "Webhook signing secret holds a secret API key (sk_…), not the endpoint's signing"
                + " secret, which starts with whsec_ followed by at least 24 letters and digits.");
    // a field the gateway does not have
    assertProblem(
        put(
            partner,
            STRIPE,
            new JsonObject()
                .put("webhookSecret", StripeSimulator.newWebhookSecret())
                .put("favouriteColour", "red")),
        422,
        "favouriteColour");
    // a value that is not a string, refused by the document
    assertProblem(
        put(partner, STRIPE, new JsonObject().put("webhookSecret", 42)), 422, "webhookSecret");
    // nothing was connected
    assertProblem(api.call(GET, STRIPE, partner.token()), 404, null);
  }

  @Test
  void settingsTheDocumentRefusesAreAProblemNamingTheField() {
    Partner partner = api.signUp();
    api.connectStripe(partner);

    assertProblem(
        put(partner, STRIPE + "/settings", new JsonObject().put("unknownSubscriptions", "shred")),
        422,
        "unknownSubscriptions");
    assertProblem(
        put(
            partner,
            STRIPE + "/settings",
            new JsonObject().put("unknownSubscriptions", "record").put("refunds", "never")),
        422,
        "refunds");
    assertThat(api.ok(GET, STRIPE, partner.token()).getString("unknownSubscriptions"))
        .isEqualTo("record");
  }

  @Test
  void unknownGatewaysAndAccountsNotConnectedAreNotFound() {
    Partner partner = api.signUp();
    String token = partner.token();

    JsonObject noPlugin =
        assertProblem(api.call(GET, "/api/v1/gateway-accounts/carrier-pigeon", token), 404, null);
    assertThat(noPlugin.getString("error")).isEqualTo("unknown_gateway");
    assertProblem(
        put(partner, "/api/v1/gateway-accounts/carrier-pigeon", new JsonObject()), 404, null);

    JsonObject notConnected = assertProblem(api.call(GET, STRIPE, token), 404, null);
    assertThat(notConnected.getString("error")).isEqualTo("not_found");
    assertThat(assertProblem(api.call(DELETE, STRIPE, token), 404, null)).isEqualTo(notConnected);
    assertThat(
            assertProblem(
                put(
                    partner,
                    STRIPE + "/settings",
                    new JsonObject().put("unknownSubscriptions", "record")),
                404,
                null))
        .isEqualTo(notConnected);
  }

  @Test
  void anotherTenantsAccountIsNeitherSeenNorTouched() {
    // GIVEN Alice with Stripe connected
    Partner alice = api.signUp();
    Partner bob = api.signUp();
    StripeAccount aliceStripe = api.connectStripe(alice);
    JsonObject aliceAccount = api.ok(GET, STRIPE, alice.token());
    JsonObject unknown = assertProblem(api.call(GET, STRIPE, api.signUp().token()), 404, null);

    // WHEN Bob reads, changes or removes "his" Stripe account THEN it is not there
    assertThat(assertProblem(api.call(GET, STRIPE, bob.token()), 404, null)).isEqualTo(unknown);
    assertThat(assertProblem(api.call(DELETE, STRIPE, bob.token()), 404, null)).isEqualTo(unknown);
    assertThat(
            assertProblem(
                put(
                    bob,
                    STRIPE + "/settings",
                    new JsonObject().put("unknownSubscriptions", "cancel-and-refund")),
                404,
                null))
        .isEqualTo(unknown);
    assertThat(api.ok(GET, "/api/v1/gateway-accounts", bob.token()).getJsonArray("data")).isEmpty();

    // WHEN Bob connects his own THEN it has a URL of its own
    StripeAccount bobStripe = api.connectStripe(bob);
    assertThat(bobStripe.webhookUrl()).isNotEqualTo(aliceStripe.webhookUrl());

    // AND Alice's account is as it was, and still takes her payments
    assertThat(api.ok(GET, STRIPE, alice.token())).isEqualTo(aliceAccount);
    api.pay(aliceStripe, 300, "member-1");
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    Partner partner = api.signUp();
    api.connectStripe(partner);
    String readOnly = api.token(partner, "gateways:read");
    String other = api.token(partner, "payments:read receipts:read sync:write");
    JsonObject credentials =
        new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret());

    JsonObject refused = assertProblem(api.call(PUT, STRIPE, readOnly, credentials), 403, null);
    assertThat(refused.getString("detail")).contains("gateways:write");
    assertProblem(api.call(DELETE, STRIPE, readOnly), 403, null);
    assertProblem(
        api.call(
            PUT,
            STRIPE + "/settings",
            readOnly,
            new JsonObject().put("unknownSubscriptions", "record")),
        403,
        null);
    assertProblem(api.call(GET, STRIPE, other), 403, null);
    assertProblem(api.call(GET, "/api/v1/gateway-accounts", other), 403, null);
    // reading is what the read-only token may do, and the account is untouched
    assertThat(api.ok(GET, STRIPE, readOnly).getJsonArray("secretsSet"))
        .containsExactly("webhookSecret");
  }

  @Test
  void noTokenIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/gateway-accounts", null), 401, null);
    assertProblem(api.call(GET, STRIPE, null), 401, null);
    assertProblem(api.call(PUT, STRIPE, null, new JsonObject()), 401, null);
    assertProblem(api.call(DELETE, STRIPE, null), 401, null);
  }
}
