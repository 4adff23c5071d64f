package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.gateway.appstore.AppStorePlugin;
import io.paybridge.gateway.appstore.AppStoreSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /api/v1/purchases/appstore} as an app's backend calls it: a transaction booked once
 * for the customer named however often it is handed over, every missing member named in one 422,
 * malformed, oversized and forged input refused without booking anything, the scope enforced, and
 * one tenant's hand-over never touching another's ledger.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurchasesApiTest {

  private static final String PATH = "/api/v1/purchases/appstore";

  private final AppStoreSimulator apple = new AppStoreSimulator();
  private ApiTestServer api;
  private Partner merchant;
  private Partner other;

  @BeforeAll
  void start() {
    api =
        ApiTestServer.start(
            "api_purchases",
            Map.of(
                "PAYBRIDGE_GATEWAY_APPSTORE_TRUST_ANCHOR_SHA256", apple.chain().rootFingerprint()));
    merchant = api.signUp();
    other = api.signUp();
    connect(merchant, apple.credentialsJson());
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private void connect(Partner partner, JsonObject credentials) {
    HttpResponse<Buffer> r =
        api.call(PUT, "/api/v1/gateway-accounts/appstore", partner.token(), credentials);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  private String signedTransaction(String id, long milliunits, String currency) {
    return apple.sign(apple.oneTimeTransaction(id, milliunits, currency, null));
  }

  private HttpResponse<Buffer> handOver(Partner partner, String signed, String customerRef) {
    return api.call(
        POST,
        PATH,
        partner.token(),
        new JsonObject().put("signedTransaction", signed).put("customerRef", customerRef));
  }

  private JsonArray payments(Partner partner, String customerRef) {
    return api.ok(GET, "/api/v1/payments?customerRef=" + customerRef, partner.token())
        .getJsonArray("data");
  }

  @Test
  void aTransactionIsBookedOnceHoweverOftenItIsHandedOver() {
    String id = AppStoreSimulator.newTransactionId();
    String signed = signedTransaction(id, 1_000_000, "JPY");

    HttpResponse<Buffer> first = handOver(merchant, signed, "member-1");
    HttpResponse<Buffer> again = handOver(merchant, signed, "member-1");

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    JsonObject booked = first.bodyAsJsonObject();
    assertThat(booked.getString("status")).isEqualTo("booked");
    assertThat(booked.getString("gateway")).isEqualTo(AppStorePlugin.ID);
    assertThat(booked.getString("customerRef")).isEqualTo("member-1");
    JsonObject entry = booked.getJsonObject("entry");
    assertThat(entry.getString("kind")).isEqualTo("PAYMENT");
    assertThat(entry.getLong("amountMinor")).isEqualTo(1000L);
    assertThat(entry.getString("currency")).isEqualTo("JPY");
    assertThat(entry.getString("externalPaymentId")).isEqualTo(id);
    assertThat(entry.getString("customerRef")).isEqualTo("member-1");

    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("status")).isEqualTo("already_booked");
    assertThat(again.bodyAsJsonObject().getJsonObject("entry").getString("id"))
        .isEqualTo(entry.getString("id"));
    assertThat(payments(merchant, "member-1")).hasSize(1);
    assertThat(
            api.ok(GET, "/api/v1/customers/member-1/balance", merchant.token())
                .getJsonArray("balances")
                .getJsonObject(0)
                .getLong("amountMinor"))
        .isEqualTo(1000L);
  }

  @Test
  void aTransactionHandedOverForAnotherCustomerIsRefused() {
    String signed = signedTransaction(AppStoreSimulator.newTransactionId(), 990, "USD");
    assertThat(handOver(merchant, signed, "member-2").statusCode()).isEqualTo(201);
    JsonObject problem = assertProblem(handOver(merchant, signed, "member-3"), 409, null);
    assertThat(problem.getString("error")).isEqualTo("purchase_of_another_customer");
    assertThat(payments(merchant, "member-3")).isEmpty();
  }

  @Test
  void everyMissingMemberIsNamedInOne422() {
    HttpResponse<Buffer> r = api.call(POST, PATH, merchant.token(), new JsonObject());
    JsonObject problem = assertProblem(r, 422, "customerRef");
    assertThat(problem.getString("error")).isEqualTo("invalid_purchase");
    assertThat(
            problem.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
        .containsExactlyInAnyOrder("customerRef", "signedTransaction");

    JsonObject blank =
        assertProblem(
            api.call(
                POST,
                PATH,
                merchant.token(),
                new JsonObject().put("signedTransaction", " ").put("customerRef", "member-1")),
            422,
            "signedTransaction");
    assertThat(blank.getJsonArray("problems")).hasSize(1);
  }

  @Test
  void refusedTransactionsAre422NamingTheReasonAndTheMember() {
    AppStoreSimulator otherApp =
        new AppStoreSimulator("com.other.app", apple.appAppleId(), "Sandbox", apple.chain());
    AppStoreSimulator impostor =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), "Sandbox");
    Map<String, String> refusals =
        Map.of(
            "malformed_jws", "not.a.jws",
            "other_bundle",
                otherApp.sign(
                    otherApp.oneTimeTransaction(
                        AppStoreSimulator.newTransactionId(), 990, "USD", null)),
            "untrusted_chain",
                impostor.sign(
                    impostor.oneTimeTransaction(
                        AppStoreSimulator.newTransactionId(), 990, "USD", null)));
    refusals.forEach(
        (code, signed) -> {
          HttpResponse<Buffer> r = handOver(merchant, signed, "member-4");
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
          JsonObject problem = r.bodyAsJsonObject();
          assertThat(problem.getString("error")).isEqualTo(code);
          assertThat(problem.getString("field")).isEqualTo("signedTransaction");
          assertThat(problem.getString("message")).isNotBlank();
        });
    assertThat(payments(merchant, "member-4")).isEmpty();
  }

  @Test
  void malformedOversizedAndMistypedBodiesAreRefusedBeforeAnythingIsVerified() {
    HttpResponse<Buffer> notJson =
        await(
            api.http()
                .post(PATH)
                .bearerTokenAuthentication(merchant.token())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"signedTransaction\": ")));
    assertThat(notJson.statusCode()).as(notJson.bodyAsString()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getString("error")).isEqualTo("invalid_json");

    HttpResponse<Buffer> huge =
        await(
            api.http()
                .post(PATH)
                .bearerTokenAuthentication(merchant.token())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(
                    new JsonObject()
                        .put("signedTransaction", "a".repeat(100 * 1024))
                        .put("customerRef", "member-5")
                        .toBuffer()));
    assertThat(huge.statusCode()).isEqualTo(413);

    HttpResponse<Buffer> mistyped =
        api.call(
            POST,
            PATH,
            merchant.token(),
            new JsonObject().put("signedTransaction", 42).put("customerRef", "member-5"));
    assertProblem(mistyped, 422, "signedTransaction");
    HttpResponse<Buffer> extra =
        api.call(
            POST,
            PATH,
            merchant.token(),
            new JsonObject()
                .put("signedTransaction", "x")
                .put("customerRef", "member-5")
                .put("amount", 1));
    assertThat(extra.statusCode()).as(extra.bodyAsString()).isEqualTo(422);
    assertThat(payments(merchant, "member-5")).isEmpty();
  }

  @Test
  void anotherTenantNeitherSeesNorBooksTheMerchantsPurchases() {
    String signed = signedTransaction(AppStoreSimulator.newTransactionId(), 4990, "EUR");
    assertThat(handOver(merchant, signed, "member-6").statusCode()).isEqualTo(201);

    // Without an App Store account of its own, the other tenant cannot hand it over
    JsonObject unconnected = assertProblem(handOver(other, signed, "member-6"), 422, null);
    assertThat(unconnected.getString("error")).isEqualTo("gateway_not_connected");
    // With an account for another app, the merchant's transaction is not its app's
    connect(other, apple.credentialsJson().put("bundleId", "com.other.app"));
    HttpResponse<Buffer> r = handOver(other, signed, "member-6");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("other_bundle");

    assertThat(payments(other, "member-6")).isEmpty();
    assertThat(payments(merchant, "member-6")).hasSize(1);
  }

  @Test
  void handingOverTakesThePaymentsWriteScope() {
    String readOnly = api.token(merchant, "payments:read");
    HttpResponse<Buffer> r =
        api.call(
            POST,
            PATH,
            readOnly,
            new JsonObject()
                .put(
                    "signedTransaction",
                    signedTransaction(AppStoreSimulator.newTransactionId(), 990, "USD"))
                .put("customerRef", "member-7"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(api.call(POST, PATH, null, new JsonObject()).statusCode()).isEqualTo(401);
    assertThat(payments(merchant, "member-7")).isEmpty();
  }
}
