package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiRoutes;
import io.paybridge.api.OpenApiDocument;
import io.paybridge.api.PartnerApi;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.validation.ResponseValidator;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keeps the served OpenAPI document true: every documented operation exists and answers, with a
 * token, a status the document lists for it; and real responses of every operation exercised
 * validate against the document (vertx-openapi's {@link ResponseValidator}, plus the JSON schemas
 * of problem documents, whose media type vertx-openapi 5.0 does not check).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractIT {

  private TestNode node;
  private JsonObject doc;
  private ApiDocument checks;
  private String token;

  @BeforeAll
  void start() {
    node = TestNode.start("openapi");
    HttpResponse<Buffer> r = await(node.http.get("/api/v1/openapi.json").send());
    assertThat(r.statusCode()).isEqualTo(200);
    doc = r.bodyAsJsonObject();
    assertThat(r.body()).isEqualTo(OpenApiDocument.load());
    // the served document is the one the checks read: asserted just above
    checks = new ApiDocument(node.client);
    token = Tenant.signUp(node).token;
  }

  private void assertDocumented(String operationId, HttpResponse<Buffer> response) {
    checks.assertDocumented(operationId, response);
  }

  private void assertMatches(String operationId, String schemaName, HttpResponse<Buffer> response) {
    checks.assertMatches(operationId, schemaName, response);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void everyDocumentedOperationIsServed() {
    doc.getJsonObject("paths")
        .forEach(
            path -> {
              JsonObject ops = (JsonObject) path.getValue();
              for (String method : ops.fieldNames()) {
                if (method.equals("parameters")) {
                  continue;
                }
                String operationId = ops.getJsonObject(method).getString("operationId");
                assertThat(operationId)
                    .as("operationId of %s %s", method, path.getKey())
                    .isNotNull();
                String concrete =
                    path.getKey()
                        .replace("{gateway}", "stripe")
                        .replace("{customerRef}", "c1")
                        .replace("{externalSubscriptionId}", "sub_unknown")
                        .replace(
                            "/sync-targets/{id}", "/sync-targets/" + UUID.randomUUID().toString())
                        .replace("{id}", "1");
                // WHEN the operation is called with a token and a minimal body
                HttpResponse<Buffer> r =
                    await(
                        node.http
                            .request(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), concrete)
                            .bearerTokenAuthentication(token)
                            .putHeader("Content-Type", "application/json")
                            .sendBuffer(Buffer.buffer("{}")));
                // THEN it answers with a status the document lists for it
                assertThat(r.statusCode())
                    .as("%s %s: %s", method, concrete, r.bodyAsString())
                    .isNotEqualTo(401)
                    .isLessThan(500);
                assertDocumented(operationId, r);
              }
            });
  }

  @Test
  void everyServedOperationIsDocumented() {
    // GIVEN the API's routes as the node mounts them
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(node.client);
    var keys = node.node.signingKeys().apiTokens();
    PartnerApi api =
        PartnerApi.create(
            node.client,
            node.node.useCases(),
            keys,
            PaybridgeConfig.from(java.util.Map.of()),
            1,
            java.time.Clock.systemUTC());
    await(ApiRoutes.mount(node.client, router, node.node.useCases(), api));
    java.util.Set<String> served = new java.util.TreeSet<>();
    ApiDocument.collect(router, "", served);

    // THEN each is in the document, with its method
    java.util.Set<String> documented = new java.util.TreeSet<>();
    doc.getJsonObject("paths")
        .forEach(
            path ->
                ((JsonObject) path.getValue())
                    .fieldNames().stream()
                        .filter(m -> !m.equals("parameters"))
                        .forEach(
                            m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    assertThat(served).isNotEmpty();
    assertThat(documented).containsAll(served);
  }

  @Test
  void responsesMatchTheirSchemas() {
    String email = "doc-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> signup =
        await(
            node.http
                .post("/api/v1/signup")
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "Docs")
                        .put("email", email)
                        .put("password", "documented password")));
    assertMatches("signup", "SignupResponse", signup);
    assertMatches(
        "signup",
        "Error",
        await(node.http.post("/api/v1/signup").sendJsonObject(new JsonObject())));

    JsonObject creds = signup.bodyAsJsonObject();
    HttpResponse<Buffer> token =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(creds.getString("clientId"), creds.getString("clientSecret"))
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
    assertMatches("token", "TokenResponse", token);
    assertMatches(
        "token",
        "OAuthError",
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication("x", "y")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))));
    String bearer = token.bodyAsJsonObject().getString("access_token");

    assertMatches(
        "listGateways",
        "GatewayList",
        await(node.http.get("/api/v1/gateways").bearerTokenAuthentication(bearer).send()));
    String secret = StripeSimulator.newWebhookSecret();
    HttpResponse<Buffer> account =
        await(
            node.http
                .put("/api/v1/gateway-accounts/stripe")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("webhookSecret", secret)));
    assertMatches("putGatewayAccount", "GatewayAccount", account);
    assertMatches(
        "putGatewayAccount",
        "Error",
        await(
            node.http
                .put("/api/v1/gateway-accounts/stripe")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("nope", "x"))));
    assertMatches(
        "listGatewayAccounts",
        "GatewayAccountList",
        await(node.http.get("/api/v1/gateway-accounts").bearerTokenAuthentication(bearer).send()));

    StripeSimulator stripe = new StripeSimulator(secret);
    String url = node.baseUrl() + Tenant.hookPath(account.bodyAsJsonObject());
    await(
        stripe.post(
            node.http,
            url,
            stripe.paymentIntentSucceeded("evt_doc1", "pi_doc", 1234, "usd", "c1")));
    await(
        stripe.post(
            node.http, url, stripe.refundCreated("evt_doc2", "re_doc", "pi_doc", 234, "usd")));
    await(stripe.post(node.http, url, stripe.subscriptionDeleted("evt_doc3", "sub_doc")));
    HttpResponse<Buffer> page =
        await(node.http.get("/api/v1/payments?limit=2").bearerTokenAuthentication(bearer).send());
    assertThat(page.bodyAsJsonObject().getJsonArray("data")).hasSize(2);
    assertMatches("listPayments", "PaymentPage", page);
    assertMatches(
        "listPayments",
        "PaymentPage",
        await(node.http.get("/api/v1/payments").bearerTokenAuthentication(bearer).send()));

    // receipts of those deliveries, a forged one among them
    await(new StripeSimulator(StripeSimulator.newWebhookSecret()).post(node.http, url, "{}"));
    HttpResponse<Buffer> receipts =
        await(node.http.get("/api/v1/receipts?limit=2").bearerTokenAuthentication(bearer).send());
    assertThat(receipts.bodyAsJsonObject().getBoolean("has_more")).isTrue();
    assertMatches("listReceipts", "ReceiptPage", receipts);
    HttpResponse<Buffer> all =
        await(node.http.get("/api/v1/receipts").bearerTokenAuthentication(bearer).send());
    assertMatches("listReceipts", "ReceiptPage", all);
    for (Object r : all.bodyAsJsonObject().getJsonArray("data")) {
      String id = ((JsonObject) r).getString("id");
      assertMatches(
          "getReceipt",
          "ReceiptDetail",
          await(node.http.get("/api/v1/receipts/" + id).bearerTokenAuthentication(bearer).send()));
    }
    String recorded =
        all.bodyAsJsonObject().getJsonArray("data").stream()
            .map(JsonObject.class::cast)
            .filter(r -> "recorded".equals(r.getString("verdict")))
            .findFirst()
            .orElseThrow()
            .getString("id");
    assertMatches(
        "reprocessReceipt",
        "ReprocessResult",
        await(
            node.http
                .post("/api/v1/receipts/" + recorded + "/reprocess")
                .bearerTokenAuthentication(bearer)
                .send()));
    assertMatches(
        "listReceipts",
        "Error",
        await(
            node.http
                .get("/api/v1/receipts?verdict=lost")
                .bearerTokenAuthentication(bearer)
                .send()));
    assertMatches(
        "customerBalance",
        "Balance",
        await(
            node.http
                .get("/api/v1/customers/c1/balance")
                .bearerTokenAuthentication(bearer)
                .send()));
    assertMatches(
        "listPayments",
        "Error",
        await(node.http.get("/api/v1/payments?limit=-1").bearerTokenAuthentication(bearer).send()));
    // sync targets and deliveries
    HttpResponse<Buffer> target =
        await(
            node.http
                .post("/api/v1/sync-targets")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(
                    new JsonObject().put("type", "webhook").put("url", "https://example.com/doc")));
    assertMatches("createSyncTarget", "SyncTarget", target);
    assertMatches(
        "listSyncTargets",
        "SyncTargetList",
        await(node.http.get("/api/v1/sync-targets").bearerTokenAuthentication(bearer).send()));
    assertMatches(
        "listDeliveries",
        "DeliveryPage",
        await(node.http.get("/api/v1/deliveries").bearerTokenAuthentication(bearer).send()));
    String targetPath = "/api/v1/sync-targets/" + target.bodyAsJsonObject().getString("id");
    assertDocumented(
        "enableSyncTarget",
        await(node.http.post(targetPath + "/enable").bearerTokenAuthentication(bearer).send()));
    assertDocumented(
        "deleteSyncTarget",
        await(node.http.delete(targetPath).bearerTokenAuthentication(bearer).send()));
    assertDocumented(
        "deleteSyncTarget",
        await(node.http.delete(targetPath).bearerTokenAuthentication(bearer).send()));

    // the account, its settings, subscriptions
    assertMatches(
        "getGatewayAccount",
        "GatewayAccount",
        await(
            node.http
                .get("/api/v1/gateway-accounts/stripe")
                .bearerTokenAuthentication(bearer)
                .send()));
    assertMatches(
        "putGatewayAccountSettings",
        "GatewayAccount",
        await(
            node.http
                .put("/api/v1/gateway-accounts/stripe/settings")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("unknownSubscriptions", "record"))));
    assertMatches(
        "putGatewayAccountSettings",
        "Error",
        await(
            node.http
                .put("/api/v1/gateway-accounts/stripe/settings")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("unknownSubscriptions", "shrug"))));
    assertMatches(
        "registerSubscription",
        "Subscription",
        await(
            node.http
                .put("/api/v1/subscriptions/stripe/sub_registered")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("customerRef", "c1"))));
    assertMatches(
        "getSubscription",
        "Subscription",
        await(
            node.http
                .get("/api/v1/subscriptions/stripe/sub_registered")
                .bearerTokenAuthentication(bearer)
                .send()));
    assertMatches(
        "listSubscriptions",
        "SubscriptionPage",
        await(node.http.get("/api/v1/subscriptions").bearerTokenAuthentication(bearer).send()));
    assertDocumented("listGateways", await(node.http.get("/api/v1/gateways").send()));
  }

  @Test
  void refundsAndPagedListsMatchTheDocument() {
    Tenant t = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    JsonObject account = t.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String url = node.baseUrl() + Tenant.hookPath(account);
    StripeSimulator stripe = new StripeSimulator(secret);
    await(
        stripe.post(
            node.http, url, stripe.paymentIntentSucceeded("evt_r", "pi_r", 900, "usd", "c9")));
    await(stripe.post(node.http, url, stripe.refundCreated("evt_r2", "re_r", "pi_r", 100, "usd")));
    String refundEntry =
        t.payments("?limit=1").getJsonArray("data").getJsonObject(0).getString("id");
    String payment =
        t.payments("?kind=PAYMENT").getJsonArray("data").getJsonObject(0).getString("id");
    String refunds = "/api/v1/payments/" + payment + "/refunds";
    // without an API key Stripe cannot be asked: a failed refund, with why
    HttpResponse<Buffer> failed = t.postJson(refunds, "c-1", "{}");
    assertThat(failed.bodyAsJsonObject().getString("status")).isEqualTo("failed");
    assertMatches("createRefund", "Refund", failed);
    String id = failed.bodyAsJsonObject().getString("id");
    assertMatches("getRefund", "Refund", await(t.get("/api/v1/refunds/" + id).send()));
    assertMatches("listRefunds", "RefundPage", await(t.get(refunds + "?limit=1").send()));
    for (String[] refused :
        new String[][] {
          {refunds, "{\"amount\": 901}"},
          {"/api/v1/payments/" + refundEntry + "/refunds", "{}"},
          {"/api/v1/payments/99999999/refunds", "{}"},
          {refunds, "{\"amount\": -1}"}
        }) {
      assertDocumented("createRefund", t.postJson(refused[0], refused[0] + refused[1], refused[1]));
    }
    assertDocumented("listRefunds", await(t.get(refunds + "?ending_before=" + id + "x").send()));
    assertDocumented("getRefund", await(t.get("/api/v1/refunds/" + refundEntry).send()));
    // every list, paged, and refusing a parameter it cannot use
    String[][] lists = {
      {
        "listPayments", "PaymentPage", "/api/v1/payments?currency=USD&starting_after=" + refundEntry
      },
      {"listPayments", "PaymentPage", "/api/v1/payments?ending_before=" + payment},
      {"listReceipts", "ReceiptPage", "/api/v1/receipts?limit=1&ending_before=999999999"},
      {"listDeliveries", "DeliveryPage", "/api/v1/deliveries?targetId=" + UUID.randomUUID()},
      {"listSubscriptions", "SubscriptionPage", "/api/v1/subscriptions?status=active&limit=5"},
      {"listGateways", "GatewayList", "/api/v1/gateways?limit=1"},
      {"listGatewayAccounts", "GatewayAccountList", "/api/v1/gateway-accounts?starting_after=a"},
      {"listSyncTargets", "SyncTargetList", "/api/v1/sync-targets?limit=100"},
      {"listCobotInvoices", "CobotInvoicePage", "/api/v1/integrations/cobot/invoices?limit=3"}
    };
    for (String[] list : lists) {
      HttpResponse<Buffer> r = await(t.get(list[2]).send());
      if (r.statusCode() == 200) {
        assertMatches(list[0], list[1], r);
      } else {
        assertDocumented(list[0], r);
      }
      HttpResponse<Buffer> bad =
          await(t.get(list[2].replaceFirst("\\?.*", "") + "?limit=101").send());
      assertThat(bad.statusCode()).as(list[2]).isEqualTo(422);
      assertDocumented(list[0], bad);
    }
  }
}
