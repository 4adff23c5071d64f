package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.paypal.PayPalSimulator;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Refunds on a whole node against Stripe's API and PayPal's, each played by its simulator over
 * HTTP: a payment booked from the gateway's webhook is refunded in parts through the partner API,
 * each part one refund at the gateway under its own key, and the ledger shows each refund exactly
 * once however often the gateway's refund webhook follows; a refund beyond what is left is refused
 * before the gateway is asked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefundsIT {

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakes;
  private StripeApiFake stripeApi;
  private PayPalSimulator paypal;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    fakes = Vertx.vertx();
    stripeApi = await(new StripeApiFake(apiKey).start(fakes));
    paypal = await(new PayPalSimulator(PayPalSimulator.SANDBOX).start(fakes));
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl());
    paypal
        .pluginSettings()
        .forEach(
            (name, value) ->
                env.put(
                    "PAYBRIDGE_GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
    env.put("PAYBRIDGE_GATEWAY_PAYPAL_CERT_TRUST_ANCHORS", anchors().toString());
    node = TestNode.start("refunds", env);
  }

  private Path anchors() throws Exception {
    Path file = Files.createTempFile("paypal-anchors", ".pem");
    Files.writeString(
        file,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(paypal.trustAnchor().getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    return file;
  }

  @AfterAll
  void stop() throws IOException {
    node.close();
    await(stripeApi.close());
    await(paypal.close());
    await(fakes.close());
  }

  private HttpResponse<Buffer> refund(Tenant t, String payment, String key, Long amount) {
    var request =
        t.post("/api/v1/payments/" + payment + "/refunds").putHeader("Idempotency-Key", key);
    return await(
        amount == null
            ? request.send()
            : request.sendJsonObject(new JsonObject().put("amount", amount)));
  }

  private static JsonObject single(JsonArray entries) {
    assertThat(entries).hasSize(1);
    return entries.getJsonObject(0);
  }

  private HttpResponse<Buffer> post(String url, String body, StripeSimulator stripe) {
    return await(stripe.post(node.http, url, body));
  }

  @Test
  void twoPartialStripeRefundsAreBookedOnceEachWhateverItsWebhooksRepeat() {
    // GIVEN a tenant on Stripe whose 40.00 payment Stripe's webhook booked
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    JsonObject account =
        tenant.connect(
            "stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey));
    String url = node.baseUrl() + Tenant.hookPath(account);
    StripeSimulator stripe = new StripeSimulator(secret);
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    stripeApi.addPaymentIntent(intent, 4_000, "usd");
    assertThat(
            post(url, stripe.paymentIntentSucceeded("evt_pay", intent, 4_000, "usd", "m-7"), stripe)
                .statusCode())
        .isEqualTo(200);
    String payment =
        single(tenant.payments("?customerRef=m-7").getJsonArray("data")).getString("id");

    // WHEN the partner refunds 12.00 and then 8.00 of it
    HttpResponse<Buffer> first = refund(tenant, payment, "refund-a", 1_200L);
    HttpResponse<Buffer> second = refund(tenant, payment, "refund-b", 800L);

    // THEN both succeeded at Stripe, two refunds under two keys
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(201);
    assertThat(first.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertThat(second.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    List<ApiCall> asked = stripeApi.calls("POST", "/v1/refunds");
    assertThat(asked.stream().filter(c -> intent.equals(c.form().get("payment_intent"))))
        .extracting(c -> c.header("Idempotency-Key"))
        .containsExactly(
            "paybridge-refund-" + first.bodyAsJsonObject().getString("id"),
            "paybridge-refund-" + second.bodyAsJsonObject().getString("id"));
    String charge = stripeApi.chargeOf(intent).getString("id");
    assertThat(stripeApi.charge(charge).getLong("amount_refunded")).isEqualTo(2_000);

    // AND Stripe's charge.refunded, twice, and refund.created for each refund book nothing more
    JsonObject refunded =
        stripe.charge(
            StripeSimulator.API_VERSION, charge, intent, 4_000, 2_000, "usd", "m-7", null);
    for (String event : List.of("evt_refunded_1", "evt_refunded_2")) {
      HttpResponse<Buffer> r =
          post(
              url,
              stripe.event(event, "charge.refunded", refunded, StripeSimulator.API_VERSION),
              stripe);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    for (JsonObject made : stripeApi.refunds()) {
      if (intent.equals(made.getString("payment_intent"))) {
        post(url, stripe.event("evt_" + made.getString("id"), "refund.created", made), stripe);
      }
    }
    JsonArray refunds = tenant.payments("?kind=REFUND&customerRef=m-7").getJsonArray("data");
    assertThat(refunds.stream().map(e -> ((JsonObject) e).getLong("amountMinor")))
        .containsExactly(-800L, -1_200L);
    assertThat(tenant.payments("?customerRef=m-7").getJsonArray("data")).hasSize(3);
    assertThat(
            node.count(
                "SELECT count(*) FROM ledger_entries WHERE kind = 'REFUND'"
                    + " AND external_payment_id = '"
                    + intent
                    + "'"))
        .isEqualTo(2);
    assertThat(
            tenant.balance("m-7").getJsonArray("balances").getJsonObject(0).getLong("amountMinor"))
        .isEqualTo(2_000);
    // the receipts say so: the deliveries were recorded, and booked nothing
    JsonArray receipts =
        tenant.receipts("?gateway=stripe&eventType=charge.refunded").getJsonArray("data");
    assertThat(receipts).hasSize(2);

    // AND a third refund beyond what is left is refused, naming the amount; Stripe is not asked
    int before = stripeApi.calls("POST", "/v1/refunds").size();
    HttpResponse<Buffer> third = refund(tenant, payment, "refund-c", 2_001L);
    assertThat(third.statusCode()).as(third.bodyAsString()).isEqualTo(422);
    assertThat(third.bodyAsJsonObject().getString("field")).isEqualTo("amount");
    assertThat(stripeApi.calls("POST", "/v1/refunds")).hasSize(before);
    // and what is left can still be refunded
    HttpResponse<Buffer> rest = refund(tenant, payment, "refund-d", null);
    assertThat(rest.bodyAsJsonObject().getLong("amount")).isEqualTo(2_000);
    assertThat(
            await(tenant.get("/api/v1/payments/" + payment + "/refunds").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .hasSize(3);
  }

  @Test
  void aPayPalRefundIsBookedOnceWhenItsWebhookFollows() {
    // GIVEN a tenant on PayPal whose 25.00 capture PayPal's webhook booked (confirmed with PayPal)
    Tenant tenant = Tenant.signUp(node);
    JsonObject account = tenant.connect("paypal", paypal.credentialsJson());
    String url = node.baseUrl() + Tenant.hookPath(account);
    String capture = PayPalSimulator.newResourceId();
    HttpResponse<Buffer> paid =
        await(
            paypal.post(
                node.http,
                url,
                paypal.captureCompleted(
                    PayPalSimulator.newEventId(), capture, "25.00", "USD", "1.03", "buyer-9")));
    assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(200);
    String payment =
        single(tenant.payments("?customerRef=buyer-9").getJsonArray("data")).getString("id");

    // WHEN the partner refunds 7.50 of it
    HttpResponse<Buffer> refunded = refund(tenant, payment, "pp-1", 750L);

    // THEN PayPal refunded it under the refund's request id, and the ledger books it
    assertThat(refunded.statusCode()).as(refunded.bodyAsString()).isEqualTo(201);
    JsonObject view = refunded.bodyAsJsonObject();
    assertThat(view.getString("status")).isEqualTo("succeeded");
    ApiCall asked = paypal.calls(HttpMethod.POST, "/v2/payments/captures/" + capture).get(0);
    assertThat(asked.header("PayPal-Request-Id"))
        .isEqualTo("paybridge-refund-" + view.getString("id"));
    assertThat(asked.json().getJsonObject("amount"))
        .isEqualTo(new JsonObject().put("value", "7.50").put("currency_code", "USD"));

    // AND PAYMENT.CAPTURE.REFUNDED for it, delivered twice, books nothing more
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r =
          await(
              paypal.post(
                  node.http,
                  url,
                  paypal.captureRefunded(
                      PayPalSimulator.newEventId(),
                      view.getString("gatewayRefundId"),
                      capture,
                      "7.50",
                      "USD",
                      null)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    JsonObject entry =
        single(tenant.payments("?kind=REFUND&customerRef=buyer-9").getJsonArray("data"));
    assertThat(entry.getLong("amountMinor")).isEqualTo(-750);
    assertThat(entry.getString("id")).isEqualTo(view.getString("entryId"));

    // AND more than the 17.50 left is refused
    HttpResponse<Buffer> tooMuch = refund(tenant, payment, "pp-2", 1_751L);
    assertThat(tooMuch.statusCode()).as(tooMuch.bodyAsString()).isEqualTo(422);
    assertThat(tooMuch.bodyAsJsonObject().getString("field")).isEqualTo("amount");
    assertThat(paypal.calls(HttpMethod.POST, "/v2/payments/captures/" + capture)).hasSize(1);
    assertThat(tenant.receipts("?gateway=paypal").getJsonArray("data"))
        .extracting(r -> ((JsonObject) r).getString("verdict"))
        .containsOnly("recorded")
        .hasSize(3);
  }
}
