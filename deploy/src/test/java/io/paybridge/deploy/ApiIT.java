package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The partner API's public contract: signup, tokens, gateway accounts, payments, balances. */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {

  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start("api");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private HttpResponse<Buffer> signup(JsonObject body) {
    return await(node.http.post("/api/v1/signup").sendJsonObject(body));
  }

  @Test
  void signupShowsTheSecretOnceAndStoresOnlyHashes() {
    String email = "Owner-" + UUID.randomUUID() + "@Example.com";
    HttpResponse<Buffer> r =
        signup(
            new JsonObject()
                .put("name", "Cowork One")
                .put("email", email)
                .put("password", "a long enough password"));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("tenantId", "clientId", "clientSecret");
    String secret = body.getString("clientSecret");
    assertThat(
            node.count(
                "SELECT count(*) FROM api_clients WHERE secret_hash LIKE 'hmac-sha256$%'"
                    + " AND position('"
                    + secret
                    + "' in secret_hash) = 0 AND client_id = '"
                    + body.getString("clientId")
                    + "'"))
        .isEqualTo(1);
    assertThat(
            node.count(
                "SELECT count(*) FROM tenants WHERE password_hash LIKE 'pbkdf2-sha256$%'"
                    + " AND position('a long enough password' in password_hash) = 0 AND id = '"
                    + body.getString("tenantId")
                    + "'"))
        .isEqualTo(1);

    HttpResponse<Buffer> again =
        signup(
            new JsonObject()
                .put("name", "Other")
                .put("email", email.toLowerCase())
                .put("password", "another long password"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("field")).isEqualTo("email");
  }

  @Test
  void signupNamesTheFieldAtFault() {
    assertField(
        signup(new JsonObject().put("email", "a@b.co").put("password", "123456789012")),
        422,
        "name");
    assertField(
        signup(new JsonObject().put("name", "x").put("password", "123456789012")), 422, "email");
    assertField(
        signup(
            new JsonObject()
                .put("name", "x")
                .put("email", "not-an-email")
                .put("password", "123456789012")),
        422,
        "email");
    assertField(
        signup(new JsonObject().put("name", "x").put("email", "a@b.co").put("password", "short")),
        422,
        "password");
    assertField(
        signup(
            new JsonObject()
                .put("name", 42)
                .put("email", "a@b.co")
                .put("password", "123456789012")),
        422,
        "name");
    assertField(
        signup(
            new JsonObject()
                .put("name", "x".repeat(201))
                .put("email", "a@b.co")
                .put("password", "123456789012")),
        422,
        "name");

    HttpResponse<Buffer> notJson =
        await(
            node.http
                .post("/api/v1/signup")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{name:")));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getString("error")).isEqualTo("invalid_json");
    HttpResponse<Buffer> array =
        await(
            node.http
                .post("/api/v1/signup")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("[]")));
    assertThat(array.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> form =
        await(
            node.http
                .post("/api/v1/signup")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", "x")));
    assertThat(form.statusCode()).isEqualTo(415);
    HttpResponse<Buffer> huge =
        await(
            node.http
                .post("/api/v1/signup")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"name\":\"" + "x".repeat(100_000) + "\"}")));
    assertThat(huge.statusCode()).isEqualTo(413);
  }

  private static void assertField(HttpResponse<Buffer> r, int status, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
    JsonObject body = r.bodyAsJsonObject();
    if (body.containsKey("problems")) {
      // the message names each field by its label; the problems say which field is which
      assertThat(body.getJsonArray("problems").getJsonObject(0).getString("field"))
          .isEqualTo(field);
    } else {
      assertThat(body.getString("message")).contains(field);
    }
  }

  @Test
  void tokensFollowTheClientCredentialsGrant() {
    Tenant t = Tenant.signUp(node);
    HttpResponse<Buffer> ok =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret)
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
    assertThat(ok.statusCode()).isEqualTo(200);
    JsonObject tok = ok.bodyAsJsonObject();
    assertThat(tok.getString("token_type")).isEqualTo("Bearer");
    assertThat(tok.getLong("expires_in")).isEqualTo(3600);
    assertThat(tok.getString("access_token").split("\\.")).hasSize(3);

    HttpResponse<Buffer> viaForm =
        await(
            node.http
                .post("/oauth/token")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("client_id", t.clientId)
                        .add("client_secret", t.clientSecret)));
    assertThat(viaForm.statusCode()).isEqualTo(200);

    HttpResponse<Buffer> wrong =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret + "x")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.getHeader("WWW-Authenticate")).startsWith("Basic");
    assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
    HttpResponse<Buffer> unknown =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication("pbc_nobody", "x")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
    assertThat(unknown.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> password =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "password")));
    assertThat(password.bodyAsJsonObject().getString("error")).isEqualTo("unsupported_grant_type");
    HttpResponse<Buffer> noGrant =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret)
                .sendForm(MultiMap.caseInsensitiveMultiMap()));
    assertThat(noGrant.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> badScope =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret)
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("scope", "admin")));
    assertThat(badScope.bodyAsJsonObject().getString("error")).isEqualTo("invalid_scope");
  }

  @Test
  void aReadOnlyTokenCannotChangeGatewayAccounts() {
    Tenant t = Tenant.signUp(node);
    HttpResponse<Buffer> r =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(t.clientId, t.clientSecret)
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("scope", "payments:read")));
    String readOnly = r.bodyAsJsonObject().getString("access_token");
    HttpResponse<Buffer> put =
        await(
            node.http
                .put("/api/v1/gateway-accounts/stripe")
                .bearerTokenAuthentication(readOnly)
                .sendJsonObject(
                    new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret())));
    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(put.bodyAsJsonObject().getString("error")).isEqualTo("insufficient_scope");
    assertThat(
            await(node.http.get("/api/v1/payments").bearerTokenAuthentication(readOnly).send())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void missingForgedAndUnsignedTokensAreRefused() {
    Tenant t = Tenant.signUp(node);
    assertThat(await(node.http.get("/api/v1/payments").send()).statusCode()).isEqualTo(401);
    assertThat(
            await(node.http.get("/api/v1/payments").bearerTokenAuthentication("garbage").send())
                .statusCode())
        .isEqualTo(401);
    String[] parts = t.token.split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject claims =
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    String otherTenant = claims.copy().put("tid", UUID.randomUUID().toString()).encode();
    String tampered =
        parts[0]
            + "."
            + b64.encodeToString(otherTenant.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(
            await(node.http.get("/api/v1/payments").bearerTokenAuthentication(tampered).send())
                .statusCode())
        .isEqualTo(401);
    String none =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    assertThat(
            await(node.http.get("/api/v1/payments").bearerTokenAuthentication(none).send())
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void gatewayAccountsNeverEchoSecretsAndKeepTheirUrl() {
    Tenant t = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    HttpResponse<Buffer> saved =
        await(
            t.put("/api/v1/gateway-accounts/stripe")
                .sendJsonObject(
                    new JsonObject()
                        .put("webhookSecret", secret)
                        .put("apiKey", "sk_test_51ApiItSecretKey000")
                        .put("customerRefKey", "user_id")));
    assertThat(saved.statusCode()).isEqualTo(200);
    assertThat(saved.bodyAsString())
        .doesNotContain(secret)
        .doesNotContain("sk_test_51ApiItSecretKey000");
    JsonObject account = saved.bodyAsJsonObject();
    assertThat(account.getString("gateway")).isEqualTo("stripe");
    assertThat(account.getString("webhookUrl"))
        .matches("http://localhost:\\d+/hooks/[A-Za-z0-9_-]{32}/stripe");
    assertThat(account.getJsonObject("credentials").getString("customerRefKey"))
        .isEqualTo("user_id");
    assertThat(account.getJsonArray("secretsSet"))
        .containsExactlyInAnyOrder("webhookSecret", "apiKey");
    assertThat(account.getJsonArray("subscribedEvents")).contains("payment_intent.succeeded");
    // encrypted at rest
    assertThat(
            node.count(
                "SELECT count(*) FROM gateway_accounts WHERE tenant_id = '"
                    + t.tenantId
                    + "' AND position(convert_to('"
                    + secret
                    + "', 'UTF8') in credentials) = 0"))
        .isEqualTo(1);

    // editing a non-secret field keeps the secrets and the URL
    JsonObject edited = t.connect("stripe", new JsonObject().put("customerRefKey", "uid"));
    assertThat(edited.getString("webhookUrl")).isEqualTo(account.getString("webhookUrl"));
    assertThat(edited.getJsonArray("secretsSet"))
        .containsExactlyInAnyOrder("webhookSecret", "apiKey");
    StripeSimulator stripe = new StripeSimulator(secret);
    String body =
        stripe.event(
            "evt_" + UUID.randomUUID(),
            "payment_intent.succeeded",
            new JsonObject()
                .put("id", "pi_edit")
                .put("object", "payment_intent")
                .put("amount", 500)
                .put("amount_received", 500)
                .put("currency", "usd")
                .put("metadata", new JsonObject().put("uid", "member-7"))
                .put("created", 1_700_000_000));
    assertThat(
            await(stripe.post(node.http, node.baseUrl() + Tenant.hookPath(edited), body))
                .statusCode())
        .isEqualTo(200);
    assertThat(t.balance("member-7").getJsonArray("balances")).hasSize(1);

    JsonObject fetched = await(t.get("/api/v1/gateway-accounts/stripe").send()).bodyAsJsonObject();
    assertThat(fetched.getString("webhookUrl")).isEqualTo(account.getString("webhookUrl"));
    assertThat(
            await(t.get("/api/v1/gateway-accounts").send()).bodyAsJsonObject().getJsonArray("data"))
        .hasSize(1);

    // deleting stops the URL at once
    assertThat(await(t.delete("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(204);
    assertThat(
            await(stripe.post(node.http, node.baseUrl() + Tenant.hookPath(edited), body))
                .statusCode())
        .isEqualTo(404);
    assertThat(await(t.get("/api/v1/gateway-accounts/stripe").send()).statusCode()).isEqualTo(404);
    assertThat(await(t.delete("/api/v1/gateway-accounts/stripe").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void gatewayAccountInputIsValidatedFieldByField() {
    Tenant t = Tenant.signUp(node);
    HttpResponse<Buffer> unknownGateway =
        await(t.put("/api/v1/gateway-accounts/moneybags").sendJsonObject(new JsonObject()));
    assertThat(unknownGateway.statusCode()).isEqualTo(404);
    assertThat(unknownGateway.bodyAsJsonObject().getString("error")).isEqualTo("unknown_gateway");
    assertThat(
            await(t.put("/api/v1/gateway-accounts/stripe").sendJsonObject(new JsonObject()))
                .statusCode())
        .as("Stripe is connected first, its signing secret saved once Stripe shows it")
        .isEqualTo(200);
    assertField(
        await(
            t.put("/api/v1/gateway-accounts/stripe")
                .sendJsonObject(
                    new JsonObject()
                        .put("webhookSecret", StripeSimulator.newWebhookSecret())
                        .put("bogus", "x"))),
        422,
        "bogus");
    assertField(
        await(
            t.put("/api/v1/gateway-accounts/razorpay")
                .sendJsonObject(
                    new JsonObject()
                        .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                        .put("webhookSecret", "a-webhook-secret"))),
        422,
        "keySecret");
    assertField(
        await(
            t.put("/api/v1/gateway-accounts/stripe")
                .sendJsonObject(new JsonObject().put("webhookSecret", 12))),
        422,
        "webhookSecret");
    assertField(
        await(
            t.put("/api/v1/gateway-accounts/code")
                .sendJsonObject(
                    new JsonObject()
                        .put("publicKey", "0OIl")
                        .put(
                            "depositAddress",
                            new io.paybridge.gateway.code.CodeWalletSimulator().depositAddress()))),
        422,
        "publicKey");
    JsonObject code =
        t.connect(
            "code",
            new JsonObject()
                .put(
                    "depositAddress",
                    new io.paybridge.gateway.code.CodeWalletSimulator().depositAddress()));
    assertThat(code.getJsonObject("credentials").getString("publicKey"))
        .isEqualTo("codeHy87wGD5oMRLG75qKqsSi1vWE3oxNyYmXo5F9YR");
    assertThat(await(t.get("/api/v1/gateway-accounts/razorpay").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void paymentsArePagedNewestFirstWithStableCursors() {
    Tenant t = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    String url =
        node.baseUrl()
            + Tenant.hookPath(t.connect("stripe", new JsonObject().put("webhookSecret", secret)));
    for (int i = 0; i < 7; i++) {
      assertThat(
              await(
                      stripe.post(
                          node.http,
                          url,
                          stripe.paymentIntentSucceeded(
                              "evt_p" + i, "pi_p" + i, 100 + i, "jpy", "c" + (i % 2))))
                  .statusCode())
          .isEqualTo(200);
    }
    List<Long> amounts = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    boolean more;
    do {
      JsonObject page =
          t.payments("?limit=3" + (cursor == null ? "" : "&starting_after=" + cursor));
      JsonArray data = page.getJsonArray("data");
      data.forEach(o -> amounts.add(((JsonObject) o).getLong("amountMinor")));
      cursor = data.getJsonObject(data.size() - 1).getString("id");
      more = page.getBoolean("has_more");
      pages++;
    } while (more);
    assertThat(pages).isEqualTo(3);
    assertThat(amounts).containsExactly(106L, 105L, 104L, 103L, 102L, 101L, 100L);
    assertThat(t.payments("?customerRef=c1").getJsonArray("data")).hasSize(3);
    assertThat(t.payments("?kind=REFUND").getJsonArray("data")).isEmpty();
    assertThat(t.balance("c0").getJsonArray("balances"))
        .containsExactly(
            new JsonObject().put("currency", "JPY").put("amountMinor", 100 + 102 + 104 + 106));
    assertThat(t.balance("nobody").getJsonArray("balances")).isEmpty();

    assertThat(
            await(t.get("/api/v1/payments?limit=0").send()).bodyAsJsonObject().getString("field"))
        .isEqualTo("limit");
    assertThat(await(t.get("/api/v1/payments?limit=abc").send()).statusCode()).isEqualTo(422);
    assertThat(await(t.get("/api/v1/payments?starting_after=%%%").send()).statusCode())
        .isEqualTo(400);
    assertThat(
            await(t.get("/api/v1/payments?starting_after=Zm9v").send())
                .bodyAsJsonObject()
                .getString("field"))
        .isEqualTo("starting_after");
    assertThat(
            await(t.get("/api/v1/payments?kind=BONUS").send())
                .bodyAsJsonObject()
                .getString("field"))
        .isEqualTo("kind");
  }

  @Test
  void gatewaysListTheInstalledPluginsWithTheirSchemas() {
    Tenant t = Tenant.signUp(node);
    JsonArray gateways =
        await(t.get("/api/v1/gateways").send()).bodyAsJsonObject().getJsonArray("data");
    List<String> ids = gateways.stream().map(g -> ((JsonObject) g).getString("id")).toList();
    assertThat(ids).contains("code", "razorpay", "stripe").isSorted();
    JsonObject stripe = gateways.getJsonObject(ids.indexOf("stripe"));
    assertThat(stripe.getJsonArray("credentialFields").getJsonObject(0).getString("name"))
        .isEqualTo("webhookSecret");
    assertThat(stripe.getJsonArray("credentialFields").getJsonObject(0).getBoolean("secret"))
        .isTrue();
  }

  @Test
  void everyJsonEndpointRefusesMalformedOversizedAndForeignBodiesCleanly() {
    Tenant t = Tenant.signUp(node);
    List<String[]> endpoints =
        List.of(
            new String[] {"POST", "/api/v1/signup"},
            new String[] {"PUT", "/api/v1/gateway-accounts/stripe"},
            new String[] {"POST", "/api/v1/sync-targets"});
    for (String[] e : endpoints) {
      io.vertx.core.http.HttpMethod method = io.vertx.core.http.HttpMethod.valueOf(e[0]);
      HttpResponse<Buffer> malformed =
          await(
              node.http
                  .request(method, e[1])
                  .bearerTokenAuthentication(t.token)
                  .putHeader("Content-Type", "application/json")
                  .sendBuffer(Buffer.buffer("{\"a\":")));
      assertThat(malformed.statusCode()).as("malformed %s %s", e[0], e[1]).isEqualTo(400);
      assertThat(malformed.bodyAsJsonObject().getString("error")).isEqualTo("invalid_json");
      HttpResponse<Buffer> oversized =
          await(
              node.http
                  .request(method, e[1])
                  .bearerTokenAuthentication(t.token)
                  .putHeader("Content-Type", "application/json")
                  .sendBuffer(Buffer.buffer("{\"a\":\"" + "x".repeat(200_000) + "\"}")));
      assertThat(oversized.statusCode()).as("oversized %s %s", e[0], e[1]).isEqualTo(413);
      HttpResponse<Buffer> notJson =
          await(
              node.http
                  .request(method, e[1])
                  .bearerTokenAuthentication(t.token)
                  .putHeader("Content-Type", "text/plain")
                  .sendBuffer(Buffer.buffer("hello")));
      assertThat(notJson.statusCode()).as("text %s %s", e[0], e[1]).isEqualTo(415);
      HttpResponse<Buffer> array =
          await(
              node.http
                  .request(method, e[1])
                  .bearerTokenAuthentication(t.token)
                  .putHeader("Content-Type", "application/json")
                  .sendBuffer(Buffer.buffer("[1,2]")));
      assertThat(array.statusCode()).as("array %s %s", e[0], e[1]).isEqualTo(400);
    }
    // nothing was half-written by any of them
    assertThat(
            await(t.get("/api/v1/gateway-accounts").send()).bodyAsJsonObject().getJsonArray("data"))
        .isEmpty();
    assertThat(await(t.get("/api/v1/sync-targets").send()).bodyAsJsonObject().getJsonArray("data"))
        .isEmpty();
  }

  @Test
  void unknownRoutesAnswerJson404() {
    HttpResponse<Buffer> r = await(node.http.get("/nothing/here").send());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
  }
}
