package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Stored payment methods and merchant-initiated charges through a whole node against Stripe's API
 * served by a simulator over HTTP: a method is checked with Stripe before it is stored and only its
 * brand and last four digits come back; a charge is made once per idempotency key whatever happens
 * to the answers (repeated requests, a timeout after Stripe charged, a 5xx), a decline is a failed
 * charge with Stripe's code and message, a success is booked once even when Stripe's webhook for it
 * follows, and nothing of it is visible to another tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChargesIT {

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakeVertx;
  private StripeApiFake api;
  private TestNode node;
  private final Map<String, String> webhookSecrets = new ConcurrentHashMap<>();

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    api = await(new StripeApiFake(apiKey).start(fakeVertx));
    node =
        TestNode.start(
            "charges",
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE",
                api.baseUrl(),
                "PAYBRIDGE_GATEWAY_STRIPE_API_TIMEOUT_MS",
                "1500"));
  }

  @AfterAll
  void stop() {
    node.close();
    await(api.close());
    await(fakeVertx.close());
  }

  @Test
  void aStoredMethodIsCheckedWithStripeAndShownOnlyAsBrandAndLastFour() {
    // GIVEN a tenant on Stripe and a card Stripe keeps for one of its customers
    Tenant tenant = connected();
    String customer = "cus_" + suffix();
    String method = api.addPaymentMethod("pm_" + suffix(), customer, "visa", "4242");

    // WHEN the tenant stores it for its member m-1
    HttpResponse<Buffer> stored = putMethod(tenant, "m-1", customer, method);

    // THEN it is stored and shown as brand and last four only
    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
    JsonObject view = stored.bodyAsJsonObject();
    assertThat(view.getString("brand")).isEqualTo("visa");
    assertThat(view.getString("last4")).isEqualTo("4242");
    assertThat(view.encode()).doesNotContain(customer).doesNotContain(method);
    assertThat(api.calls("GET", "/v1/payment_methods/" + method)).hasSize(1);
    HttpResponse<Buffer> read = await(tenant.get("/api/v1/customers/m-1/payment-method").send());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("last4")).isEqualTo("4242");

    // AND another tenant sees none of it
    Tenant other = connected();
    assertProblem(
        await(other.get("/api/v1/customers/m-1/payment-method").send()), 404, "no_payment_method");
    assertProblem(
        await(other.delete("/api/v1/customers/m-1/payment-method").send()),
        404,
        "no_payment_method");

    // WHEN the tenant removes it: it is gone
    assertThat(await(tenant.delete("/api/v1/customers/m-1/payment-method").send()).statusCode())
        .isEqualTo(204);
    assertProblem(
        await(tenant.get("/api/v1/customers/m-1/payment-method").send()), 404, "no_payment_method");
  }

  @Test
  void aMethodStripeDoesNotConfirmForTheCustomerIsRefused() {
    Tenant tenant = connected();
    String method = api.addPaymentMethod("pm_" + suffix(), "cus_owner" + suffix(), "visa", "1111");

    // another customer's method, an unknown method, an unknown gateway, a gateway not connected
    assertProblem(putMethod(tenant, "m-2", "cus_thief", method), 422, "payment_method_refused");
    assertProblem(
        putMethod(tenant, "m-2", "cus_thief", "pm_missing" + suffix()),
        422,
        "payment_method_refused");
    assertProblem(
        await(
            tenant
                .put("/api/v1/customers/m-2/payment-method")
                .sendJsonObject(
                    new JsonObject()
                        .put("gateway", "nosuch")
                        .put("customer", "cus_1")
                        .put("paymentMethod", "pm_1"))),
        422,
        "unknown_gateway");
    Tenant unconnected = Tenant.signUp(node);
    assertProblem(putMethod(unconnected, "m-2", "cus_thief", method), 422, "gateway_not_connected");

    // malformed: a field missing, an unknown field, not JSON
    HttpResponse<Buffer> missing =
        await(
            tenant
                .put("/api/v1/customers/m-2/payment-method")
                .sendJsonObject(new JsonObject().put("gateway", "stripe")));
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(missing.getHeader("Content-Type")).startsWith("application/problem+json");
    HttpResponse<Buffer> notJson =
        await(
            tenant
                .put("/api/v1/customers/m-2/payment-method")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"gateway\":")));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(await(tenant.get("/api/v1/customers/m-2/payment-method").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aChargeIsMadeOnceAndBookedOnceHoweverOftenItIsAskedFor() {
    // GIVEN a member with a stored card
    Tenant tenant = connected();
    String ref = "member-" + suffix();
    String customer = "cus_" + suffix();
    store(tenant, ref, customer, api.addPaymentMethod("pm_" + suffix(), customer, "visa", "4242"));
    String key = "invoice-" + suffix();
    JsonObject request =
        new JsonObject()
            .put("customerRef", ref)
            .put("amount", 2_500)
            .put("currency", "eur")
            .put("description", "Desk, March");

    // WHEN the tenant charges it, and sends the same request again
    HttpResponse<Buffer> first = charge(tenant, key, request);
    HttpResponse<Buffer> again = charge(tenant, key, request);

    // THEN it succeeded once: one payment intent at Stripe, under one idempotency key
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject charge = first.bodyAsJsonObject();
    assertThat(charge.getString("status")).isEqualTo("succeeded");
    assertThat(charge.getLong("amount")).isEqualTo(2_500);
    assertThat(charge.getString("currency")).isEqualTo("EUR");
    assertThat(charge.getValue("failure")).isNull();
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(charge.getString("id"));
    String intent = charge.getString("gatewayPaymentId");
    assertThat(api.paymentIntentsFor(customer)).containsExactly(intent);
    var created = intentCallsFor(customer);
    assertThat(created).hasSize(1);
    assertThat(created.get(0).header("Idempotency-Key"))
        .isEqualTo("paybridge-charge-" + charge.getString("id"));
    assertThat(created.get(0).form())
        .containsEntry("off_session", "true")
        .containsEntry("confirm", "true")
        .containsEntry("amount", "2500")
        .containsEntry("currency", "eur")
        .containsEntry("metadata[customer_ref]", ref);

    // AND the ledger holds +25.00 for the member, once, also after Stripe's webhook for it
    assertThat(balance(tenant, ref, "EUR")).isEqualTo(2_500);
    String secret = webhookSecret(tenant);
    StripeSimulator stripe = new StripeSimulator(secret);
    String url = node.baseUrl() + hookPath(tenant);
    assertThat(
            await(
                    stripe.post(
                        node.http,
                        url,
                        stripe.paymentIntentSucceeded(
                            "evt_" + suffix(), intent, 2_500, "eur", ref)))
                .statusCode())
        .isEqualTo(200);
    assertThat(balance(tenant, ref, "EUR")).isEqualTo(2_500);
    assertThat(tenant.payments("?customerRef=" + ref).getJsonArray("data")).hasSize(1);

    // AND the same key for another request is refused, and charges nothing
    HttpResponse<Buffer> reused = charge(tenant, key, request.copy().put("amount", 9_999));
    assertProblem(reused, 409, "idempotency_key_reused");
    assertThat(intentCallsFor(customer)).hasSize(1);

    // AND the charge reads back, but not for another tenant
    HttpResponse<Buffer> read =
        await(tenant.get("/api/v1/charges/" + charge.getString("id")).send());
    assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertProblem(
        await(connected().get("/api/v1/charges/" + charge.getString("id")).send()),
        404,
        "not_found");
  }

  @Test
  void aDeclineIsAFailedChargeWithStripesCodeAndMessage() {
    Tenant tenant = connected();
    String ref = "member-" + suffix();
    String customer = "cus_" + suffix();
    String method = api.addPaymentMethod("pm_" + suffix(), customer, "mastercard", "0341");
    store(tenant, ref, customer, method);
    api.declinePaymentMethod(
        method, "card_declined", "insufficient_funds", "Your card has insufficient funds.");

    HttpResponse<Buffer> declined =
        charge(
            tenant,
            "k-" + suffix(),
            new JsonObject().put("customerRef", ref).put("amount", 4_000).put("currency", "USD"));

    assertThat(declined.statusCode()).as(declined.bodyAsString()).isEqualTo(201);
    JsonObject charge = declined.bodyAsJsonObject();
    assertThat(charge.getString("status")).isEqualTo("failed");
    assertThat(charge.getJsonObject("failure").getString("code")).isEqualTo("card_declined");
    assertThat(charge.getJsonObject("failure").getString("message"))
        .isEqualTo("Your card has insufficient funds.");
    assertThat(balance(tenant, ref, "USD")).isZero();
  }

  @Test
  void aTimeoutAfterStripeChargedIsAskedAgainUnderTheSameKeyAndChargesOnce() {
    Tenant tenant = connected();
    String ref = "member-" + suffix();
    String customer = "cus_" + suffix();
    store(tenant, ref, customer, api.addPaymentMethod("pm_" + suffix(), customer, "visa", "4242"));
    // Stripe charges, but its answer comes after the platform gave up; then it fails once with 503
    api.delayNext("POST", "/v1/payment_intents", Duration.ofSeconds(4));
    api.failNext("POST", "/v1/payment_intents", 503);

    HttpResponse<Buffer> first =
        charge(
            tenant,
            "k-" + suffix(),
            new JsonObject().put("customerRef", ref).put("amount", 1_200).put("currency", "EUR"));

    // THEN the answer is pending, and the job queue settles it under the same key
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject pending = first.bodyAsJsonObject();
    assertThat(pending.getString("status")).isEqualTo("pending");
    String id = pending.getString("id");
    waitFor(
        () ->
            "succeeded"
                .equals(
                    await(tenant.get("/api/v1/charges/" + id).send())
                        .bodyAsJsonObject()
                        .getString("status")),
        Duration.ofSeconds(30));
    var tries = intentCallsFor(customer);
    assertThat(tries).hasSizeGreaterThanOrEqualTo(3);
    assertThat(tries)
        .allSatisfy(
            t -> assertThat(t.header("Idempotency-Key")).isEqualTo("paybridge-charge-" + id));
    assertThat(api.paymentIntentsFor(customer)).hasSize(1);
    assertThat(balance(tenant, ref, "EUR")).isEqualTo(1_200);
  }

  @Test
  void badChargeRequestsAreProblemsNamingTheField() {
    Tenant tenant = connected();
    HttpResponse<Buffer> noKey =
        await(
            tenant
                .post("/api/v1/charges")
                .sendJsonObject(
                    new JsonObject()
                        .put("customerRef", "x")
                        .put("amount", 1)
                        .put("currency", "EUR")));
    assertThat(noKey.statusCode()).isEqualTo(422);
    assertThat(noKey.bodyAsString()).contains("Idempotency-Key");

    HttpResponse<Buffer> fraction =
        charge(
            tenant,
            "k-" + suffix(),
            new JsonObject().put("customerRef", "x").put("amount", 1.5).put("currency", "EUR"));
    assertThat(fraction.statusCode()).isEqualTo(422);
    assertThat(fraction.bodyAsJsonObject().getString("field")).isEqualTo("amount");

    HttpResponse<Buffer> currency =
        charge(
            tenant,
            "k-" + suffix(),
            new JsonObject().put("customerRef", "x").put("amount", 100).put("currency", "EUX"));
    assertThat(currency.statusCode()).isEqualTo(422);
    assertThat(currency.bodyAsJsonObject().getString("field")).isEqualTo("currency");

    assertProblem(
        charge(
            tenant,
            "k-" + suffix(),
            new JsonObject()
                .put("customerRef", "nobody")
                .put("amount", 100)
                .put("currency", "EUR")),
        404,
        "no_payment_method");
    assertThat(
            api.calls("POST", "/v1/payment_intents").stream()
                .filter(c -> c.form().getOrDefault("metadata[customer_ref]", "").equals("nobody")))
        .isEmpty();
  }

  // ---- helpers

  /** The payment intents asked of Stripe for this customer, each try counted. */
  private List<ApiCall> intentCallsFor(String customer) {
    return api.calls("POST", "/v1/payment_intents").stream()
        .filter(c -> customer.equals(c.form().get("customer")))
        .toList();
  }

  private Tenant connected() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    tenant.connect("stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey));
    webhookSecrets.put(tenant.tenantId, secret);
    return tenant;
  }

  private static HttpResponse<Buffer> putMethod(
      Tenant tenant, String ref, String customer, String method) {
    return await(
        tenant
            .put("/api/v1/customers/" + ref + "/payment-method")
            .sendJsonObject(
                new JsonObject()
                    .put("gateway", "stripe")
                    .put("customer", customer)
                    .put("paymentMethod", method)));
  }

  private static void store(Tenant tenant, String ref, String customer, String method) {
    HttpResponse<Buffer> r = putMethod(tenant, ref, customer, method);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  private static HttpResponse<Buffer> charge(Tenant tenant, String key, JsonObject request) {
    return await(
        tenant.post("/api/v1/charges").putHeader("Idempotency-Key", key).sendJsonObject(request));
  }

  private static long balance(Tenant tenant, String ref, String currency) {
    return tenant.balance(ref).getJsonArray("balances").stream()
        .map(JsonObject.class::cast)
        .filter(b -> currency.equals(b.getString("currency")))
        .mapToLong(b -> b.getLong("amountMinor"))
        .sum();
  }

  private String webhookSecret(Tenant tenant) {
    return webhookSecrets.get(tenant.tenantId);
  }

  private static String hookPath(Tenant tenant) {
    JsonObject account =
        await(tenant.get("/api/v1/gateway-accounts/stripe").send()).bodyAsJsonObject();
    return Tenant.hookPath(account);
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(code);
  }

  private static void waitFor(BooleanSupplier condition, Duration within) {
    TestNode.eventually(within, condition, () -> "the condition still fails");
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
