package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/integrations/cobot}: connecting a Cobot space answers where a space admin grants
 * access, with a fresh one-time state each time it is asked; the client secret never comes back;
 * bad input, missing scopes and other tenants get problem answers. (The grant itself, and what
 * follows it at Cobot, is proven against a Cobot simulator in the deploy module's CobotIT.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotIntegrationApiTest {

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_cobot");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject request(String subdomain) {
    return new JsonObject()
        .put("subdomain", subdomain)
        .put("clientId", "client-1")
        .put("clientSecret", "very-secret-client-secret")
        .put("gateway", "stripe");
  }

  @Test
  void connectingAnswersWhereASpaceAdminGrantsAccess() {
    Partner partner = api.signUp();
    api.connectStripe(partner);

    HttpResponse<Buffer> r =
        api.call(PUT, "/api/v1/integrations/cobot", partner.token(), request("co-up"));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject c = r.bodyAsJsonObject();
    assertThat(c.getString("status")).isEqualTo("authorization_required");
    assertThat(c.getString("subdomain")).isEqualTo("co-up");
    assertThat(c.getString("memberPageUrl"))
        .startsWith(ApiTestServer.PUBLIC_URL + "/cobot/members/");
    assertThat(c.encode()).doesNotContain("very-secret-client-secret");
    URI authorize = URI.create(c.getString("authorizeUrl"));
    assertThat(authorize.getPath()).isEqualTo("/oauth/authorize");
    Map<String, String> query = query(authorize);
    assertThat(query)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "client-1")
        .containsEntry("redirect_uri", ApiTestServer.PUBLIC_URL + "/cobot/oauth/callback");
    assertThat(query.get("scope").split(" "))
        .contains("read_invoices", "write_payment_records", "navigation", "write_subscriptions");
    assertThat(query.get("state")).hasSizeGreaterThan(30);

    // Asked again, it stands as it was, with a new one-time state
    JsonObject again = api.ok(GET, "/api/v1/integrations/cobot", partner.token());
    assertThat(again.getString("status")).isEqualTo("authorization_required");
    assertThat(query(URI.create(again.getString("authorizeUrl"))).get("state"))
        .isNotEqualTo(query.get("state"));
    assertThat(again.getString("memberPageUrl")).isEqualTo(c.getString("memberPageUrl"));

    // No invoices yet; disconnecting what was never authorized removes nothing at Cobot
    assertThat(
            api.ok(GET, "/api/v1/integrations/cobot/invoices", partner.token())
                .getJsonArray("data"))
        .isEmpty();
    assertThat(api.call(DELETE, "/api/v1/integrations/cobot", partner.token()).statusCode())
        .isEqualTo(204);
    assertProblem(api.call(GET, "/api/v1/integrations/cobot", partner.token()), 404, null);
  }

  @Test
  void badInputIsAProblemNamingTheField() {
    Partner partner = api.signUp();
    api.connectStripe(partner);
    String token = partner.token();
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", token, request("Not A Subdomain!")),
        422,
        "subdomain");
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", token, request("co-up").put("extra", "field")),
        422,
        "extra");
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", token, request("co-up").put("clientId", 7)),
        422,
        "clientId");
    JsonObject noSecret = request("co-up");
    noSecret.remove("clientSecret");
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", token, noSecret), 422, "clientSecret");
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", token, request("co-up").put("gateway", "nope")),
        422,
        null);
    assertProblem(
        api.call(GET, "/api/v1/integrations/cobot/invoices?starting_after=nope", token),
        422,
        "starting_after");
    assertProblem(
        api.call(
            GET, "/api/v1/integrations/cobot/invoices?ending_before=" + UUID.randomUUID(), token),
        422,
        "ending_before");
    assertProblem(
        api.call(GET, "/api/v1/integrations/cobot/invoices?limit=500", token), 422, "limit");
    assertProblem(
        api.call(POST, "/api/v1/integrations/cobot/invoices/not-a-uuid/charge", token), 422, "id");
    assertProblem(
        api.call(
            POST, "/api/v1/integrations/cobot/invoices/" + UUID.randomUUID() + "/charge", token),
        404,
        null);
  }

  @Test
  void aGatewayThatCannotKeepCardsOrIsNotConnectedIsRefused() {
    Partner partner = api.signUp();
    assertThat(
            assertProblem(
                    api.call(PUT, "/api/v1/integrations/cobot", partner.token(), request("co-up")),
                    422,
                    null)
                .getString("error"))
        .isEqualTo("gateway_not_connected");
    assertThat(
            assertProblem(
                    api.call(
                        PUT,
                        "/api/v1/integrations/cobot",
                        partner.token(),
                        request("co-up").put("gateway", "razorpay")),
                    422,
                    null)
                .getString("error"))
        .isEqualTo("unsupported_gateway");
  }

  @Test
  void scopesAndTenantsAreKeptApart() {
    Partner owner = api.signUp();
    api.connectStripe(owner);
    assertThat(
            api.call(PUT, "/api/v1/integrations/cobot", owner.token(), request("co-up"))
                .statusCode())
        .isEqualTo(200);

    String readOnly = api.token(owner, "integrations:read gateways:write payments:read");
    assertProblem(
        api.call(PUT, "/api/v1/integrations/cobot", readOnly, request("co-up")), 403, null);
    assertProblem(api.call(DELETE, "/api/v1/integrations/cobot", readOnly), 403, null);
    assertThat(api.call(GET, "/api/v1/integrations/cobot", readOnly).statusCode()).isEqualTo(200);
    assertProblem(api.call(GET, "/api/v1/integrations/cobot", null), 401, null);

    Partner other = api.signUp();
    assertProblem(api.call(GET, "/api/v1/integrations/cobot", other.token()), 404, null);
    assertProblem(api.call(DELETE, "/api/v1/integrations/cobot", other.token()), 404, null);
    assertThat(api.ok(GET, "/api/v1/integrations/cobot", owner.token()).getString("subdomain"))
        .isEqualTo("co-up");
  }

  private static Map<String, String> query(URI uri) {
    return Arrays.stream(uri.getRawQuery().split("&"))
        .map(p -> p.split("=", 2))
        .collect(
            Collectors.toMap(
                p -> p[0],
                p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8)));
  }
}
