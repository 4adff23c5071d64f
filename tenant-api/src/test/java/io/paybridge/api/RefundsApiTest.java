package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.core.db.Database;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Refunds through the partner API against Stripe's API played by {@link StripeApiFake}: full and
 * partial refunds of a payment booked from Stripe's webhook, never more than is left, one refund
 * per {@code Idempotency-Key}, each its own refund at Stripe; and every request the API refuses
 * answered with a problem naming what is wrong, another tenant's payment included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefundsApiTest {

  private Vertx fakes;
  private StripeApiFake stripeApi;
  private ApiTestServer api;
  private Pool db;
  private Partner merchant;
  private StripeAccount stripe;

  @BeforeAll
  void start() {
    fakes = Vertx.vertx();
    String apiKey = StripeApiFake.newSecretKey();
    stripeApi = await(new StripeApiFake(apiKey).start(fakes));
    api =
        ApiTestServer.start(
            "api_refunds",
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE",
                stripeApi.baseUrl(),
                "PAYBRIDGE_GATEWAY_STRIPE_API_TIMEOUT_MS",
                "1500"));
    db = Database.pool(fakes, api.database(), 1);
    merchant = api.signUp();
    stripe = api.connectStripe(merchant, new JsonObject().put("apiKey", apiKey));
  }

  @AfterAll
  void stop() {
    api.close();
    await(db.close());
    await(stripeApi.close());
    await(fakes.close());
  }

  /** A payment Stripe made and its webhook booked; the payment's id in the API. */
  private String paid(long amount, String customerRef) {
    String intent = api.pay(stripe, amount, customerRef);
    stripeApi.addPaymentIntent(intent, amount, "usd");
    JsonArray entries =
        api.ok(GET, "/api/v1/payments?customerRef=" + customerRef, merchant.token())
            .getJsonArray("data");
    return entries.stream()
        .map(JsonObject.class::cast)
        .filter(e -> intent.equals(e.getString("externalPaymentId")))
        .findFirst()
        .orElseThrow()
        .getString("id");
  }

  private HttpResponse<Buffer> refund(
      Partner partner, String payment, String key, JsonObject body) {
    var request =
        api.http()
            .post("/api/v1/payments/" + payment + "/refunds")
            .bearerTokenAuthentication(partner.token());
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private HttpResponse<Buffer> refundRaw(String payment, String contentType, String body) {
    return await(
        api.http()
            .post("/api/v1/payments/" + payment + "/refunds")
            .bearerTokenAuthentication(merchant.token())
            .putHeader("Idempotency-Key", UUID.randomUUID().toString())
            .putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject amount(long amount) {
    return new JsonObject().put("amount", amount);
  }

  private JsonArray refundEntries(String customerRef) {
    return api.ok(GET, "/api/v1/payments?kind=REFUND&customerRef=" + customerRef, merchant.token())
        .getJsonArray("data");
  }

  @Test
  void partialRefundsAndTheRestAreEachTheirOwnRefundAndNeverMoreThanIsLeft() {
    // GIVEN a 50.00 payment
    String payment = paid(5_000, "member-p");

    // WHEN 15.00 and 10.00 of it are refunded, then the rest
    HttpResponse<Buffer> first = refund(merchant, payment, "p-1", amount(1_500));
    HttpResponse<Buffer> second =
        refund(merchant, payment, "p-2", amount(1_000).put("reason", "requested_by_customer"));
    HttpResponse<Buffer> rest = refund(merchant, payment, "p-3", null);

    // THEN each succeeded at Stripe and is booked in the ledger as its own negative entry
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject r1 = first.bodyAsJsonObject();
    assertThat(first.getHeader("Location")).isEqualTo("/api/v1/refunds/" + r1.getString("id"));
    assertThat(r1.getString("paymentId")).isEqualTo(payment);
    assertThat(r1.getString("status")).isEqualTo("succeeded");
    assertThat(r1.getString("gateway")).isEqualTo("stripe");
    assertThat(r1.getLong("amount")).isEqualTo(1_500);
    assertThat(r1.getString("currency")).isEqualTo("USD");
    assertThat(r1.getString("gatewayRefundId")).startsWith("re_");
    assertThat(r1.getValue("failure")).isNull();
    assertThat(second.bodyAsJsonObject().getString("reason")).isEqualTo("requested_by_customer");
    assertThat(rest.statusCode()).as(rest.bodyAsString()).isEqualTo(201);
    assertThat(rest.bodyAsJsonObject().getLong("amount")).isEqualTo(2_500);
    JsonArray entries = refundEntries("member-p");
    assertThat(entries.stream().map(e -> ((JsonObject) e).getLong("amountMinor")))
        .containsExactly(-2_500L, -1_000L, -1_500L);
    assertThat(r1.getString("entryId")).isEqualTo(entries.getJsonObject(2).getString("id"));
    // three refunds at Stripe, each under its own key
    List<ApiCall> all = stripeApi.calls("POST", "/v1/refunds");
    List<ApiCall> calls = all.subList(all.size() - 3, all.size());
    assertThat(calls)
        .extracting(c -> c.form().get("amount"))
        .containsExactly("1500", "1000", "2500");
    assertThat(calls)
        .extracting(c -> c.form().get("payment_intent"))
        .doesNotContainNull()
        .hasSize(3);
    assertThat(calls.stream().map(c -> c.form().get("payment_intent")).distinct()).hasSize(1);
    assertThat(calls)
        .extracting(c -> c.header("Idempotency-Key"))
        .containsExactly(
            "paybridge-refund-" + r1.getString("id"),
            "paybridge-refund-" + second.bodyAsJsonObject().getString("id"),
            "paybridge-refund-" + rest.bodyAsJsonObject().getString("id"));

    // AND nothing is left: a fourth is refused naming the amount, and Stripe is not asked
    int asked = stripeApi.calls("POST", "/v1/refunds").size();
    JsonObject refused = assertProblem(refund(merchant, payment, "p-4", amount(1)), 422, "amount");
    assertThat(refused.getString("error")).isEqualTo("amount_exceeds_refundable");
    assertProblem(refund(merchant, payment, "p-5", null), 422, "amount");
    assertThat(stripeApi.calls("POST", "/v1/refunds")).hasSize(asked);

    // AND the payment's refunds are listed newest first, and each can be read
    JsonObject page =
        api.ok(GET, "/api/v1/payments/" + payment + "/refunds?limit=2", merchant.token());
    assertThat(page.getBoolean("has_more")).isTrue();
    assertThat(page.getJsonArray("data").getJsonObject(0).getString("id"))
        .isEqualTo(rest.bodyAsJsonObject().getString("id"));
    JsonObject last =
        api.ok(
            GET,
            "/api/v1/payments/"
                + payment
                + "/refunds?starting_after="
                + page.getJsonArray("data").getJsonObject(1).getString("id"),
            merchant.token());
    assertThat(last.getJsonArray("data").getJsonObject(0).getString("id"))
        .isEqualTo(r1.getString("id"));
    assertThat(last.getBoolean("has_more")).isFalse();
    assertThat(api.ok(GET, "/api/v1/refunds/" + r1.getString("id"), merchant.token()))
        .isEqualTo(r1);
  }

  @Test
  void theSameKeyIsTheSameRefundAndAnotherRequestUnderItIsRefused() {
    String payment = paid(2_000, "member-k");
    int asked = stripeApi.calls("POST", "/v1/refunds").size();

    HttpResponse<Buffer> first = refund(merchant, payment, "k-1", amount(500));
    HttpResponse<Buffer> again = refund(merchant, payment, "k-1", amount(500));

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(stripeApi.calls("POST", "/v1/refunds")).hasSize(asked + 1);
    assertThat(refundEntries("member-k")).hasSize(1);
    JsonObject reused = assertProblem(refund(merchant, payment, "k-1", amount(600)), 422, null);
    assertThat(reused.getString("error")).isEqualTo("idempotency_key_reused");
    assertProblem(refund(merchant, payment, null, amount(500)), 422, "Idempotency-Key");
    assertThat(refundEntries("member-k")).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"amount": "100"}                          | amount
          {"amount": 10.5}                           | amount
          {"amount": 0}                              | amount
          {"amount": -100}                           | amount
          {"amount": 100000000000000000000000000000} | amount
          {"amount": true}                           | amount
          {"reason": 7}                              | reason
          {"reason": ""}                             | reason
          {"amount": 100, "currency": "USD"}         | currency
          """)
  void aBodyTheApiRefusesIsAProblemNamingTheField(String body, String field) {
    String payment = paid(1_000, "member-bad");

    assertProblem(refundRaw(payment, "application/json", body), 422, field);
    assertProblem(
        refund(merchant, payment, "long-reason", new JsonObject().put("reason", "x".repeat(256))),
        422,
        "reason");
    assertThat(refundEntries("member-bad")).isEmpty();
  }

  @Test
  void aBodyThatIsNotJsonIsRefused() {
    String payment = paid(1_000, "member-json");

    JsonObject notJson =
        assertProblem(refundRaw(payment, "application/json", "{\"amount\":"), 400, null);
    assertThat(notJson.getString("error")).isEqualTo("invalid_json");
    assertThat(refundRaw(payment, "application/json", "[1]").statusCode()).isEqualTo(400);
    assertThat(refundRaw(payment, "text/plain", "amount=1").statusCode()).isEqualTo(415);
    assertThat(refundEntries("member-json")).isEmpty();
  }

  @Test
  void moreThanThePaymentIsRefusedNamingTheAmountAndAHugeOneToo() {
    String payment = paid(1_000, "member-over");

    assertProblem(refund(merchant, payment, "o-1", amount(1_001)), 422, "amount");
    assertProblem(refund(merchant, payment, "o-2", amount(Long.MAX_VALUE)), 422, "amount");
    assertThat(refund(merchant, payment, "o-3", amount(1_000)).statusCode()).isEqualTo(201);
  }

  @Test
  void anotherTenantsOrAnUnknownPaymentIsNotFound() {
    String payment = paid(3_000, "member-x");
    String refundId =
        refund(merchant, payment, "x-1", amount(100)).bodyAsJsonObject().getString("id");
    Partner other = api.signUp();
    api.connectStripe(other);

    JsonObject notFound = assertProblem(refund(other, payment, "x-2", amount(100)), 404, null);
    assertThat(notFound.getString("error")).isEqualTo("not_found");
    assertProblem(
        api.call(GET, "/api/v1/payments/" + payment + "/refunds", other.token()), 404, null);
    assertProblem(api.call(GET, "/api/v1/refunds/" + refundId, other.token()), 404, null);
    assertProblem(refund(merchant, "999999999", "x-3", amount(100)), 404, null);
    assertProblem(refund(merchant, "not-a-number", "x-4", amount(100)), 404, null);
    assertProblem(api.call(GET, "/api/v1/refunds/not-a-uuid", merchant.token()), 404, null);
    assertProblem(
        api.call(GET, "/api/v1/refunds/" + UUID.randomUUID(), merchant.token()), 404, null);
    // a cursor that is not one of the payment's refunds
    assertProblem(
        api.call(
            GET,
            "/api/v1/payments/" + payment + "/refunds?starting_after=" + UUID.randomUUID(),
            merchant.token()),
        422,
        "starting_after");
    assertThat(refundEntries("member-x")).hasSize(1);
  }

  @Test
  void aRefundIsOfMoneyReceivedThroughAGatewayThatRefundsByApi() throws Exception {
    String payment = paid(2_000, "member-n");
    refund(merchant, payment, "n-1", amount(700));
    String refundEntry = refundEntries("member-n").getJsonObject(0).getString("id");

    // a refund of a refund
    JsonObject negative = assertProblem(refund(merchant, refundEntry, "n-2", null), 422, null);
    assertThat(negative.getString("error")).isEqualTo("not_refundable");

    // a payment of a gateway without a refund API: 409 with the reason
    String code = entry("code", "payment:code-intent-1", "code-intent-1");
    JsonObject unsupported = assertProblem(refund(merchant, code, "n-3", amount(1)), 409, null);
    assertThat(unsupported.getString("error")).isEqualTo("refunds_not_supported");
    assertThat(unsupported.getString("detail")).contains("dashboard");

    // a payment of a gateway that refunds by API, but whose account is not connected
    String razorpay = entry("razorpay", "payment:pay_NotConnected01", "pay_NotConnected01");
    JsonObject disconnected =
        assertProblem(refund(merchant, razorpay, "n-4", amount(1)), 422, null);
    assertThat(disconnected.getString("error")).isEqualTo("gateway_not_connected");
  }

  /** A payment booked by a gateway the test cannot drive over HTTP; its id. */
  private String entry(String gateway, String key, String payment) {
    return String.valueOf(
        await(
                db.preparedQuery(
                        "INSERT INTO ledger_entries (tenant_id, gateway, entry_key, kind,"
                            + " amount_minor, currency, external_payment_id, occurred_at)"
                            + " VALUES ($1, $2, $3, 'PAYMENT', 1000, 'EUR', $4, now()) RETURNING id")
                    .execute(Tuple.of(UUID.fromString(merchant.tenantId()), gateway, key, payment)))
            .iterator()
            .next()
            .getLong(0));
  }

  @Test
  void anUnansweredRefundIsAskedAgainUnderTheSameKeyUntilStripeAnswers() {
    String payment = paid(4_000, "member-r");
    stripeApi.failNext("POST", "/v1/refunds", 503);

    HttpResponse<Buffer> created = refund(merchant, payment, "r-1", amount(900));

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject open = created.bodyAsJsonObject();
    assertThat(open.getString("status")).isEqualTo("requested");
    assertThat(open.getString("entryId")).isNull();
    String path = "/api/v1/refunds/" + open.getString("id");
    api.eventually(
        "the job's second attempt",
        () -> "succeeded".equals(api.ok(GET, path, merchant.token()).getString("status")));
    List<ApiCall> asked =
        stripeApi.calls("POST", "/v1/refunds").stream()
            .filter(
                c ->
                    ("paybridge-refund-" + open.getString("id"))
                        .equals(c.header("Idempotency-Key")))
            .toList();
    assertThat(asked).hasSize(2);
    assertThat(asked.get(1).form()).isEqualTo(asked.get(0).form());
    assertThat(refundEntries("member-r")).hasSize(1);
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String payment = paid(1_000, "member-s");
    String readOnly = api.token(merchant, "payments:read");

    var request =
        api.http()
            .post("/api/v1/payments/" + payment + "/refunds")
            .bearerTokenAuthentication(readOnly)
            .putHeader("Idempotency-Key", "s-1");
    assertProblem(await(request.sendJsonObject(amount(100))), 403, null);
    assertThat(
            api.ok(GET, "/api/v1/payments/" + payment + "/refunds", readOnly).getJsonArray("data"))
        .isEmpty();
    assertProblem(api.call(GET, "/api/v1/payments/" + payment + "/refunds", null), 401, null);
  }
}
