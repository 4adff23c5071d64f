package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ledger equals the money, for Stripe, through a whole node: deliveries signed as Stripe signs
 * them (the simulator's signatures are checked against Stripe's own SDK in the plugin's tests),
 * Stripe's API served by a simulator over HTTP. Refunds a charge no longer lists are fetched page
 * by page, held until the account has a key and booked once it has; a basil subscription charge
 * announced by three events is one entry; a dispute lost and won nets to zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StripeLedgerIT {

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakeVertx;
  private StripeApiFake api;
  private TestNode node;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    api = await(new StripeApiFake(apiKey).start(fakeVertx));
    node =
        TestNode.start("stripe_ledger", Map.of("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", api.baseUrl()));
  }

  @AfterAll
  void stop() {
    node.close();
    await(api.close());
    await(fakeVertx.close());
  }

  @Test
  void refundsTheChargeNoLongerListsAreHeldWithoutAKeyAndBookedOnceWithIt() {
    // GIVEN a tenant on Stripe without an API key, and a payment refunded twice in part
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String url = node.baseUrl() + Tenant.hookPath(account);
    api.addPaymentIntent("pi_R1", 10_000, "usd");
    String charge = api.chargeOf("pi_R1").getString("id");
    api.addRefund(charge, 3_000, "succeeded");
    api.addRefund(charge, 2_000, "succeeded");
    api.servePagesOf(1); // the two refunds come on two pages
    assertThat(
            await(
                    stripe.post(
                        node.http,
                        url,
                        stripe.paymentIntentSucceeded("evt_R1", "pi_R1", 10_000, "usd", "cust-r")))
                .statusCode())
        .isEqualTo(200);

    // WHEN Stripe announces the refunds with a charge that lists none (API 2022-11-15 and later)
    String refunded =
        stripe.event(
            "evt_R2",
            "charge.refunded",
            stripe.charge(
                StripeSimulator.API_VERSION, charge, "pi_R1", 10_000, 5_000, "usd", "cust-r", null),
            StripeSimulator.API_VERSION);
    HttpResponse<Buffer> held = await(stripe.post(node.http, url, refunded));

    // THEN it is acknowledged and held, and the account says why
    assertThat(held.statusCode()).isEqualTo(200);
    JsonObject receipt = tenant.receipts("?verdict=held").getJsonArray("data").getJsonObject(0);
    assertThat(receipt.getString("hold")).isEqualTo("needs_api_credentials");
    assertThat(receipt.getString("eventId")).isEqualTo("evt_R2");
    JsonObject view = body(await(tenant.get("/api/v1/gateway-accounts/stripe").send()));
    assertThat(view.getLong("heldReceipts")).isEqualTo(1);
    assertThat(view.getString("warning")).contains("held");
    assertThat(balance(tenant, "cust-r")).isEqualTo(10_000);

    // WHEN the tenant adds the key: the held delivery is booked by itself
    tenant.connect("stripe", new JsonObject().put("apiKey", apiKey));
    waitFor(() -> tenant.receipts("?verdict=held").getJsonArray("data").isEmpty());

    // THEN both refunds are booked, once, from both pages
    assertThat(balance(tenant, "cust-r")).isEqualTo(5_000);
    assertThat(kinds(tenant)).containsExactlyInAnyOrder("PAYMENT", "REFUND", "REFUND");
    JsonObject booked =
        body(await(tenant.get("/api/v1/receipts/" + receipt.getString("id")).send()));
    assertThat(booked.getString("verdict")).isEqualTo("recorded");
    assertThat(booked.getJsonArray("booked")).hasSize(2);
    assertThat(api.calls("GET", "/v1/refunds")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(
            body(await(tenant.get("/api/v1/gateway-accounts/stripe").send()))
                .getLong("heldReceipts"))
        .isZero();

    // AND the same delivery again, or processing it again, books nothing
    assertThat(await(stripe.post(node.http, url, refunded)).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> again =
        await(tenant.post("/api/v1/receipts/" + receipt.getString("id") + "/reprocess").send());
    assertThat(body(again).getLong("newEntries")).isZero();
    assertThat(balance(tenant, "cust-r")).isEqualTo(5_000);
    assertThat(tenant.receipts("?verdict=duplicate").getJsonArray("data")).hasSize(1);
  }

  @Test
  void aBasilSubscriptionChargeAnnouncedByThreeEventsIsOneEntry() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account =
        tenant.connect(
            "stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey));
    String url = node.baseUrl() + Tenant.hookPath(account);
    Instant periodEnd = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String basil = StripeSimulator.API_VERSION;
    api.addPaymentIntent("pi_S1", 2_500, "usd");
    String charge = api.chargeOf("pi_S1").getString("id");
    api.putInvoice(
        stripe.invoice(basil, "in_S1", "sub_S1", null, 2_500, "usd", "cust-s", periodEnd));
    api.addInvoicePayment("in_S1", "pi_S1");

    List<String> deliveries =
        List.of(
            stripe.event(
                "evt_S1",
                "payment_intent.succeeded",
                stripe.paymentIntent(basil, "pi_S1", 2_500, "usd", "cust-s", null),
                basil),
            stripe.event(
                "evt_S2",
                "charge.succeeded",
                stripe.charge(basil, charge, "pi_S1", 2_500, 0, "usd", "cust-s", null),
                basil),
            stripe.invoicePaid("evt_S3", "in_S1", "sub_S1", 2_500, "usd", "cust-s", periodEnd));
    for (String delivery : deliveries) {
      assertThat(await(stripe.post(node.http, url, delivery)).statusCode()).isEqualTo(200);
    }

    JsonArray entries = tenant.payments("").getJsonArray("data");
    assertThat(entries).hasSize(1);
    assertThat(entries.getJsonObject(0).getString("kind")).isEqualTo("RECURRING_CHARGED");
    assertThat(entries.getJsonObject(0).getLong("amountMinor")).isEqualTo(2_500);
    assertThat(balance(tenant, "cust-s")).isEqualTo(2_500);
    assertThat(tenant.receipts("?verdict=recorded").getJsonArray("data")).hasSize(3);
  }

  @Test
  void aDisputeLostThenWonNetsToZeroWhicheverEventArrivesFirst() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String url = node.baseUrl() + Tenant.hookPath(account);
    String basil = StripeSimulator.API_VERSION;
    await(
        stripe.post(
            node.http, url, stripe.paymentIntentSucceeded("evt_D0", "pi_D", 4_000, "usd", "c-d")));
    String withdrawn =
        stripe.event(
            "evt_D1",
            "charge.dispute.funds_withdrawn",
            stripe.dispute("dp_A", "ch_D", "pi_D", 4_000, "usd", "needs_response", -4_000),
            basil);
    String reinstated =
        stripe.event(
            "evt_D2",
            "charge.dispute.funds_reinstated",
            stripe.dispute("dp_A", "ch_D", "pi_D", 4_000, "usd", "won", -4_000, 4_000),
            basil);

    assertThat(await(stripe.post(node.http, url, withdrawn)).statusCode()).isEqualTo(200);
    assertThat(balance(tenant, "c-d")).isZero();
    assertThat(await(stripe.post(node.http, url, reinstated)).statusCode()).isEqualTo(200);
    assertThat(balance(tenant, "c-d")).isEqualTo(4_000);

    // the reverse order, on another dispute, ends the same
    String lateWithdrawn =
        stripe.event(
            "evt_D3",
            "charge.dispute.funds_withdrawn",
            stripe.dispute("dp_B", "ch_D", "pi_D", 4_000, "usd", "needs_response", -4_000),
            basil);
    String earlyReinstated =
        stripe.event(
            "evt_D4",
            "charge.dispute.funds_reinstated",
            stripe.dispute("dp_B", "ch_D", "pi_D", 4_000, "usd", "won", -4_000, 4_000),
            basil);
    await(stripe.post(node.http, url, earlyReinstated));
    await(stripe.post(node.http, url, lateWithdrawn));
    assertThat(balance(tenant, "c-d")).isEqualTo(4_000);
    assertThat(kinds(tenant))
        .containsExactlyInAnyOrder(
            "PAYMENT", "DISPUTE", "DISPUTE_REVERSED", "DISPUTE", "DISPUTE_REVERSED");
  }

  private static JsonObject body(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static long balance(Tenant tenant, String customerRef) {
    JsonArray balances = tenant.balance(customerRef).getJsonArray("balances");
    return balances.isEmpty() ? 0 : balances.getJsonObject(0).getLong("amountMinor");
  }

  private static List<String> kinds(Tenant tenant) {
    return tenant.payments("").getJsonArray("data").stream()
        .map(o -> ((JsonObject) o).getString("kind"))
        .toList();
  }

  private void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("within 15 s").isLessThan(deadline);
      await(node.client.timer(100));
    }
  }
}
