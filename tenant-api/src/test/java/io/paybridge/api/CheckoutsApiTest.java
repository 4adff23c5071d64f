package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/checkouts} against Stripe's API fake: a checkout starts once per Idempotency-Key
 * and answers the client secret; malformed, oversized and invalid requests are refused with every
 * field at fault named; a Stripe outage is a 503 that the same request retries; captures and
 * intents; and nothing of one tenant's checkouts is visible to another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutsApiTest {

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakeVertx;
  private StripeApiFake stripeApi;
  private ApiTestServer api;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    stripeApi = await(new StripeApiFake(apiKey).start(fakeVertx));
    api =
        ApiTestServer.start(
            "api_checkouts", Map.of("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl()));
  }

  @AfterAll
  void stop() {
    api.close();
    await(stripeApi.close());
    await(fakeVertx.close());
  }

  @Test
  void aCheckoutStartsOncePerKeyAndAnswersTheClientSecret() {
    Partner partner = connected();
    JsonObject body = body("member-1", 2_500);

    HttpResponse<Buffer> first = create(partner, "order-1", body);
    HttpResponse<Buffer> again = create(partner, "order-1", body);

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject checkout = first.bodyAsJsonObject();
    String id = checkout.getString("id");
    assertThat(first.getHeader("Location")).isEqualTo("/api/v1/checkouts/" + id);
    assertThat(checkout.getString("status")).isEqualTo("open");
    assertThat(checkout.getString("gateway")).isEqualTo("stripe");
    assertThat(checkout.getLong("amount")).isEqualTo(2_500);
    assertThat(checkout.getString("currency")).isEqualTo("EUR");
    assertThat(checkout.getString("customerRef")).isEqualTo("member-1");
    String intent = checkout.getString("reference");
    assertThat(checkout.getJsonObject("client").getString("clientSecret"))
        .isEqualTo(stripeApi.paymentIntent(intent).getString("client_secret"));
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject()).isEqualTo(checkout);
    assertThat(stripeApi.paymentIntentsOfCheckout(id)).containsExactly(intent);

    // the same key for another body is refused, and opens nothing
    assertThat(
            assertProblem(create(partner, "order-1", body("member-1", 9_999)), 409, null)
                .getString("error"))
        .isEqualTo("idempotency_key_reused");
    assertThat(stripeApi.paymentIntentsOfCheckout(id)).hasSize(1);
    // a token without payments:write cannot start one
    HttpResponse<Buffer> readOnly =
        await(
            api.http()
                .post("/api/v1/checkouts")
                .bearerTokenAuthentication(api.token(partner, "payments:read"))
                .putHeader("Idempotency-Key", "order-2")
                .sendJsonObject(body));
    assertThat(readOnly.statusCode()).isEqualTo(403);
  }

  @Test
  void badRequestsAreRefusedNamingEveryFieldAtFault() {
    Partner partner = connected();
    JsonObject problem =
        assertProblem(
            send(
                partner,
                null,
                new JsonObject()
                    .put("gateway", "nosuch")
                    .put("customerRef", "")
                    .put("amount", 12.5)
                    .put("currency", "EUX")
                    .put("description", "x".repeat(501))
                    .put("returnUrl", "javascript:alert(1)")
                    .put("colour", "red")),
            422,
            "colour");
    assertThat(problem.getString("error")).isEqualTo("invalid_checkout");
    assertThat(fields(problem))
        .containsExactly(
            "colour",
            "amount",
            "Idempotency-Key",
            "gateway",
            "customerRef",
            "currency",
            "description",
            "returnUrl");
    assertProblem(send(partner, "k-1", new JsonObject().put("gateway", 7)), 422, "gateway");
    assertThat(fields(assertProblem(create(partner, "", body("m", 100)), 422, "Idempotency-Key")))
        .containsExactly("Idempotency-Key");

    // not JSON, not an object, not declared JSON, too large
    HttpResponse<Buffer> broken =
        await(
            api.http()
                .post("/api/v1/checkouts")
                .bearerTokenAuthentication(partner.token())
                .putHeader("Idempotency-Key", "k-2")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"gateway\":")));
    assertThat(assertProblem(broken, 400, null).getString("error")).isEqualTo("invalid_json");
    HttpResponse<Buffer> array =
        await(
            api.http()
                .post("/api/v1/checkouts")
                .bearerTokenAuthentication(partner.token())
                .putHeader("Idempotency-Key", "k-3")
                .sendJson(new JsonArray().add(1)));
    assertThat(array.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> text =
        await(
            api.http()
                .post("/api/v1/checkouts")
                .bearerTokenAuthentication(partner.token())
                .putHeader("Idempotency-Key", "k-4")
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer("hello")));
    assertThat(text.statusCode()).isEqualTo(415);
    HttpResponse<Buffer> huge =
        create(partner, "k-5", body("m", 100).put("description", "x".repeat(70_000)));
    assertThat(huge.statusCode()).isEqualTo(413);

    // a gateway the tenant has not connected
    assertThat(
            assertProblem(create(api.signUp(), "k-6", body("m", 100)), 422, null)
                .getString("error"))
        .isEqualTo("gateway_not_connected");
    assertThat(
            stripeApi.calls("POST", "/v1/payment_intents").stream()
                .filter(c -> "m".equals(c.form().get("metadata[customer_ref]"))))
        .isEmpty();
  }

  @Test
  void aStripeOutageIsA503ThatTheSameRequestRetries() {
    Partner partner = connected();
    stripeApi.failNext("POST", "/v1/payment_intents", 503);

    HttpResponse<Buffer> down = create(partner, "order-9", body("member-9", 700));
    JsonObject problem = assertProblem(down, 503, null);
    assertThat(problem.getString("error")).isEqualTo("gateway_unavailable");
    assertThat(down.getHeader("Retry-After")).isEqualTo("5");
    String id = problem.getString("checkoutId");
    assertThat(api.ok(GET, "/api/v1/checkouts/" + id, partner.token()).getString("status"))
        .isEqualTo("failed_to_start");

    HttpResponse<Buffer> retried = create(partner, "order-9", body("member-9", 700));
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(201);
    assertThat(retried.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(retried.bodyAsJsonObject().getString("status")).isEqualTo("open");
    assertThat(
            stripeApi.calls("POST", "/v1/payment_intents").stream()
                .filter(c -> id.equals(c.form().get("metadata[paybridge_checkout]"))))
        .hasSize(2)
        .allSatisfy(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-checkout-" + id));
  }

  @Test
  void aCheckoutReadsWithWhatItBookedAndOnlyForItsTenant() {
    Partner partner = connected();
    StripeAccount stripe = account(partner);
    String id =
        create(partner, "order-r", body("member-r", 1_500)).bodyAsJsonObject().getString("id");
    String intent = api.ok(GET, "/api/v1/checkouts/" + id, partner.token()).getString("reference");

    // capture before the customer authorized: it must wait; then Stripe captures it
    assertThat(
            assertProblem(
                    api.call(POST, "/api/v1/checkouts/" + id + "/capture", partner.token()),
                    409,
                    null)
                .getString("error"))
        .isEqualTo("capture_waiting");
    stripeApi.checkouts().confirm(intent);
    HttpResponse<Buffer> captured =
        api.call(POST, "/api/v1/checkouts/" + id + "/capture", partner.token());
    assertThat(captured.statusCode()).as(captured.bodyAsString()).isEqualTo(200);
    assertThat(captured.bodyAsJsonObject().getString("status")).isEqualTo("paid");
    // Stripe's webhook for the capture, twice: booked once
    String event =
        stripe
            .stripe()
            .event(
                "evt_" + UUID.randomUUID(),
                "payment_intent.succeeded",
                stripeApi.paymentIntent(intent),
                StripeSimulator.API_VERSION);
    assertThat(api.deliver(stripe, event).statusCode()).isEqualTo(200);
    assertThat(api.deliver(stripe, event).statusCode()).isEqualTo(200);

    JsonObject read = api.ok(GET, "/api/v1/checkouts/" + id, partner.token());
    assertThat(read.getLong("paid")).isEqualTo(1_500);
    assertThat(read.getJsonArray("entries")).hasSize(1);
    JsonObject entry = read.getJsonArray("entries").getJsonObject(0);
    assertThat(entry.getLong("amountMinor")).isEqualTo(1_500);
    assertThat(entry.getString("customerRef")).isEqualTo("member-r");
    assertThat(read.getJsonArray("receipts"))
        .extracting(r -> ((JsonObject) r).getString("verdict"))
        .containsExactly("recorded", "duplicate");
    // an intent cannot be named for a checkout whose gateway named its payment
    HttpResponse<Buffer> intentCall =
        api.call(
            POST,
            "/api/v1/checkouts/" + id + "/intent",
            partner.token(),
            new JsonObject().put("intentId", "in_1"));
    assertProblem(intentCall, 409, null);

    // another tenant: not found, whatever it tries
    Partner other = connected();
    for (HttpResponse<Buffer> r :
        List.of(
            api.call(GET, "/api/v1/checkouts/" + id, other.token()),
            api.call(POST, "/api/v1/checkouts/" + id + "/capture", other.token()),
            api.call(
                POST,
                "/api/v1/checkouts/" + id + "/intent",
                other.token(),
                new JsonObject().put("intentId", "in_2")),
            api.call(GET, "/api/v1/checkouts/not-a-uuid", partner.token()))) {
      assertProblem(r, 404, null);
    }
    assertThat(api.ok(GET, "/api/v1/checkouts", other.token()).getJsonArray("data")).isEmpty();
  }

  @Test
  void checkoutsListNewestFirstByPageAndFilter() {
    Partner partner = connected();
    String a = create(partner, "l-1", body("member-l", 100)).bodyAsJsonObject().getString("id");
    String b = create(partner, "l-2", body("member-l", 200)).bodyAsJsonObject().getString("id");
    String c = create(partner, "l-3", body("member-x", 300)).bodyAsJsonObject().getString("id");

    JsonObject page = api.ok(GET, "/api/v1/checkouts?limit=2", partner.token());
    assertThat(ids(page)).containsExactly(c, b);
    assertThat(page.getBoolean("has_more")).isTrue();
    assertThat(page.getJsonArray("data").getJsonObject(0).getValue("client")).isNull();
    JsonObject next = api.ok(GET, "/api/v1/checkouts?limit=2&starting_after=" + b, partner.token());
    assertThat(ids(next)).containsExactly(a);
    assertThat(next.getBoolean("has_more")).isFalse();
    assertThat(ids(api.ok(GET, "/api/v1/checkouts?customerRef=member-l", partner.token())))
        .containsExactly(b, a);
    assertThat(ids(api.ok(GET, "/api/v1/checkouts?status=open&gateway=stripe", partner.token())))
        .containsExactly(c, b, a);
    assertThat(ids(api.ok(GET, "/api/v1/checkouts?status=paid", partner.token()))).isEmpty();
    assertThat(api.call(GET, "/api/v1/checkouts?status=lost", partner.token()).statusCode())
        .isEqualTo(422);
    assertThat(api.call(GET, "/api/v1/checkouts?starting_after=nope", partner.token()).statusCode())
        .isEqualTo(422);
    assertThat(api.call(GET, "/api/v1/checkouts?limit=0", partner.token()).statusCode())
        .isEqualTo(422);
  }

  // ---- helpers

  private Partner connected() {
    Partner partner = api.signUp();
    account(partner);
    return partner;
  }

  private StripeAccount account(Partner partner) {
    return api.connectStripe(partner, new JsonObject().put("apiKey", stripeApiKey()));
  }

  private String stripeApiKey() {
    return apiKey;
  }

  private static JsonObject body(String customerRef, long amount) {
    return new JsonObject()
        .put("gateway", "stripe")
        .put("customerRef", customerRef)
        .put("amount", amount)
        .put("currency", "eur")
        .put("description", "Desk, March");
  }

  private HttpResponse<Buffer> create(Partner partner, String key, JsonObject body) {
    return send(partner, key, body);
  }

  private HttpResponse<Buffer> send(Partner partner, String key, JsonObject body) {
    var request = api.http().post("/api/v1/checkouts").bearerTokenAuthentication(partner.token());
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return await(request.sendJsonObject(body));
  }

  private static List<String> fields(JsonObject problem) {
    return problem.getJsonArray("problems").stream()
        .map(p -> ((JsonObject) p).getString("field"))
        .toList();
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("data").stream().map(c -> ((JsonObject) c).getString("id")).toList();
  }
}
