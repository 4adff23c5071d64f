package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's own identity provider ({@code PAYBRIDGE_OIDC_ISSUER}): its RS256 access tokens
 * open their tenant's data with their scopes; it rotates its keys without the node restarting,
 * while made-up key ids cost it at most one fetch in a while; and every bad token is refused saying
 * why: expired, another audience or issuer, an unknown tenant, a forged signature, an unsigned
 * token or an HS256 token keyed with the public key. The provider is never asked about a token.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcApiTest {

  private static final String PAYMENTS = "/api/v1/payments";

  /**
   * The node's clock: the real time, which tokens are minted by and vertx-auth-oauth2 checks them
   * by, moved ahead by hand to pace the node's key fetches.
   */
  private final ShiftedClock clock = new ShiftedClock();

  private OidcProviderSimulator provider;
  private ApiTestServer api;
  private Partner partner;

  @BeforeAll
  void start() {
    provider = OidcProviderSimulator.start(java.time.Clock.systemUTC());
    api =
        ApiTestServer.start("api_oidc", clock, Map.of("PAYBRIDGE_OIDC_ISSUER", provider.issuer()));
    partner = api.signUp();
  }

  @AfterAll
  void stop() {
    api.close();
    provider.close();
  }

  private JsonObject claims(String scope) {
    return provider.claims(partner.tenantId(), scope);
  }

  private static JsonObject assertRefused(HttpResponse<Buffer> r, String code, String says) {
    JsonObject problem = assertProblem(r, 401, null);
    assertThat(problem.getString("error")).isEqualTo(code);
    assertThat(problem.getString("detail")).contains(says);
    assertThat(r.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
    return problem;
  }

  @Test
  void aProviderTokenOpensItsTenantsDataWithItsScopesOnly() {
    String token = provider.mint(claims("payments:read openid profile"));

    HttpResponse<Buffer> payments = api.call(GET, PAYMENTS, token);
    assertThat(payments.statusCode()).as(payments.bodyAsString()).isEqualTo(200);
    assertThat(payments.getHeader("RateLimit-Limit")).isEqualTo("200");
    JsonObject forbidden =
        assertProblem(api.call(GET, "/api/v1/gateway-accounts", token), 403, null);
    assertThat(forbidden.getString("scope")).isEqualTo("gateways:read");
    // the data is the named tenant's: another tenant's token sees its own (empty) ledger
    Partner other = api.signUp();
    api.pay(api.connectStripe(partner), 1200, "member-1");
    assertThat(api.ok(GET, PAYMENTS, token).getJsonArray("data")).hasSize(1);
    assertThat(
            api.ok(GET, PAYMENTS, provider.mint(provider.claims(other.tenantId(), "payments:read")))
                .getJsonArray("data"))
        .isEmpty();
    assertThat(provider.providerCalls()).isZero();
  }

  @Test
  void theProviderRotatesItsKeysWithoutARestartAndMadeUpKeyIdsCostLittle() {
    clock.advance(ProviderTokens.REFETCH_EVERY.plusSeconds(1));
    OidcProviderSimulator.Key retired = provider.current();
    String before = provider.mint(claims("payments:read"));
    assertThat(api.call(GET, PAYMENTS, before).statusCode()).isEqualTo(200);

    // WHEN the provider replaces its key and signs with the new one
    provider.rotate();
    int fetches = provider.keyFetches();
    HttpResponse<Buffer> after = api.call(GET, PAYMENTS, provider.mint(claims("payments:read")));

    // THEN the node fetches the keys again, once, and accepts the token
    assertThat(after.statusCode()).as(after.bodyAsString()).isEqualTo(200);
    assertThat(provider.keyFetches()).isEqualTo(fetches + 1);
    // AND a token of the retired key no longer passes
    assertRefused(
        api.call(
            GET,
            PAYMENTS,
            OidcProviderSimulator.sign(retired, retired.kid(), claims("payments:read"))),
        "token_invalid",
        "does not publish");

    // WHEN tokens name made-up keys right after THEN they are refused without another fetch
    OidcProviderSimulator.Key madeUp = OidcProviderSimulator.newKey();
    for (int i = 0; i < 5; i++) {
      assertRefused(
          api.call(
              GET,
              PAYMENTS,
              OidcProviderSimulator.sign(madeUp, "made-up-" + i, claims("payments:read"))),
          "token_invalid",
          "does not publish");
    }
    assertThat(provider.keyFetches()).isEqualTo(fetches + 1);
    // AND once the pause is over, one more fetch is allowed
    clock.advance(ProviderTokens.REFETCH_EVERY);
    api.call(
        GET,
        PAYMENTS,
        OidcProviderSimulator.sign(madeUp, "made-up-again", claims("payments:read")));
    assertThat(provider.keyFetches()).isEqualTo(fetches + 2);
    assertThat(provider.providerCalls()).isZero();
  }

  @Test
  void anExpiredTokenOrOneForAnotherAudienceOrIssuerSaysSo() {
    long now = java.time.Instant.now().getEpochSecond();
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(claims("payments:read").put("exp", now - 60))),
        "token_expired",
        "expired at");
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(claims("payments:read").put("aud", "billing"))),
        "token_wrong_audience",
        "'billing'");
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(claims("payments:read").putNull("aud"))),
        "token_wrong_audience",
        "names no audience");
    assertRefused(
        api.call(
            GET,
            PAYMENTS,
            provider.mint(claims("payments:read").put("iss", "https://idp.example"))),
        "token_wrong_issuer",
        "https://idp.example");
    assertRefused(
        api.call(
            GET,
            PAYMENTS,
            provider.mint(claims("payments:read").put("iss", provider.issuer() + "/"))),
        "token_wrong_issuer",
        provider.issuer() + "/");
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(claims("payments:read").putNull("exp"))),
        "token_invalid",
        "no expiry");
  }

  @Test
  void aTokenNamingATenantThePlatformDoesNotHaveIsRefusedNamingIt() {
    String stranger = UUID.randomUUID().toString();
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(provider.claims(stranger, "payments:read"))),
        "token_unknown_tenant",
        stranger);
    assertRefused(
        api.call(GET, PAYMENTS, provider.mint(claims("payments:read").putNull("paybridge_tenant"))),
        "token_invalid",
        "names no tenant (paybridge_tenant)");
    assertRefused(
        api.call(
            GET, PAYMENTS, provider.mint(claims("payments:read").put("paybridge_tenant", "acme"))),
        "token_invalid",
        "not a tenant id");
  }

  @Test
  void forgedUnsignedAndAlgorithmConfusedTokensAreInvalid() {
    JsonObject claims = claims("payments:read payments:write");
    // signed by a key the provider never had, under the id of the key it publishes
    assertRefused(
        api.call(
            GET,
            PAYMENTS,
            OidcProviderSimulator.sign(
                OidcProviderSimulator.newKey(), provider.current().kid(), claims)),
        "token_invalid",
        "signature does not verify");
    // a good token's claims changed after signing
    String[] good = provider.mint(claims("payments:read")).split("\\.");
    String[] wider = provider.mint(claims).split("\\.");
    assertRefused(
        api.call(GET, PAYMENTS, good[0] + "." + wider[1] + "." + good[2]),
        "token_invalid",
        "signature does not verify");
    assertRefused(
        api.call(GET, PAYMENTS, OidcProviderSimulator.unsigned(claims, "")),
        "token_invalid",
        "not signed");
    assertRefused(
        api.call(GET, PAYMENTS, OidcProviderSimulator.unsigned(claims, "c2ln")),
        "token_invalid",
        "'none'");
    assertRefused(
        api.call(GET, PAYMENTS, provider.hs256WithPublicKey(claims)), "token_invalid", "'HS256'");
    assertThat(provider.providerCalls()).isZero();
  }

  @Test
  void theNodesOwnTokensStillWork() {
    assertThat(api.call(GET, PAYMENTS, partner.token()).statusCode()).isEqualTo(200);
    JsonObject problem =
        assertRefused(
            api.call(
                GET,
                PAYMENTS,
                provider.mint(claims("payments:read").put("iss", "https://other.example"))),
            "token_wrong_issuer",
            "/oauth/token");
    assertThat(problem.getString("detail")).contains(provider.issuer());
  }

  @Test
  void aProviderThatCannotBeReachedIsAPassingOutage() {
    String closed = "http://127.0.0.1:" + freePort();
    try (ApiTestServer lonely =
        ApiTestServer.start("api_oidc_down", clock, Map.of("PAYBRIDGE_OIDC_ISSUER", closed))) {
      Partner someone = lonely.signUp();
      JsonObject claims = provider.claims(someone.tenantId(), "payments:read").put("iss", closed);

      JsonObject problem =
          assertProblem(lonely.call(GET, PAYMENTS, provider.mint(claims)), 503, null);

      assertThat(problem.getString("error")).isEqualTo("identity_provider_unavailable");
      assertThat(lonely.call(GET, PAYMENTS, someone.token()).statusCode()).isEqualTo(200);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
