package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/gateways}: the installed gateway plugins, their credential forms and what each
 * does with the events its gateway sends; and the API's own document, the one route open to all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaysApiTest {

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_gateways");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject byId(JsonArray items, String key, String value) {
    return items.stream()
        .map(JsonObject.class::cast)
        .filter(o -> value.equals(o.getString(key)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + value + " in " + items));
  }

  @Test
  void theInstalledPluginsAreListedWithTheirCredentialForms() {
    // GIVEN a partner holding only the scope to read gateways
    String token = api.token(api.signUp(), "gateways:read");

    // WHEN it lists the gateways
    JsonArray gateways = api.ok(GET, "/api/v1/gateways", token).getJsonArray("data");

    // THEN every plugin on the class path is there
    assertThat(gateways.stream().map(g -> ((JsonObject) g).getString("id")))
        .containsExactlyInAnyOrder("stripe", "razorpay", "code", "appstore");
    // AND which of them refund through their API
    JsonObject stripe = byId(gateways, "id", "stripe");
    assertThat(stripe.getBoolean("refundsByApi")).isTrue();
    assertThat(byId(gateways, "id", "razorpay").getBoolean("refundsByApi")).isTrue();
    assertThat(byId(gateways, "id", "code").getBoolean("refundsByApi")).isFalse();
    // AND they are one page, by id, paged like every list
    assertThat(api.ok(GET, "/api/v1/gateways", token).getBoolean("has_more")).isFalse();
    JsonObject first = api.ok(GET, "/api/v1/gateways?limit=1", token);
    assertThat(first.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo("appstore");
    assertThat(first.getBoolean("has_more")).isTrue();
    JsonObject rest = api.ok(GET, "/api/v1/gateways?starting_after=code", token);
    assertThat(rest.getJsonArray("data").stream().map(g -> ((JsonObject) g).getString("id")))
        .containsExactly("razorpay", "stripe");
    assertThat(rest.getBoolean("has_more")).isFalse();
    // AND Stripe's form says which fields are secret, required and defaulted
    assertThat(stripe.getString("displayName")).isEqualTo("Stripe");
    JsonArray fields = stripe.getJsonArray("credentialFields");
    assertThat(fields.stream().map(f -> ((JsonObject) f).getString("name")))
        .containsExactly("webhookSecret", "apiKey", "customerRefKey", "publishableKey");
    JsonObject secret = byId(fields, "name", "webhookSecret");
    assertThat(secret.getBoolean("secret")).isTrue();
    assertThat(secret.getBoolean("required")).isTrue();
    JsonObject refKey = byId(fields, "name", "customerRefKey");
    assertThat(refKey.getBoolean("secret")).isFalse();
    assertThat(refKey.getBoolean("required")).isFalse();
    assertThat(refKey.getString("default")).isEqualTo("customer_ref");
    // AND the events to subscribe to are those it books or follows up on
    assertThat(stripe.getJsonArray("subscribedEvents").getList())
        .contains("payment_intent.succeeded", "charge.refunded", "review.closed")
        .doesNotContain("charge.dispute.created");
    JsonObject review = byId(stripe.getJsonArray("events"), "eventType", "review.closed");
    assertThat(review.getString("action")).isEqualTo("follows_up");
    JsonObject paid = byId(stripe.getJsonArray("events"), "eventType", "payment_intent.succeeded");
    assertThat(paid.getString("action")).isEqualTo("books");
    assertThat(paid.getString("what")).contains("PAYMENT");
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    JsonObject refused =
        assertProblem(
            api.call(GET, "/api/v1/gateways", api.token(api.signUp(), "payments:read sync:write")),
            403,
            null);
    assertThat(refused.getString("error")).isEqualTo("insufficient_scope");
    assertThat(refused.getString("detail")).contains("gateways:read");
  }

  @Test
  void noTokenIsUnauthorized() {
    HttpResponse<Buffer> r = api.call(GET, "/api/v1/gateways", null);
    assertThat(assertProblem(r, 401, null).getString("error")).isEqualTo("token_missing");
    assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void aMethodTheDocumentDoesNotListIsNotServed() {
    assertThat(api.call(POST, "/api/v1/gateways", api.signUp().token()).statusCode())
        .isIn(404, 405);
  }

  @Test
  void theDocumentIsServedWithoutAToken() {
    HttpResponse<Buffer> r = api.call(GET, "/api/v1/openapi.json", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject document = r.bodyAsJsonObject();
    assertThat(document.getString("openapi")).startsWith("3.1");
    assertThat(document.getJsonObject("paths").fieldNames())
        .containsAll(List.of("/api/v1/gateways", "/api/v1/gateway-accounts/{gateway}"));
  }
}
