package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.paypal.PayPalSimulator;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
 * An app backend's PayPal checkout through a whole node, PayPal's Orders v2 API and its signed
 * webhooks played by the simulator over HTTP: the backend opens the order, a capture asked before
 * the payer approved waits and spends nothing, the approved order is captured once under the
 * checkout's request id and booked for the customer, PayPal's capture and refund webhooks (each
 * delivered twice) book nothing a second time, and a refund through the API books its negative
 * entry once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalCheckoutIT {

  private Vertx fakes;
  private PayPalSimulator paypal;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    fakes = Vertx.vertx();
    paypal = await(new PayPalSimulator(PayPalSimulator.SANDBOX).start(fakes));
    Map<String, String> env = new HashMap<>();
    paypal
        .pluginSettings()
        .forEach(
            (name, value) ->
                env.put(
                    "PAYBRIDGE_GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
    Path anchors = Files.createTempFile("paypal-anchors", ".pem");
    Files.writeString(
        anchors,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(paypal.trustAnchor().getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    env.put("PAYBRIDGE_GATEWAY_PAYPAL_CERT_TRUST_ANCHORS", anchors.toString());
    node = TestNode.start("paypal_checkouts", env);
  }

  @AfterAll
  void stop() {
    node.close();
    await(paypal.close());
    await(fakes.close());
  }

  @Test
  void anApprovedOrderIsCapturedOnceBookedForItsCustomerAndRefundedOnce() {
    // GIVEN a tenant on PayPal and its app's checkout of 19.90 EUR for user-7, sent twice
    Tenant tenant = Tenant.signUp(node);
    JsonObject account = tenant.connect("paypal", paypal.credentialsJson());
    String hookUrl = node.baseUrl() + Tenant.hookPath(account);
    String ref = "user-" + UUID.randomUUID().toString().substring(0, 8);
    String key = "order-" + UUID.randomUUID();
    JsonObject checkout = create(tenant, key, ref, 201);
    assertThat(create(tenant, key, ref, 201).getString("id")).isEqualTo(checkout.getString("id"));
    String id = checkout.getString("id");
    String order = checkout.getString("reference");
    assertThat(checkout.getJsonObject("client").getString("orderId")).isEqualTo(order);
    assertThat(checkout.getJsonObject("client").getString("approveUrl")).contains(order);
    assertThat(paypal.calls(HttpMethod.POST, "/v2/checkout/orders"))
        .singleElement()
        .satisfies(
            c -> assertThat(c.header("PayPal-Request-Id")).isEqualTo("paybridge-checkout-" + id));
    assertThat(
            paypal
                .order(order)
                .getJsonArray("purchase_units")
                .getJsonObject(0)
                .getString("custom_id"))
        .isEqualTo(ref);

    // WHEN the backend captures before the payer approved: told to wait, nothing is booked
    HttpResponse<Buffer> early = capture(tenant, id);
    assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(409);
    assertThat(early.bodyAsJsonObject().getString("error")).isEqualTo("capture_waiting");
    assertThat(read(tenant, id).getString("status")).isEqualTo("open");
    assertThat(payments(tenant, ref)).isEmpty();

    // AND the payer approves, and the backend captures again (twice)
    paypal.approveOrder(order);
    HttpResponse<Buffer> captured = capture(tenant, id);
    assertThat(captured.statusCode()).as(captured.bodyAsString()).isEqualTo(200);
    assertThat(captured.bodyAsJsonObject().getString("status")).isEqualTo("paid");
    assertThat(capture(tenant, id).bodyAsJsonObject().getString("status")).isEqualTo("paid");

    // THEN PayPal captured once under the checkout's capture key, and the ledger holds +19.90
    List<ApiCall> captures =
        paypal.calls(HttpMethod.POST, "/v2/checkout/orders/" + order + "/capture");
    assertThat(captures).isNotEmpty();
    assertThat(captures)
        .allSatisfy(
            c -> assertThat(c.header("PayPal-Request-Id")).isEqualTo("paybridge-capture-" + id));
    String captureId =
        paypal
            .order(order)
            .getJsonArray("purchase_units")
            .getJsonObject(0)
            .getJsonObject("payments")
            .getJsonArray("captures")
            .getJsonObject(0)
            .getString("id");
    List<JsonObject> booked = payments(tenant, ref);
    assertThat(booked)
        .singleElement()
        .satisfies(e -> assertThat(e.getLong("amountMinor")).isEqualTo(1_990));

    // WHEN PayPal's PAYMENT.CAPTURE.COMPLETED for that capture arrives, twice
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r =
          await(
              paypal.post(
                  node.http,
                  hookUrl,
                  paypal.captureCompleted(
                      PayPalSimulator.newEventId(), captureId, "19.90", "EUR", "0.90", ref)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    // THEN it books nothing more
    assertThat(payments(tenant, ref)).hasSize(1);
    assertThat(balance(tenant, ref)).isEqualTo(1_990);

    // WHEN the partner refunds 5.00 of it through the API, and PayPal's refund webhook follows
    // twice
    String payment = booked.get(0).getString("id");
    HttpResponse<Buffer> refunded =
        await(
            tenant
                .post("/api/v1/payments/" + payment + "/refunds")
                .putHeader("Idempotency-Key", "refund-" + id)
                .sendJsonObject(new JsonObject().put("amount", 500)));
    assertThat(refunded.statusCode()).as(refunded.bodyAsString()).isEqualTo(201);
    String refundId = refunded.bodyAsJsonObject().getString("gatewayRefundId");
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r =
          await(
              paypal.post(
                  node.http,
                  hookUrl,
                  paypal.captureRefunded(
                      PayPalSimulator.newEventId(), refundId, captureId, "5.00", "EUR", ref)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    // THEN the ledger holds exactly +19.90 and -5.00 for the customer, and the checkout shows both
    assertThat(payments(tenant, ref)).hasSize(2);
    assertThat(balance(tenant, ref)).isEqualTo(1_490);
    JsonObject read = read(tenant, id);
    assertThat(read.getLong("paid")).isEqualTo(1_990);
  }

  @Test
  void anotherTenantCannotCaptureOrReadTheCheckout() {
    // GIVEN a checkout of one tenant
    Tenant owner = Tenant.signUp(node);
    owner.connect("paypal", paypal.credentialsJson());
    JsonObject checkout = create(owner, "k-" + UUID.randomUUID(), "user-x", 201);

    // WHEN another tenant asks for it or captures it
    Tenant stranger = Tenant.signUp(node);
    HttpResponse<Buffer> read =
        await(stranger.get("/api/v1/checkouts/" + checkout.getString("id")).send());
    HttpResponse<Buffer> captured = capture(stranger, checkout.getString("id"));

    // THEN neither sees it, and PayPal was asked nothing for it
    assertThat(read.statusCode()).isEqualTo(404);
    assertThat(captured.statusCode()).isEqualTo(404);
    assertThat(
            paypal.calls(
                HttpMethod.POST,
                "/v2/checkout/orders/" + checkout.getString("reference") + "/capture"))
        .isEmpty();
  }

  private JsonObject create(Tenant tenant, String key, String ref, int status) {
    HttpResponse<Buffer> r =
        await(
            tenant
                .post("/api/v1/checkouts")
                .putHeader("Idempotency-Key", key)
                .sendJsonObject(
                    new JsonObject()
                        .put("gateway", "paypal")
                        .put("customerRef", ref)
                        .put("amount", 1_990)
                        .put("currency", "EUR")
                        .put("description", "Coins")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> capture(Tenant tenant, String id) {
    return await(tenant.post("/api/v1/checkouts/" + id + "/capture").send());
  }

  private static JsonObject read(Tenant tenant, String id) {
    HttpResponse<Buffer> r = await(tenant.get("/api/v1/checkouts/" + id).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static List<JsonObject> payments(Tenant tenant, String ref) {
    JsonArray data = tenant.payments("?customerRef=" + ref).getJsonArray("data");
    return data.stream().map(JsonObject.class::cast).toList();
  }

  private static long balance(Tenant tenant, String ref) {
    return payments(tenant, ref).stream().mapToLong(e -> e.getLong("amountMinor")).sum();
  }
}
