package io.paybridge.api;

import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.core.TestPlatform;
import io.paybridge.devdb.PgFixture;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * API tokens under the platform's own keys: two nodes on one database, as a cluster, each taking
 * the other's tokens; a token names its key by {@code kid} and is checked by that key only; a
 * rotation leaves the tokens signed before it valid for their lifetime; and the master key, which
 * once derived the signing key, signs nothing any more.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenKeysApiTest {

  private static final String PAYMENTS = "/api/v1/payments";

  private final ManualClock clock = new ManualClock();
  private ApiTestServer a;
  private ApiTestServer b;
  private Vertx forger;

  @BeforeAll
  void start() {
    PgConnectOptions db = PgFixture.newDatabase("api_token_keys");
    a = ApiTestServer.start("api_token_keys_a", db, clock, Map.of());
    b = ApiTestServer.start("api_token_keys_b", db, clock, Map.of());
    forger = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    await(forger.close());
  }

  @Test
  void aTokenNamesTheKeyThatSignedIt() {
    Partner partner = a.signUp();

    JsonObject header = header(partner.token());

    assertThat(header.getString("alg")).isEqualTo("HS256");
    assertThat(header.getString("kid")).isEqualTo(a.tokenKeys().signing().kid());
  }

  @Test
  void twoNodesOnOneDatabaseAcceptEachOthersTokens() {
    // GIVEN a partner signed up on node a, and another on node b
    Partner onA = a.signUp();
    Partner onB = b.signUp();
    // THEN each node accepts the tokens the other issued
    assertThat(b.call(GET, PAYMENTS, onA.token()).statusCode()).isEqualTo(200);
    assertThat(a.call(GET, PAYMENTS, onB.token()).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenSignedBeforeARotationVerifiesAfterItForItsLifetime() {
    // GIVEN a token signed with the current key
    Partner partner = a.signUp();
    String before = partner.token();
    String oldKid = header(before).getString("kid");

    // WHEN the rotation period passes, a node makes the next key, and both nodes load it
    clock.advance(Duration.ofDays(30).plusMinutes(1));
    await(a.tokenKeys().refresh());
    await(b.tokenKeys().refresh());
    // AND the new key becomes active
    clock.advance(Duration.ofMinutes(6));
    String after = a.token(partner, "payments:read");

    // THEN new tokens name the new key, and both nodes accept both tokens
    assertThat(header(after).getString("kid")).isNotEqualTo(oldKid);
    for (ApiTestServer node : List.of(a, b)) {
      assertThat(node.call(GET, PAYMENTS, before).statusCode()).isEqualTo(200);
      assertThat(node.call(GET, PAYMENTS, after).statusCode()).isEqualTo(200);
    }

    // WHEN the old key has been retired for longer than a token lives
    clock.advance(Duration.ofHours(1).plusMinutes(6));
    // THEN its tokens are refused, and the new ones are not
    assertThat(b.call(GET, PAYMENTS, before).statusCode()).isEqualTo(401);
    assertThat(b.call(GET, PAYMENTS, after).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenIsCheckedOnlyByTheKeyItNames() {
    Partner partner = a.signUp();
    byte[] current = a.tokenKeys().signing().secret();
    String kid = a.tokenKeys().signing().kid();
    // GIVEN tokens made here the way the platform makes them: the real key and kid are accepted
    assertThat(a.call(GET, PAYMENTS, sign(partner, current, kid)).statusCode()).isEqualTo(200);

    // THEN the real key under a kid the platform does not hold is refused
    assertThat(a.call(GET, PAYMENTS, sign(partner, current, "tk_forged")).statusCode())
        .isEqualTo(401);
    // AND so is the real key without a kid
    assertThat(a.call(GET, PAYMENTS, sign(partner, current, null)).statusCode()).isEqualTo(401);
    // AND another key under the real kid
    byte[] other = new byte[32];
    assertThat(a.call(GET, PAYMENTS, sign(partner, other, kid)).statusCode()).isEqualTo(401);
  }

  @Test
  void theMasterKeyNoLongerSignsTokens() throws Exception {
    // GIVEN the key tokens were signed with before: derived from the master key
    Partner partner = a.signUp();
    byte[] master =
        Base64.getDecoder().decode(TestPlatform.TEST_MASTER_KEY.split(":", 2)[1].strip());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(master, "HmacSHA256"));
    byte[] derived = mac.doFinal("paybridge:api-token-signing-v1".getBytes(StandardCharsets.UTF_8));

    // THEN a token it signs is refused, without a kid as such tokens were, or with the current one
    assertThat(a.call(GET, PAYMENTS, sign(partner, derived, null)).statusCode()).isEqualTo(401);
    String kid = a.tokenKeys().signing().kid();
    assertThat(a.call(GET, PAYMENTS, sign(partner, derived, kid)).statusCode()).isEqualTo(401);
  }

  /** A token for the partner's tenant as the platform shapes them, under a key of the test's. */
  private String sign(Partner partner, byte[] secret, String kid) {
    PubSecKeyOptions key =
        new PubSecKeyOptions()
            .setAlgorithm("HS256")
            .setBuffer(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    if (kid != null) {
      key.setId(kid);
    }
    return JWTAuth.create(forger, new JWTAuthOptions().addPubSecKey(key))
        .generateToken(
            new JsonObject().put("tid", partner.tenantId()).put("scope", "payments:read"),
            new JWTOptions()
                .setAlgorithm("HS256")
                .setIssuer("paybridge")
                .setAudience(List.of("paybridge-api"))
                .setSubject(partner.clientId())
                .setExpiresInSeconds(600));
  }

  private static JsonObject header(String token) {
    return new JsonObject(
        new String(
            Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
            StandardCharsets.UTF_8));
  }
}
