package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/api-clients}: a program creates, lists, rotates and deletes the tenant's API
 * clients; a secret is shown once; a client never grants what it lacks; a deleted client's tokens
 * and a secret rotated away stop; and a client of one tenant never sees or touches another's.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiClientsApiTest {

  private static final String CLIENTS = "/api/v1/api-clients";

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_clients_api", Map.of("PAYBRIDGE_MAX_API_CLIENTS", "6"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject request(String name, String... scopes) {
    return new JsonObject().put("name", name).put("scopes", new JsonArray(List.of(scopes)));
  }

  /** Creates a client as the partner's token allows; its answer, with the secret. */
  private JsonObject create(String token, String name, String... scopes) {
    HttpResponse<Buffer> r = api.call(POST, CLIENTS, token, request(name, scopes));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> token(JsonObject client) {
    return api.requestToken(
        client.getString("clientId"),
        client.getString("clientSecret"),
        MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"));
  }

  private String accessToken(JsonObject client) {
    HttpResponse<Buffer> r = token(client);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("access_token");
  }

  @Test
  void aNewClientsSecretIsShownOnceAndBuysTokensWithItsScopesOnly() {
    Partner partner = api.signUp();

    HttpResponse<Buffer> r =
        api.call(POST, CLIENTS, partner.token(), request("billing", "payments:read"));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject created = r.bodyAsJsonObject();
    assertThat(r.getHeader("Location")).isEqualTo(CLIENTS + "/" + created.getString("id"));
    assertThat(created.getString("clientId")).startsWith("pbc_");
    assertThat(created.getString("clientSecret")).startsWith("pbs_");
    assertThat(created.getJsonArray("scopes")).containsExactly("payments:read");
    assertThat(created.getString("status")).isEqualTo("active");
    // the secret is never shown again
    JsonObject shown = api.ok(GET, CLIENTS + "/" + created.getString("id"), partner.token());
    assertThat(shown.containsKey("clientSecret")).isFalse();
    assertThat(shown.encode()).doesNotContain(created.getString("clientSecret"));
    // its token holds its scopes only
    HttpResponse<Buffer> token = token(created);
    assertThat(token.bodyAsJsonObject().getString("scope")).isEqualTo("payments:read");
    String bearer = token.bodyAsJsonObject().getString("access_token");
    assertThat(api.call(GET, "/api/v1/payments", bearer).statusCode()).isEqualTo(200);
    assertProblem(api.call(GET, "/api/v1/gateway-accounts", bearer), 403, null);
    assertThat(
            api.requestToken(
                    created.getString("clientId"),
                    created.getString("clientSecret"),
                    MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("scope", "payments:write"))
                .bodyAsJsonObject()
                .getString("error"))
        .isEqualTo("invalid_scope");
    // and its use is shown
    api.eventually(
        "the client's last use",
        () ->
            api.ok(GET, CLIENTS + "/" + created.getString("id"), partner.token())
                    .getValue("lastUsedAt")
                != null);
  }

  @Test
  void aClientCannotGrantOrRotateAScopeItsTokenLacks() {
    Partner partner = api.signUp();
    String manager = api.token(partner, "api-clients:write api-clients:read payments:read");

    JsonObject refused =
        assertProblem(
            api.call(POST, CLIENTS, manager, request("writer", "payments:read", "payments:write")),
            403,
            null);
    assertThat(refused.getString("error")).isEqualTo("scope_not_grantable");
    assertThat(refused.getString("detail")).contains("payments:write");
    assertThat(create(manager, "reader", "payments:read").getJsonArray("scopes"))
        .containsExactly("payments:read");
    // the tenant's first client holds every scope: the manager cannot take its secret over
    String first = firstClientId(partner);
    assertThat(
            assertProblem(api.call(POST, CLIENTS + "/" + first + "/rotate", manager), 403, null)
                .getString("error"))
        .isEqualTo("scope_not_grantable");
  }

  private String firstClientId(Partner partner) {
    return api.ok(GET, CLIENTS, partner.token()).getJsonArray("data").stream()
        .map(JsonObject.class::cast)
        .filter(c -> c.getString("clientId").equals(partner.clientId()))
        .findFirst()
        .orElseThrow()
        .getString("id");
  }

  @Test
  void managingClientsNeedsTheirScopes() {
    Partner partner = api.signUp();
    String reader = api.token(partner, "payments:read api-clients:read");

    assertThat(
            assertProblem(api.call(POST, CLIENTS, reader, request("x", "payments:read")), 403, null)
                .getString("scope"))
        .isEqualTo("api-clients:write");
    assertThat(api.call(GET, CLIENTS, reader).statusCode()).isEqualTo(200);
    assertThat(
            assertProblem(api.call(GET, CLIENTS, api.token(partner, "payments:read")), 403, null)
                .getString("scope"))
        .isEqualTo("api-clients:read");
    assertProblem(api.call(GET, CLIENTS, null), 401, null);
  }

  @Test
  void inputTheApiRefusesNamesTheFieldAtFault() {
    String token = api.signUp().token();

    JsonObject missing =
        assertProblem(api.call(POST, CLIENTS, token, new JsonObject()), 422, "name");
    assertThat(
            missing.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
        .containsExactlyInAnyOrder("name", "scopes");
    assertProblem(api.call(POST, CLIENTS, token, request("", "payments:read")), 422, "name");
    assertProblem(
        api.call(POST, CLIENTS, token, request("x".repeat(101), "payments:read")), 422, "name");
    assertProblem(api.call(POST, CLIENTS, token, request("billing")), 422, "scopes");
    assertProblem(
        api.call(
            POST, CLIENTS, token, new JsonObject().put("name", "b").put("scopes", "payments:read")),
        422,
        "scopes");
    assertProblem(api.call(POST, CLIENTS, token, request("billing", "admin")), 422, "scopes");
    assertProblem(
        api.call(POST, CLIENTS, token, request("billing", "payments:read").put("secret", "mine")),
        422,
        "secret");
    HttpResponse<Buffer> notJson =
        await(
            api.http()
                .post(CLIENTS)
                .bearerTokenAuthentication(token)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"name\":")));
    assertThat(assertProblem(notJson, 400, null).getString("error")).isEqualTo("invalid_json");
    HttpResponse<Buffer> huge =
        api.call(
            POST, CLIENTS, token, request("x".repeat(ApiRoutes.MAX_BODY_BYTES), "payments:read"));
    assertThat(assertProblem(huge, 413, null).getString("error")).isEqualTo("body_too_large");
    assertProblem(api.call(GET, CLIENTS + "?limit=0", token), 422, "limit");
    assertProblem(api.call(GET, CLIENTS + "?starting_after=nope", token), 422, "starting_after");
    assertProblem(
        api.call(GET, CLIENTS + "?starting_after=" + UUID.randomUUID(), token),
        422,
        "starting_after");
    assertProblem(api.call(GET, CLIENTS + "/nope", token), 422, "id");
    assertProblem(api.call(GET, CLIENTS + "/" + UUID.randomUUID(), token), 404, null);
    String id = create(token, "billing", "payments:read").getString("id");
    assertProblem(
        api.call(
            POST,
            CLIENTS + "/" + id + "/rotate",
            token,
            new JsonObject().put("overlapSeconds", 8 * 24 * 3600)),
        422,
        "overlapSeconds");
    assertProblem(
        api.call(
            POST,
            CLIENTS + "/" + id + "/rotate",
            token,
            new JsonObject().put("overlapSeconds", "1h")),
        422,
        "overlapSeconds");
  }

  @Test
  void theListIsPagedNewestFirst() {
    Partner partner = api.signUp();
    String second = create(partner.token(), "second", "payments:read").getString("id");
    String third = create(partner.token(), "third", "payments:read").getString("id");

    JsonObject page1 = api.ok(GET, CLIENTS + "?limit=2", partner.token());
    JsonObject page2 = api.ok(GET, CLIENTS + "?limit=2&starting_after=" + second, partner.token());

    assertThat(page1.getBoolean("has_more")).isTrue();
    assertThat(page1.getJsonArray("data").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactly(third, second);
    assertThat(page2.getBoolean("has_more")).isFalse();
    assertThat(page2.getJsonArray("data").stream().map(c -> ((JsonObject) c).getString("clientId")))
        .containsExactly(partner.clientId());
  }

  @Test
  void aDeletedClientsTokensStopAtOnce() {
    Partner partner = api.signUp();
    JsonObject client = create(partner.token(), "billing", "payments:read");
    String bearer = accessToken(client);
    assertThat(api.call(GET, "/api/v1/payments", bearer).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> deleted =
        api.call(DELETE, CLIENTS + "/" + client.getString("id"), partner.token());

    assertThat(deleted.statusCode()).isEqualTo(204);
    JsonObject refused = assertProblem(api.call(GET, "/api/v1/payments", bearer), 401, null);
    assertThat(refused.getString("error")).isEqualTo("token_revoked");
    assertThat(refused.getString("detail")).contains("deleted");
    assertThat(token(client).bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
    JsonObject shown = api.ok(GET, CLIENTS + "/" + client.getString("id"), partner.token());
    assertThat(shown.getString("status")).isEqualTo("revoked");
    assertThat(shown.getString("revokedAt")).isNotNull();
    assertThat(
            api.call(DELETE, CLIENTS + "/" + client.getString("id"), partner.token()).statusCode())
        .isEqualTo(204);
    assertThat(
            assertProblem(
                    api.call(
                        POST, CLIENTS + "/" + client.getString("id") + "/rotate", partner.token()),
                    409,
                    null)
                .getString("error"))
        .isEqualTo("api_client_revoked");
  }

  @Test
  void aRotatedSecretWorksBesideTheOldOneForTheOverlapOrAloneAtOnce() {
    Partner partner = api.signUp();
    JsonObject client = create(partner.token(), "billing", "payments:read");
    String oldBearer = accessToken(client);
    String path = CLIENTS + "/" + client.getString("id") + "/rotate";

    // WHEN it is rotated with the default overlap THEN old and new secrets and tokens work
    HttpResponse<Buffer> r = api.call(POST, path, partner.token());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject rotated = r.bodyAsJsonObject();
    assertThat(rotated.getString("clientSecret")).isNotEqualTo(client.getString("clientSecret"));
    assertThat(rotated.getString("clientId")).isEqualTo(client.getString("clientId"));
    assertThat(
            java.time.Duration.between(
                java.time.Instant.parse(rotated.getString("secretRotatedAt")),
                java.time.Instant.parse(rotated.getString("previousSecretExpiresAt"))))
        .isEqualTo(java.time.Duration.ofHours(24));
    assertThat(api.call(GET, "/api/v1/payments", oldBearer).statusCode()).isEqualTo(200);
    assertThat(token(client).statusCode()).isEqualTo(200);
    String newBearer = accessToken(rotated);

    // WHEN it is rotated again without overlap THEN only the newest secret and its tokens work
    JsonObject again =
        api.call(POST, path, partner.token(), new JsonObject().put("overlapSeconds", 0))
            .bodyAsJsonObject();
    assertThat(again.getValue("previousSecretExpiresAt")).isNull();
    for (String stale : List.of(oldBearer, newBearer)) {
      JsonObject refused = assertProblem(api.call(GET, "/api/v1/payments", stale), 401, null);
      assertThat(refused.getString("error")).isEqualTo("token_revoked");
      assertThat(refused.getString("detail")).contains("rotated");
    }
    assertThat(token(rotated).bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
    assertThat(api.call(GET, "/api/v1/payments", accessToken(again)).statusCode()).isEqualTo(200);
  }

  @Test
  void aSecretIsNeverKeptForAnIdempotencyReplay() {
    String token = api.signUp().token();

    HttpResponse<Buffer> first =
        await(
            api.http()
                .post(CLIENTS)
                .bearerTokenAuthentication(token)
                .putHeader("Idempotency-Key", "same")
                .sendJsonObject(request("billing", "payments:read")));
    HttpResponse<Buffer> second =
        await(
            api.http()
                .post(CLIENTS)
                .bearerTokenAuthentication(token)
                .putHeader("Idempotency-Key", "same")
                .sendJsonObject(request("billing", "payments:read")));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.getHeader("Idempotent-Replayed")).isNull();
    assertThat(second.bodyAsJsonObject().getString("clientId"))
        .isNotEqualTo(first.bodyAsJsonObject().getString("clientId"));
  }

  @Test
  void anotherTenantsClientsAreNeitherSeenNorTouched() {
    Partner owner = api.signUp();
    Partner other = api.signUp();
    JsonObject client = create(owner.token(), "billing", "payments:read");
    String bearer = accessToken(client);
    String id = client.getString("id");

    assertProblem(api.call(GET, CLIENTS + "/" + id, other.token()), 404, null);
    assertProblem(api.call(DELETE, CLIENTS + "/" + id, other.token()), 404, null);
    assertProblem(api.call(POST, CLIENTS + "/" + id + "/rotate", other.token()), 404, null);
    assertProblem(
        api.call(GET, CLIENTS + "?starting_after=" + id, other.token()), 422, "starting_after");
    assertThat(api.ok(GET, CLIENTS, other.token()).getJsonArray("data").encode())
        .doesNotContain(client.getString("clientId"))
        .doesNotContain(owner.clientId());

    assertThat(api.call(GET, "/api/v1/payments", bearer).statusCode()).isEqualTo(200);
    assertThat(token(client).statusCode()).isEqualTo(200);
    assertThat(api.ok(GET, CLIENTS + "/" + id, owner.token()).getString("status"))
        .isEqualTo("active");
  }
}
