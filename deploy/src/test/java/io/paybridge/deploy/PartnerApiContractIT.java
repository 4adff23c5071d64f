package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API document describes the partner API's identity as a real node answers it: the API client
 * routes' answers and problems, a refused token's problem with its challenge, and the 429 of the
 * request limit, each validated against the document (its operation's responses and the named
 * schemas, the problem types among them).
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartnerApiContractIT {

  private TestNode node;
  private ApiDocument doc;
  private String bearer;

  @BeforeAll
  void start() {
    node = TestNode.start("partner_contract");
    doc = new ApiDocument(node.client);
    Tenant tenant = Tenant.signUp(node);
    bearer = tenant.token;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void refusedTokensAndClientRoutesAnswerAsDocumented() {
    doc.assertMatches(
        "listGateways",
        "Error",
        await(node.http.get("/api/v1/gateways").bearerTokenAuthentication("not-a-token").send()));

    // API clients
    HttpResponse<Buffer> client =
        await(
            node.http
                .post("/api/v1/api-clients")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "docs")
                        .put("scopes", new io.vertx.core.json.JsonArray().add("payments:read"))));
    doc.assertMatches("createApiClient", "ApiClientWithSecret", client);
    doc.assertMatches(
        "createApiClient",
        "Error",
        await(
            node.http
                .post("/api/v1/api-clients")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject())));
    String clientPath = "/api/v1/api-clients/" + client.bodyAsJsonObject().getString("id");
    doc.assertMatches(
        "listApiClients",
        "ApiClientPage",
        await(
            node.http.get("/api/v1/api-clients?limit=1").bearerTokenAuthentication(bearer).send()));
    doc.assertMatches(
        "getApiClient",
        "ApiClient",
        await(node.http.get(clientPath).bearerTokenAuthentication(bearer).send()));
    doc.assertMatches(
        "rotateApiClient",
        "ApiClientWithSecret",
        await(
            node.http
                .post(clientPath + "/rotate")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("overlapSeconds", 60))));
    doc.assertMatches(
        "rotateApiClient",
        "Error",
        await(
            node.http
                .post(clientPath + "/rotate")
                .bearerTokenAuthentication(bearer)
                .sendJsonObject(new JsonObject().put("overlapSeconds", -1))));
    doc.assertDocumented(
        "deleteApiClient",
        await(node.http.delete(clientPath).bearerTokenAuthentication(bearer).send()));
    doc.assertMatches(
        "rotateApiClient",
        "Error",
        await(node.http.post(clientPath + "/rotate").bearerTokenAuthentication(bearer).send()));
    doc.assertMatches(
        "getApiClient",
        "Error",
        await(
            node.http
                .get("/api/v1/api-clients/" + UUID.randomUUID())
                .bearerTokenAuthentication(bearer)
                .send()));
  }

  @Test
  void tokenRequestsAreRefusedInTheDocumentedShape() {
    MultiMap grant = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials");
    doc.assertMatches(
        "token",
        "OAuthError",
        await(
            node.http.post("/oauth/token").putHeader("Authorization", "Basic !").sendForm(grant)));
    doc.assertMatches(
        "token",
        "OAuthError",
        await(
            node.http
                .post("/oauth/token")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "password"))));
    doc.assertMatches(
        "token",
        "OAuthError",
        await(
            node.http
                .post("/oauth/token")
                .sendJsonObject(new JsonObject().put("grant_type", "client_credentials"))));
  }

  @Test
  void aClientOverItsLimitIsToldWhenToComeBack() {
    // GIVEN a node allowing three requests at once
    try (TestNode limited =
        TestNode.start(
            "openapi_limited", Map.of("PAYBRIDGE_API_RATE", "1", "PAYBRIDGE_API_BURST", "3"))) {
      String token = Tenant.signUp(limited).token;
      HttpResponse<Buffer> last = null;
      for (int i = 0; i < 4; i++) {
        last =
            await(limited.http.get("/api/v1/api-clients").bearerTokenAuthentication(token).send());
        assertThat(last.getHeader("RateLimit-Limit")).isEqualTo("3");
      }
      // THEN the fourth is the documented 429 problem
      assertThat(last.statusCode()).isEqualTo(429);
      doc.assertMatches("listApiClients", "Error", last);
    }
  }
}
