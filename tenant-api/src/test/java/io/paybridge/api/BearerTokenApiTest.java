package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.core.security.TokenKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A refused bearer token says why: missing, invalid (format, algorithm, key, signature), expired,
 * meant for another audience, from another issuer. The problem document's {@code error} and {@code
 * detail} say it, and so does {@code WWW-Authenticate} in RFC 6750's words; a missing scope is a
 * 403 naming the scope.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BearerTokenApiTest {

  private static final String PAYMENTS = "/api/v1/payments";

  private ApiTestServer api;
  private Vertx forger;
  private Partner partner;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_bearer");
    forger = Vertx.vertx();
    partner = api.signUp();
  }

  @AfterAll
  void stop() {
    api.close();
    await(forger.close());
  }

  /** The claims the platform puts in a token of the partner's, valid for ten minutes from now. */
  private JsonObject claims() {
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("iss", "paybridge")
        .put("aud", new JsonArray().add("paybridge-api"))
        .put("sub", partner.clientId())
        .put("tid", partner.tenantId())
        .put("scope", "payments:read")
        .put("iat", now)
        .put("exp", now + 600);
  }

  /** A token with these claims under the platform's current signing key. */
  private String sign(JsonObject claims) {
    TokenKeys.Key key = api.tokenKeys().signing();
    return JWTAuth.create(
            forger,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setId(key.kid())
                        .setBuffer(
                            Base64.getUrlEncoder().withoutPadding().encodeToString(key.secret()))))
        .generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  private static String b64(JsonObject json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A 401 with the code, a detail containing {@code says}, and the RFC 6750 challenge. */
  private static void assertRefused(HttpResponse<Buffer> r, String code, String says) {
    JsonObject problem = assertProblem(r, 401, null);
    assertThat(problem.getString("error")).isEqualTo(code);
    assertThat(problem.getString("detail")).contains(says);
    assertThat(r.getHeader("WWW-Authenticate"))
        .startsWith("Bearer realm=\"paybridge\", error=\"invalid_token\", error_description=\"")
        .contains(says);
  }

  @Test
  void aGoodTokenPasses() {
    assertThat(api.call(GET, PAYMENTS, sign(claims())).statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutATokenGetsTheBareChallenge() {
    HttpResponse<Buffer> none = api.call(GET, PAYMENTS, null);
    assertThat(assertProblem(none, 401, null).getString("error")).isEqualTo("token_missing");
    assertThat(none.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"paybridge\"");
    assertThat(none.bodyAsJsonObject().getString("detail")).contains("Authorization: Bearer");

    HttpResponse<Buffer> basic =
        await(api.http().get(PAYMENTS).basicAuthentication(partner.clientId(), "x").send());
    assertThat(assertProblem(basic, 401, null).getString("error")).isEqualTo("token_missing");
  }

  @Test
  void somethingThatIsNotASignedJwtIsInvalid() {
    assertRefused(api.call(GET, PAYMENTS, "not-a-token"), "token_invalid", "not a signed JWT");
    assertRefused(api.call(GET, PAYMENTS, "a.b.c.d"), "token_invalid", "not a signed JWT");
    assertRefused(api.call(GET, PAYMENTS, "e30.e30.e30"), "token_invalid", "names no issuer");
    assertRefused(api.call(GET, PAYMENTS, "e30.bm90IGpzb24.e30"), "token_invalid", "not JSON");
  }

  @Test
  void anUnsignedTokenOrAnotherAlgorithmIsInvalid() {
    String claims = b64(claims());
    String none = b64(new JsonObject().put("alg", "none").put("typ", "JWT"));
    assertRefused(
        api.call(GET, PAYMENTS, none + "." + claims + "."), "token_invalid", "not signed");
    assertRefused(
        api.call(GET, PAYMENTS, none + "." + claims + ".c2ln"), "token_invalid", "'none'");
    String rs256 =
        b64(new JsonObject().put("alg", "RS256").put("kid", api.tokenKeys().signing().kid()));
    assertRefused(
        api.call(GET, PAYMENTS, rs256 + "." + claims + ".c2ln"), "token_invalid", "'RS256'");
  }

  @Test
  void aForgedSignatureOrAnUnknownKeyIsInvalid() {
    String[] good = sign(claims()).split("\\.");
    String otherClaims = b64(claims().put("scope", "payments:read payments:write"));
    assertRefused(
        api.call(GET, PAYMENTS, good[0] + "." + otherClaims + "." + good[2]),
        "token_invalid",
        "signature does not verify");
    String unknownKid = b64(new JsonObject().put("alg", "HS256").put("kid", "no-such-key"));
    assertRefused(
        api.call(GET, PAYMENTS, unknownKid + "." + good[1] + "." + good[2]),
        "token_invalid",
        "names no signing key");
  }

  @Test
  void anExpiredTokenSaysWhenItExpired() {
    long past = Instant.now().getEpochSecond() - 60;
    HttpResponse<Buffer> r = api.call(GET, PAYMENTS, sign(claims().put("exp", past)));
    assertRefused(r, "token_expired", "expired at " + Instant.ofEpochSecond(past));
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("/oauth/token");
    assertRefused(
        api.call(GET, PAYMENTS, sign(claims().put("nbf", past + 3600))),
        "token_invalid",
        "not valid before");
    assertRefused(
        api.call(GET, PAYMENTS, sign(claims().putNull("exp"))), "token_invalid", "no expiry");
  }

  @Test
  void aTokenForAnotherAudienceOrFromAnotherIssuerSaysSo() {
    assertRefused(
        api.call(GET, PAYMENTS, sign(claims().put("aud", "billing"))),
        "token_wrong_audience",
        "meant for 'billing'");
    assertRefused(
        api.call(GET, PAYMENTS, sign(claims().put("iss", "https://idp.example"))),
        "token_wrong_issuer",
        "issued by 'https://idp.example'");
  }

  @Test
  void aMissingScopeIsForbiddenAndNamed() {
    HttpResponse<Buffer> r =
        api.call(GET, "/api/v1/gateway-accounts", sign(claims().put("scope", "payments:read")));

    JsonObject problem = assertProblem(r, 403, null);
    assertThat(problem.getString("error")).isEqualTo("insufficient_scope");
    assertThat(problem.getString("scope")).isEqualTo("gateways:read");
    assertThat(r.getHeader("WWW-Authenticate"))
        .startsWith("Bearer realm=\"paybridge\", error=\"insufficient_scope\"")
        .endsWith("scope=\"gateways:read\"");
  }
}
