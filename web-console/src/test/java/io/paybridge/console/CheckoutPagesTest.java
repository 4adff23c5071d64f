package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.ConsoleTestServer.StripeAccount;
import io.paybridge.core.checkout.Checkout;
import io.paybridge.core.checkout.NewCheckout;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/checkouts}: the payments the tenant's app backend started at Stripe (its API
 * played by the fake), newest first with their status, and one checkout with the gateway's
 * deliveries about it and what they booked; never its client secret, never another tenant's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutPagesTest {

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakeVertx;
  private StripeApiFake stripeApi;
  private ConsoleTestServer console;
  private Browser shop;
  private Checkout paid;
  private Checkout open;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    stripeApi = await(new StripeApiFake(apiKey).start(fakeVertx));
    console =
        ConsoleTestServer.start(
            "console_checkouts", Map.of("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl()));
    shop = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(shop, "apiKey", apiKey);
    UUID tenant = console.tenantId(shop);
    paid = checkout(tenant, "member-1", 4_200);
    open = checkout(tenant, "member-2", 1_999);
    // member-1 authorizes; the capture and Stripe's success, delivered twice
    stripeApi.checkouts().confirm(paid.reference());
    await(console.useCases().checkouts().capture(tenant, paid.id()));
    String succeeded =
        stripe
            .stripe()
            .event(
                "evt_" + UUID.randomUUID(),
                "payment_intent.succeeded",
                stripeApi.paymentIntent(paid.reference()),
                StripeSimulator.API_VERSION);
    assertThat(console.deliver(stripe, succeeded).statusCode()).isEqualTo(200);
    assertThat(console.deliver(stripe, succeeded).statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    console.close();
    await(stripeApi.close());
    await(fakeVertx.close());
  }

  @Test
  void checkoutsAreListedNewestFirstWithTheirStatus() {
    HttpResponse<Buffer> r = shop.get("/console/checkouts");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .containsSubsequence(
            "member-2",
            "19.99 EUR",
            "Open",
            open.id().toString(),
            "member-1",
            "42.00 EUR",
            "Paid",
            paid.id().toString())
        .contains("href=\"/console/checkouts/" + paid.id() + "\"")
        .doesNotContain(paid.client().getString("clientSecret"));
    assertSecurityHeaders(r);
    assertThat(shop.get("/console/checkouts?status=paid").bodyAsString())
        .contains(paid.id().toString())
        .doesNotContain(open.id().toString());
    assertThat(shop.get("/console/checkouts?customer=member-404").bodyAsString())
        .contains("No matching checkouts");
    assertThat(shop.get("/console/checkouts?status=lost").statusCode()).isEqualTo(400);
    assertThat(shop.get("/console/checkouts?after=yesterday").statusCode()).isEqualTo(400);
  }

  @Test
  void aCheckoutShowsItsEventsAndWhatTheyBooked() {
    HttpResponse<Buffer> r = shop.get("/console/checkouts/" + paid.id());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .contains("Checkout " + paid.id())
        .contains("Paid")
        .contains(paid.reference())
        .containsSubsequence("Events", "payment_intent.succeeded", "Recorded", "Duplicate")
        .containsSubsequence("Ledger entries", "member-1", "42.00 EUR")
        .contains("href=\"/console/webhooks/")
        .doesNotContain(paid.client().getString("clientSecret"));
    assertThat(shop.get("/console/checkouts/" + open.id()).bodyAsString())
        .contains("No delivery from the gateway concerns this checkout yet.")
        .contains("Nothing booked for this checkout yet.");
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    Browser other = console.signUp("Other");

    assertThat(other.get("/console/checkouts").bodyAsString())
        .contains("No checkouts yet")
        .doesNotContain(paid.id().toString());
    assertNotFound(other.get("/console/checkouts/" + paid.id()));
    assertNotFound(shop.get("/console/checkouts/not-a-checkout"));
  }

  @Test
  void withoutASessionNothingIsShown() {
    console.assertSentToLogin("/console/checkouts");
    console.assertSentToLogin("/console/checkouts/" + paid.id());
  }

  private Checkout checkout(UUID tenant, String customerRef, long amount) {
    return await(
        console
            .useCases()
            .checkouts()
            .create(
                tenant,
                "order-" + UUID.randomUUID(),
                new NewCheckout("stripe", customerRef, amount, "EUR", "Coins", null)));
  }
}
