package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PUSH_AUDIENCE;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PUSH_SERVICE_ACCOUNT;
import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Pub/Sub push token in detail: each claim and header rule, and how Google's signing keys are
 * fetched, cached by {@code max-age}, refetched on rotation and rate-limited. Each test gets a
 * fresh plugin on a hand-moved clock, so cache lifetimes are stepped through rather than waited
 * for; the simulator (and its slow-to-make RSA keys) is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayPushAuthTest {

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private ManualClock clock;
  private GooglePlayPlugin plugin;
  private String notification;

  /** A fresh plugin (so nothing is cached) on its own clock, against the shared simulator. */
  @BeforeEach
  void freshPlugin() {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    clock = new ManualClock(start);
    plugin = new GooglePlayPlugin();
    await(plugin.init(new PluginContext(f.vertx, clock, f.google.pluginSettings())));
    f.google.jwksMaxAge(21_600);
    f.google.clearCalls();
    notification =
        GooglePlaySimulator.subscriptionNotification(
            PACKAGE_NAME, 3, GooglePlaySimulator.newPurchaseToken(), "premium_monthly", start);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private Verdict verify(String bearer) {
    return verify(bearer, f.credentials);
  }

  private Verdict verify(String bearer, Credentials credentials) {
    WebhookRequest request =
        f.google.request(GooglePlaySimulator.push(notification), bearer, clock.instant());
    return await(plugin.verify(request, credentials));
  }

  private JsonObject claims() {
    long iat = clock.instant().getEpochSecond();
    return new JsonObject()
        .put("aud", PUSH_AUDIENCE)
        .put("azp", "112233445566778899000")
        .put("email", PUSH_SERVICE_ACCOUNT)
        .put("email_verified", true)
        .put("exp", iat + 3600)
        .put("iat", iat)
        .put("iss", "https://accounts.google.com")
        .put("sub", "112233445566778899000");
  }

  private String tokenWith(Consumer<JsonObject> change) {
    JsonObject claims = claims();
    change.accept(claims);
    return f.google.signPushToken(claims);
  }

  private void assertAccepted(String token) {
    assertAccepted(token, "accepted");
  }

  private void assertAccepted(String token, String what) {
    Verdict verdict = verify(token);
    assertThat(verdict.authentic()).as("%s: %s", what, verdict.reason()).isTrue();
  }

  private void assertRejected(String token, String reasonPart) {
    Verdict verdict = verify(token);
    assertThat(verdict.authentic()).as(reasonPart).isFalse();
    assertThat(verdict.reason()).contains(reasonPart);
  }

  // ---- claims

  @Test
  void aTokenAsPubSubSendsItIsAccepted() {
    assertAccepted(f.google.pushToken(clock.instant()));
  }

  @Test
  void eitherSpellingOfGooglesIssuerIsAcceptedAndNoOther() {
    assertAccepted(tokenWith(c -> c.put("iss", "accounts.google.com")));
    assertRejected(tokenWith(c -> c.put("iss", "https://accounts.google.com/")), "iss");
    assertRejected(tokenWith(c -> c.put("iss", "https://evil.example")), "iss");
    assertRejected(tokenWith(c -> c.remove("iss")), "iss");
  }

  @Test
  void theAudienceMustBeTheAccountsOwn() {
    assertRejected(tokenWith(c -> c.put("aud", "https://hooks.other.example")), "aud");
    assertRejected(tokenWith(c -> c.remove("aud")), "aud");
    assertAccepted(
        tokenWith(c -> c.put("aud", new JsonArray().add("x").add(PUSH_AUDIENCE))),
        "an audience list naming the account's audience");
  }

  @Test
  void theEmailMustBeTheAccountsPushServiceAccountAndVerified() {
    assertRejected(
        tokenWith(c -> c.put("email", "attacker@evil-project.iam.gserviceaccount.com")), "email");
    assertRejected(tokenWith(c -> c.remove("email")), "email");
    assertRejected(tokenWith(c -> c.put("email_verified", false)), "email_verified");
    assertRejected(tokenWith(c -> c.put("email_verified", "true")), "email_verified");
    assertRejected(tokenWith(c -> c.remove("email_verified")), "email_verified");
    assertAccepted(
        tokenWith(c -> c.put("email", PUSH_SERVICE_ACCOUNT.toUpperCase())),
        "email addresses compare without case");
  }

  @Test
  void expiryAndIssueTimeAreJudgedAgainstTheReceivingTimeWithAMinuteOfLeeway() {
    long now = clock.instant().getEpochSecond();
    assertAccepted(tokenWith(c -> c.put("iat", now - 3660).put("exp", now - 60)));
    assertRejected(tokenWith(c -> c.put("iat", now - 3661).put("exp", now - 61)), "expired");
    assertAccepted(tokenWith(c -> c.put("iat", now + 60)));
    assertRejected(tokenWith(c -> c.put("iat", now + 61).put("exp", now + 3661)), "in the future");
    assertRejected(tokenWith(c -> c.put("exp", "soon")), "iat and exp");
    assertRejected(tokenWith(c -> c.remove("iat")), "iat and exp");
    assertRejected(tokenWith(c -> c.put("exp", now - 10).put("iat", now)), "exp is before iat");
  }

  // ---- header and signature

  @Test
  void onlyRs256WithAKeyIdIsAccepted() {
    String kid = f.google.currentKeyId();
    for (String alg : new String[] {"none", "HS256", "RS512", "ES256", "rs256"}) {
      String token =
          f.google.signPushToken(
              new JsonObject().put("alg", alg).put("kid", kid).put("typ", "JWT"), claims());
      assertRejected(token, "alg");
    }
    String noKid = f.google.signPushToken(new JsonObject().put("alg", "RS256"), claims());
    assertRejected(noKid, "kid");
  }

  @Test
  void aTokenSignedByAnotherKeyUnderGooglesKeyIdIsRefused() {
    // GIVEN a token signed with a key Google does not publish, claiming a published key id
    GooglePlaySimulator impostor = new GooglePlaySimulator();
    String forged =
        impostor.signPushToken(
            new JsonObject().put("alg", "RS256").put("kid", f.google.currentKeyId()), claims());
    // THEN the signature does not verify
    assertRejected(forged, "signature does not match");
  }

  @Test
  void theSchemeMustBeBearerAndTheTokenCompact() {
    String token = f.google.pushToken(clock.instant());
    WebhookRequest request =
        f.google.request(GooglePlaySimulator.push(notification), null, clock.instant());
    for (String header :
        new String[] {"Basic " + token, "Bearer", "Bearer ", token, "Bearer " + token + ".x"}) {
      Verdict verdict =
          await(plugin.verify(request.withHeader("Authorization", header), f.credentials));
      assertThat(verdict.authentic()).as(header).isFalse();
    }
    Verdict lowerCase =
        await(plugin.verify(request.withHeader("Authorization", "bearer " + token), f.credentials));
    assertThat(lowerCase.authentic()).as("the scheme name is case-insensitive").isTrue();
  }

  @Test
  void halfConfiguredPushAuthenticationRefusesEveryPush() {
    Credentials half =
        Credentials.of(
            "packageName",
            PACKAGE_NAME,
            "serviceAccountJson",
            f.serviceAccountJson,
            "pushAudience",
            PUSH_AUDIENCE);
    Verdict verdict = verify(f.google.pushToken(clock.instant()), half);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("half configured");
  }

  @Test
  void pushesForAnotherPackageAreRefusedEvenWithoutPushAuthentication() {
    Credentials open =
        Credentials.of(
            "packageName", "com.paybridge.other", "serviceAccountJson", f.serviceAccountJson);
    Verdict verdict = verify(null, open);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("com.paybridge.sample").contains("com.paybridge.other");
  }

  @Test
  void inProductionAnAccountWithoutPushAuthenticationIsRefused() {
    Credentials open =
        Credentials.of("packageName", PACKAGE_NAME, "serviceAccountJson", f.serviceAccountJson);
    // dev mode (the default): the push is taken, and resolve re-reads everything from Google
    assertThat(verify(null, open).authentic()).isTrue();

    java.util.Map<String, String> production = new java.util.HashMap<>(f.google.pluginSettings());
    production.put("platform.mode", "production");
    GooglePlayPlugin strict = new GooglePlayPlugin();
    await(strict.init(new PluginContext(f.vertx, clock, production)));
    WebhookRequest request =
        f.google.request(GooglePlaySimulator.push(notification), null, clock.instant());
    Verdict refused = await(strict.verify(request, open));
    assertThat(refused.authentic()).isFalse();
    assertThat(refused.reason()).contains("no push authentication");
    // with it configured, a genuine push is taken in production too
    assertThat(
            await(
                    strict.verify(
                        f.google.request(
                            GooglePlaySimulator.push(notification),
                            f.google.pushToken(clock.instant()),
                            clock.instant()),
                        f.credentials))
                .authentic())
        .isTrue();

    // the operator may say otherwise, either way
    java.util.Map<String, String> relaxed = new java.util.HashMap<>(production);
    relaxed.put(GooglePlayPlugin.SETTING_REQUIRE_PUSH_AUTH, "false");
    GooglePlayPlugin lenient = new GooglePlayPlugin();
    await(lenient.init(new PluginContext(f.vertx, clock, relaxed)));
    assertThat(await(lenient.verify(request, open)).authentic()).isTrue();
  }

  // ---- Google's keys

  @Test
  void keysAreFetchedOnceAndKeptForTheirMaxAge() {
    f.google.jwksMaxAge(300);
    assertAccepted(f.google.pushToken(clock.instant()));
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).hasSize(1);

    clock.advance(Duration.ofSeconds(299));
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).as("still fresh").hasSize(1);

    clock.advance(Duration.ofSeconds(2));
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).as("expired, fetched again").hasSize(2);
  }

  @Test
  void aRotatedKeyIsFetchedAtOnce() {
    assertAccepted(f.google.pushToken(clock.instant()));
    // GIVEN Google rotated its key since the set was cached (long ago enough to refetch)
    clock.advance(Duration.ofMinutes(2));
    f.google.rotatePushKey(false);
    // WHEN a token signed with the new key arrives, THEN the set is fetched again at once
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).hasSize(2);
  }

  @Test
  void unknownKeyIdsCauseAtMostOneFetchPerMinute() {
    assertAccepted(f.google.pushToken(clock.instant()));
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 5; i++) {
      String madeUp =
          f.google.signPushToken(
              new JsonObject().put("alg", "RS256").put("kid", "made-up-" + i), claims());
      assertRejected(madeUp, "no signing key with this kid");
    }
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS))
        .as("the first unknown kid refetches, the next ones within a minute do not")
        .hasSize(2);

    // A key rotated within that minute is picked up once the minute has passed
    f.google.rotatePushKey(true);
    assertThat(verify(f.google.pushToken(clock.instant())).authentic()).isFalse();
    clock.advance(Duration.ofSeconds(61));
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).hasSize(3);
  }

  @Test
  void whenTheKeysCannotBeFetchedPushesAreRefusedAndTheFetchIsRetriedAfterAMinute() {
    f.google.failNext(GooglePlaySimulator.OP_JWKS, 503);
    Verdict down = verify(f.google.pushToken(clock.instant()));
    assertThat(down.authentic()).isFalse();
    assertThat(down.reason()).contains("unavailable").contains("503");

    Verdict stillDown = verify(f.google.pushToken(clock.instant()));
    assertThat(stillDown.authentic()).isFalse();
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).as("not retried at once").hasSize(1);

    clock.advance(Duration.ofSeconds(61));
    assertAccepted(f.google.pushToken(clock.instant()));
    assertThat(f.google.calls(GooglePlaySimulator.OP_JWKS)).hasSize(2);
  }

  @Test
  void cacheControlDirectivesSetTheLifetimeWithinBounds() {
    assertThat(GoogleSigningKeys.lifetime("public, max-age=19581, must-revalidate", null))
        .isEqualTo(Duration.ofSeconds(19581));
    assertThat(GoogleSigningKeys.lifetime("public, max-age=19581", "581"))
        .as("less the age of a cached answer")
        .isEqualTo(Duration.ofSeconds(19000));
    assertThat(GoogleSigningKeys.lifetime("max-age=5", null)).isEqualTo(Duration.ofSeconds(60));
    assertThat(GoogleSigningKeys.lifetime("no-store", null)).isEqualTo(Duration.ofSeconds(60));
    assertThat(GoogleSigningKeys.lifetime("public, s-maxage=9000", null))
        .isEqualTo(GoogleSigningKeys.DEFAULT_LIFETIME);
    assertThat(GoogleSigningKeys.lifetime(null, null))
        .isEqualTo(GoogleSigningKeys.DEFAULT_LIFETIME);
    assertThat(GoogleSigningKeys.lifetime("max-age=99999999999999999999", null))
        .isEqualTo(Duration.ofHours(24));
  }

  @Test
  void onlyUsableRs256KeysAreTakenFromTheSet() {
    JsonObject jwks = f.google.jwks();
    JsonObject good = jwks.getJsonArray("keys").getJsonObject(0);
    JsonArray keys =
        new JsonArray()
            .add(good)
            .add(good.copy().put("kid", "enc").put("use", "enc"))
            .add(good.copy().put("kid", "ps").put("alg", "PS256"))
            .add(new JsonObject().put("kty", "EC").put("kid", "ec"))
            .add(good.copy().put("kid", "short").put("n", "AQAB"))
            .add(good.copy().put("kid", "bad").put("n", "***"))
            .add("not a key");
    assertThat(GoogleSigningKeys.parse(new JsonObject().put("keys", keys)))
        .containsOnlyKeys(good.getString("kid"));
  }
}
