package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /api/v1/signup} and {@code POST /oauth/token}: a tenant and its first API client made
 * in one call, and client credentials exchanged for a bearer token with the scopes asked for (RFC
 * 6749 section 4.4, errors in its own format).
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignupAndTokenApiTest {

  private static final String ALL_SCOPES =
      "payments:read payments:write gateways:read gateways:write sync:read sync:write"
          + " receipts:read integrations:read integrations:write api-clients:read"
          + " api-clients:write";

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_signup");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject signup(String email) {
    return new JsonObject()
        .put("name", "Acme Cowork")
        .put("email", email)
        .put("password", ApiTestServer.PASSWORD);
  }

  private static String email() {
    return "signup-" + UUID.randomUUID() + "@example.com";
  }

  private static MultiMap form(String... pairs) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      form.add(pairs[i], pairs[i + 1]);
    }
    return form;
  }

  /** An RFC 6749 error: JSON with {@code error}, never cached. */
  private static void assertOAuthError(HttpResponse<Buffer> r, int status, String error) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(error);
    assertThat(r.bodyAsJsonObject().getString("error_description")).isNotBlank();
  }

  @Test
  void aSignupMakesATenantWhoseClientGetsATokenWithEveryScope() {
    // WHEN a partner signs up
    HttpResponse<Buffer> r = api.call(POST, "/api/v1/signup", null, signup(email()));

    // THEN it gets its tenant id and its client's credentials, once
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject client = r.bodyAsJsonObject();
    assertThat(UUID.fromString(client.getString("tenantId"))).isNotNull();
    assertThat(client.getString("clientId")).startsWith("pbc_");
    assertThat(client.getString("clientSecret")).startsWith("pbs_");

    // AND the credentials buy a bearer token with every scope
    HttpResponse<Buffer> token =
        api.requestToken(
            client.getString("clientId"),
            client.getString("clientSecret"),
            form("grant_type", "client_credentials"));
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(200);
    assertThat(token.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(token.getHeader("Pragma")).isEqualTo("no-cache");
    JsonObject granted = token.bodyAsJsonObject();
    assertThat(granted.getString("token_type")).isEqualTo("Bearer");
    assertThat(granted.getLong("expires_in")).isEqualTo(3600);
    assertThat(granted.getString("scope")).isEqualTo(ALL_SCOPES);

    // AND the token opens the new tenant's (empty) data
    HttpResponse<Buffer> accounts =
        api.call(GET, "/api/v1/gateway-accounts", granted.getString("access_token"));
    assertThat(accounts.statusCode()).isEqualTo(200);
    assertThat(accounts.bodyAsJsonObject().getJsonArray("data")).isEmpty();
  }

  @Test
  void aTokenCanBeAskedForFewerScopesAndWithTheCredentialsInTheForm() {
    Partner partner = api.signUp();

    HttpResponse<Buffer> r =
        await(
            api.http()
                .post("/oauth/token")
                .sendForm(
                    form(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        partner.clientId(),
                        "client_secret",
                        partner.clientSecret(),
                        "scope",
                        "payments:read sync:read")));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("scope")).isEqualTo("payments:read sync:read");
    String token = r.bodyAsJsonObject().getString("access_token");
    assertThat(api.call(GET, "/api/v1/payments", token).statusCode()).isEqualTo(200);
    assertProblem(api.call(GET, "/api/v1/gateway-accounts", token), 403, null);
  }

  @Test
  void signupInputTheUseCaseRefusesIsAProblemNamingTheField() {
    JsonObject shortPassword =
        assertProblem(
            api.call(POST, "/api/v1/signup", null, signup(email()).put("password", "short")),
            422,
            "password");
    assertThat(shortPassword.getString("detail")).contains("at least 12 characters");
    assertProblem(api.call(POST, "/api/v1/signup", null, signup("not an email")), 422, "email");
    // every field at fault is named, the first in "field"
    JsonObject empty =
        assertProblem(api.call(POST, "/api/v1/signup", null, new JsonObject()), 422, "name");
    assertThat(
            empty.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
        .containsExactly("name", "email", "password");
  }

  @Test
  void aSignupBodyThatIsNotAJsonObjectIsRefused() {
    HttpResponse<Buffer> text =
        await(
            api.http()
                .post("/api/v1/signup")
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer("name=Acme")));
    assertThat(assertProblem(text, 415, null).getString("error"))
        .isEqualTo("unsupported_media_type");
    HttpResponse<Buffer> array =
        await(
            api.http()
                .post("/api/v1/signup")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(new JsonArray().add("Acme").encode())));
    assertThat(assertProblem(array, 400, null).getString("error")).isEqualTo("invalid_json");
  }

  @Test
  void aBodyLargerThanTheApiAcceptsIsRefused() {
    JsonObject huge = signup(email()).put("name", "x".repeat(ApiRoutes.MAX_BODY_BYTES));

    HttpResponse<Buffer> r = api.call(POST, "/api/v1/signup", null, huge);

    assertThat(assertProblem(r, 413, null).getString("error")).isEqualTo("body_too_large");
  }

  @Test
  void anEmailSignsUpOnce() {
    String email = email();
    assertThat(api.call(POST, "/api/v1/signup", null, signup(email)).statusCode()).isEqualTo(201);

    JsonObject taken =
        assertProblem(
            api.call(POST, "/api/v1/signup", null, signup(email).put("name", "Other")),
            409,
            "email");

    assertThat(taken.getString("error")).isEqualTo("email_taken");
  }

  @Test
  void wrongOrUnknownClientCredentialsGetTheSameRefusal() {
    Partner partner = api.signUp();
    MultiMap grant = form("grant_type", "client_credentials");

    HttpResponse<Buffer> wrongSecret = api.requestToken(partner.clientId(), "pbs_guess", grant);
    HttpResponse<Buffer> unknownClient =
        api.requestToken("pbc_unknown", partner.clientSecret(), grant);

    assertOAuthError(wrongSecret, 401, "invalid_client");
    assertThat(wrongSecret.getHeader("WWW-Authenticate")).startsWith("Basic");
    assertThat(unknownClient.bodyAsJsonObject()).isEqualTo(wrongSecret.bodyAsJsonObject());
    assertOAuthError(await(api.http().post("/oauth/token").sendForm(grant)), 401, "invalid_client");
  }

  @Test
  void tokenRequestsOutsideTheClientCredentialsGrantAreRefused() {
    Partner partner = api.signUp();

    assertOAuthError(
        api.requestToken(partner.clientId(), partner.clientSecret(), form()),
        400,
        "invalid_request");
    assertOAuthError(
        api.requestToken(
            partner.clientId(),
            partner.clientSecret(),
            form("grant_type", "password", "username", "u", "password", "p")),
        400,
        "unsupported_grant_type");
    assertOAuthError(
        api.requestToken(
            partner.clientId(),
            partner.clientSecret(),
            form("grant_type", "client_credentials", "scope", "payments:read admin")),
        400,
        "invalid_scope");
  }

  @Test
  void aTokenRequestAuthenticatesItsClientOneWayAndNamesEachParameterOnce() {
    Partner partner = api.signUp();
    String id = partner.clientId();
    String secret = partner.clientSecret();

    HttpResponse<Buffer> both =
        await(
            api.http()
                .post("/oauth/token")
                .basicAuthentication(id, secret)
                .sendForm(form("grant_type", "client_credentials", "client_secret", secret)));
    assertOAuthError(both, 400, "invalid_request");
    assertThat(both.bodyAsJsonObject().getString("error_description")).contains("one way");
    HttpResponse<Buffer> twice =
        api.requestToken(
            id,
            secret,
            form("grant_type", "client_credentials", "grant_type", "client_credentials"));
    assertOAuthError(twice, 400, "invalid_request");
    assertThat(twice.bodyAsJsonObject().getString("error_description")).contains("grant_type");
    HttpResponse<Buffer> json =
        await(
            api.http()
                .post("/oauth/token")
                .basicAuthentication(id, secret)
                .sendJsonObject(new JsonObject().put("grant_type", "client_credentials")));
    assertOAuthError(json, 400, "invalid_request");
    MultiMap padded = form("grant_type", "client_credentials");
    for (int i = 0; i * 4000 <= ApiRoutes.MAX_BODY_BYTES; i++) {
      padded.add("pad" + i, "x".repeat(4000));
    }
    assertOAuthError(api.requestToken(id, secret, padded), 413, "invalid_request");
    assertOAuthError(
        api.requestToken(
            id, secret, form("grant_type", "client_credentials", "scope", "x".repeat(20_000))),
        400,
        "invalid_request");
  }

  @Test
  void aClientThatDoesNotAuthenticateIsToldHowTo() {
    Partner partner = api.signUp();
    MultiMap grant = form("grant_type", "client_credentials");

    HttpResponse<Buffer> malformed =
        await(
            api.http()
                .post("/oauth/token")
                .putHeader("Authorization", "Basic !not-base64!")
                .sendForm(grant));
    HttpResponse<Buffer> wrongInForm =
        await(
            api.http()
                .post("/oauth/token")
                .sendForm(
                    form(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        partner.clientId(),
                        "client_secret",
                        "pbs_guess")));
    HttpResponse<Buffer> idOnly =
        await(
            api.http()
                .post("/oauth/token")
                .sendForm(
                    form("grant_type", "client_credentials", "client_id", partner.clientId())));

    for (HttpResponse<Buffer> r : java.util.List.of(malformed, wrongInForm, idOnly)) {
      assertOAuthError(r, 401, "invalid_client");
      assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Basic realm=\"paybridge\"");
    }
    assertThat(malformed.bodyAsJsonObject().getString("error_description")).contains("Basic");
  }

  @Test
  void aTokenThatIsNotOneOfOursIsUnauthorized() {
    String token = api.signUp().token();
    String[] parts = token.split("\\.");
    // the claims of another token, under this token's signature
    String other = api.signUp().token().split("\\.")[1];

    assertProblem(
        api.call(GET, "/api/v1/payments", parts[0] + "." + other + "." + parts[2]), 401, null);
    assertProblem(api.call(GET, "/api/v1/payments", "not-a-token"), 401, null);
    assertThat(api.call(GET, "/api/v1/payments", token).statusCode()).isEqualTo(200);
  }
}
