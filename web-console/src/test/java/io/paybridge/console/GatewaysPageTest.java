package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.ConsoleTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/gateways} and {@code /console/gateways/{gateway}}: the installed gateways, the
 * credentials form rendered from the plugin's schema (secrets write-only), saving and
 * disconnecting; a gateway account is the signed-in tenant's or none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaysPageTest {

  private static final String STRIPE = "/console/gateways/stripe";

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_gateways");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  private static String hookPath(StripeAccount account) {
    return URI.create(account.webhookUrl()).getPath();
  }

  @Test
  void theListShowsTheInstalledGatewaysAndTheTenantsConnection() {
    Browser owner = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(owner);
    Browser other = console.signUp("Other");

    HttpResponse<Buffer> page = owner.get("/console/gateways");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString())
        .contains("<strong>Stripe</strong>")
        .contains("Connected")
        .contains("http://console.paybridge.test" + hookPath(stripe))
        .contains("href=\"/console/gateways/stripe\">Manage");
    assertSecurityHeaders(page);
    assertThat(other.get("/console/gateways").bodyAsString())
        .contains("Not connected")
        .contains("href=\"/console/gateways/stripe\">Connect")
        .doesNotContain(hookPath(stripe));
  }

  @Test
  void theFormConnectsStripeAndNeverShowsTheSecretAgain() {
    // GIVEN a tenant on Stripe's form
    Browser owner = console.signUp("Shop");
    assertThat(owner.get(STRIPE).bodyAsString())
        .contains("Connect Stripe")
        .contains("name=\"webhookSecret\"")
        .contains("name=\"customerRefKey\"");
    String secret = StripeSimulator.newWebhookSecret();

    // WHEN it saves its signing secret and a metadata key
    HttpResponse<Buffer> saved =
        owner.submit(STRIPE, "webhookSecret", secret, "apiKey", "", "customerRefKey", "member");

    // THEN the page shows the URL to paste, the events, and that the secret is set, not what it is
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(303);
    assertThat(saved.getHeader("Location")).isEqualTo(STRIPE + "?saved=1");
    String page = owner.get(STRIPE + "?saved=1").bodyAsString();
    assertThat(page)
        .contains("Saved. Paste the webhook URL below into your gateway.")
        .containsPattern("id=\"webhook-url\"[^>]*value=\"http://console.paybridge.test/hooks/")
        .contains("payment_intent.succeeded")
        .contains("•••• set")
        .contains("value=\"member\"")
        .doesNotContain(secret);

    // WHEN the metadata key is changed with the secret left blank THEN the secret is kept
    owner.get(STRIPE);
    assertThat(owner.submit(STRIPE, "webhookSecret", "", "customerRefKey", "user").statusCode())
        .isEqualTo(303);
    StripeAccount kept =
        new StripeAccount(new StripeSimulator(secret), console.stripeWebhookUrl(owner));
    console.pay(kept, 100, "member-1");
  }

  @Test
  void credentialsStripeRefusesAreShownBackWithTheFieldMarked() {
    Browser owner = console.signUp("Shop");
    owner.get(STRIPE);

    HttpResponse<Buffer> notASecret = owner.submit(STRIPE, "webhookSecret", "hunter2");

    assertThat(notASecret.statusCode()).isEqualTo(400);
    assertThat(notASecret.bodyAsString())
        .contains("starts with whsec_")
        .containsPattern("name=\"webhookSecret\"[^>]*aria-invalid=\"true\"")
        .doesNotContain("hunter2");
    HttpResponse<Buffer> tooLong =
        owner.submit(
            STRIPE,
            "webhookSecret",
            StripeSimulator.newWebhookSecret(),
            "customerRefKey",
            "k".repeat(5000));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.bodyAsString())
        .contains("Customer reference metadata key must be at most 1024 characters.")
        .containsPattern("name=\"customerRefKey\"[^>]*aria-invalid=\"true\"");
    // every field at fault at once, each beside its field, in the tenant's words
    HttpResponse<Buffer> both =
        owner.submit(
            STRIPE, "webhookSecret", "whsec_…", "apiKey", StripeSimulator.newWebhookSecret());
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.bodyAsString())
        .contains("see the 2 fields marked below")
        .containsPattern("name=\"webhookSecret\"[^>]*aria-invalid=\"true\"")
        .containsPattern("name=\"apiKey\"[^>]*aria-invalid=\"true\"")
        .contains("Webhook signing secret looks like a placeholder")
        .contains("Secret API key holds the webhook signing secret (whsec_…)")
        .doesNotContain("field '");
    assertThat(owner.get(STRIPE).bodyAsString()).contains("Connect Stripe");
  }

  @Test
  void stripeIsConnectedBeforeItsSecretAndThePageFollowsItsFirstDelivery() {
    // GIVEN a tenant who connects Stripe with nothing but the button
    Browser owner = console.signUp("Shop");
    assertThat(owner.get(STRIPE).bodyAsString())
        .contains("Connect with what you have now")
        .doesNotContainPattern("name=\"webhookSecret\"[^>]*required");
    assertThat(owner.submit(STRIPE).statusCode()).isEqualTo(303);

    // THEN the URL is there, and the page waits for the first delivery
    String page = owner.get(STRIPE + "?saved=1").bodyAsString();
    assertThat(page)
        .contains("then save the Webhook signing secret it shows")
        .contains("Waiting for the first delivery.")
        .contains("data-status-url=\"/console/gateways/stripe/status\"");
    JsonObject waiting = status(owner);
    assertThat(waiting.getString("stage")).isEqualTo("waiting_for_first_delivery");

    // WHEN Stripe delivers before the secret is saved THEN the status says so, and what to do
    String secret = StripeSimulator.newWebhookSecret();
    StripeAccount stripe =
        new StripeAccount(new StripeSimulator(secret), console.stripeWebhookUrl(owner));
    console.pay(stripe, 1200, "member-1");
    JsonObject held = status(owner);
    assertThat(held.getString("stage")).isEqualTo("needs_webhook_secret");
    assertThat(held.getString("version")).isNotEqualTo(waiting.getString("version"));
    assertThat(held.getString("html"))
        .contains("1 delivery has arrived.")
        .contains("Save the Webhook signing secret");

    // WHEN the secret is saved THEN the held delivery is booked
    owner.get(STRIPE);
    assertThat(owner.submit(STRIPE, "webhookSecret", secret).statusCode()).isEqualTo(303);
    console.pageOnceItShows(owner, "/console/payments", "12.00 USD");
    assertThat(status(owner).getString("stage")).isEqualTo("receiving");

    // WHEN a forged delivery arrives THEN the page says its likely cause and the fix
    StripeAccount forger =
        new StripeAccount(
            new StripeSimulator(StripeSimulator.newWebhookSecret()), stripe.webhookUrl());
    String forged =
        forger.stripe().paymentIntentSucceeded("evt_forged", "pi_forged", 1, "usd", null);
    assertThat(console.deliver(forger, forged).statusCode()).isEqualTo(401);
    assertThat(owner.get(STRIPE).bodyAsString())
        .contains("Likely cause:")
        .contains("is not the one Stripe shows for this endpoint")
        .contains("Dashboard &gt; Developers &gt; Webhooks");

    // AND another tenant sees neither the status nor the account
    Browser other = console.signUp("Other");
    assertNotFound(other.get(STRIPE + "/status"));
  }

  private static JsonObject status(Browser tenant) {
    HttpResponse<Buffer> r = tenant.get(STRIPE + "/status");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void aDisconnectedAccountsWebhookUrlStopsWorking() {
    Browser owner = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(owner);
    owner.get(STRIPE);

    HttpResponse<Buffer> removed = owner.submit(STRIPE + "/delete");

    assertThat(removed.statusCode()).isEqualTo(303);
    assertThat(removed.getHeader("Location")).isEqualTo("/console/gateways?removed=stripe");
    assertThat(owner.get("/console/gateways?removed=stripe").bodyAsString())
        .contains("Stripe was disconnected; its webhook URL no longer accepts deliveries.")
        .doesNotContain(hookPath(stripe));
    String late = stripe.stripe().paymentIntentSucceeded("evt_late", "pi_late", 1, "usd", "u");
    assertThat(console.deliver(stripe, late).statusCode()).isEqualTo(404);
  }

  @Test
  void anotherTenantsAccountIsNotFoundAndUntouched() {
    // GIVEN a tenant with Stripe connected
    Browser owner = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(owner);

    // WHEN another tenant disconnects "its" Stripe account THEN there is none
    Browser other = console.signUp("Other");
    other.get("/console/gateways");
    assertNotFound(other.submit(STRIPE + "/delete"));
    assertThat(other.get(STRIPE).bodyAsString())
        .contains("Connect Stripe")
        .doesNotContain(hookPath(stripe));
    // AND a gateway that is not installed does not exist
    assertNotFound(other.get("/console/gateways/carrier-pigeon"));
    assertNotFound(other.submit("/console/gateways/carrier-pigeon", "webhookSecret", "x"));

    // AND the tenant's account still takes payments
    console.pay(stripe, 100, "member-1");
  }

  @Test
  void formsWithoutThePagesTokenAreRefused() {
    Browser owner = console.signUp("Shop");
    owner.get(STRIPE);
    HttpResponse<Buffer> save =
        owner.submitWithoutToken(STRIPE, "webhookSecret", StripeSimulator.newWebhookSecret());
    assertThat(save.statusCode()).isEqualTo(403);
    assertThat(owner.get(STRIPE).bodyAsString()).contains("Connect Stripe");

    StripeAccount stripe = console.connectStripe(owner);
    assertThat(owner.submitWithoutToken(STRIPE + "/delete").statusCode()).isEqualTo(403);
    console.pay(stripe, 100, "member-1");
  }

  @Test
  void withoutASessionNothingIsShownOrSaved() {
    console.assertSentToLogin("/console/gateways");
    console.assertSentToLogin(STRIPE);
    console.assertSignedOutPostRefused(STRIPE);
    console.assertSignedOutPostRefused(STRIPE + "/delete");
  }
}
