package io.paybridge.gateway.appstore;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) and the details of Apple's scheme: the algorithm, the
 * {@code x5c} chain, Apple's extension OIDs, the pinned root and its setting, the time a chain is
 * judged at, the account binding (bundle, environment, app Apple ID), nested JWS and freshness.
 */
class AppStorePluginTest extends GatewayPluginTestKit {

  private final AppStorePlugin plugin = new AppStorePlugin();
  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final JsonObject subscription =
      apple.subscriptionTransaction("2000000111", "2000000100", 10990, "USD", "user-1");
  private final WebhookRequest valid = apple.request(apple.subscribed(subscription));

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Map<String, String> pluginSettings() {
    return apple.pluginSettings();
  }

  @Override
  protected Credentials credentials() {
    return apple.credentials();
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return new AppStoreSimulator("com.other.app", 987_654_321L, "Sandbox").credentials();
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return apple.request(
        apple.notification(
            "DID_CHANGE_RENEWAL_STATUS",
            "AUTO_RENEW_DISABLED",
            subscription,
            apple.renewalInfo(subscription).put("autoRenewStatus", 0)));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    return apple.request(apple.subscribed(subscription.copy().put("price", "10990")));
  }

  /** The signature travels in the body; the kit's byte flips cover it. */
  @Override
  protected List<String> signatureHeaders() {
    return List.of();
  }

  @Override
  protected Optional<Duration> timestampTolerance() {
    return Optional.of(AppStorePlugin.MAX_AGE);
  }

  private Verdict verifyBody(String body) {
    return verify(apple.request(body), credentials());
  }

  private static String replaceHeader(String body, JsonObject header) {
    String jws = new JsonObject(body).getString("signedPayload");
    String rest = jws.substring(jws.indexOf('.'));
    return AppStoreSimulator.body(
        Base64.getUrlEncoder().withoutPadding().encodeToString(header.toBuffer().getBytes())
            + rest);
  }

  private static JsonObject headerOf(String body) {
    String jws = new JsonObject(body).getString("signedPayload");
    return new JsonObject(
        Buffer.buffer(Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.')))));
  }

  private AppStorePlugin pluginTrusting(String... fingerprints) {
    AppStorePlugin other = new AppStorePlugin();
    await(
        other.init(
            new PluginContext(
                vertx,
                Clock.systemUTC(),
                Map.of(AppStorePlugin.TRUST_ANCHOR_SETTING, String.join(",", fingerprints)))));
    return other;
  }

  // ---- identity and credentials ----

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(AppStorePlugin.class);
              assertThat(p.id()).isEqualTo("appstore");
              assertThat(p.displayName()).isEqualTo("Apple App Store");
            });
  }

  @Test
  void offersRenewalsButNotCancelAndRefundWhichAppleDoesNotProvide() {
    assertThat(plugin).isInstanceOf(Renewals.class);
    assertThat(plugin).isNotInstanceOf(CancelAndRefund.class);
  }

  @Test
  void credentialSchemaMarksOnlyTheBundleRequiredAndThePrivateKeySecret() {
    List<CredentialField> fields = plugin.credentialSchema().fields();
    assertThat(fields)
        .extracting(CredentialField::name)
        .containsExactly(
            "bundleId", "environment", "appAppleId", "issuerId", "keyId", "privateKey");
    assertThat(fields)
        .filteredOn(CredentialField::required)
        .extracting(CredentialField::name)
        .containsExactly("bundleId");
    assertThat(fields)
        .filteredOn(CredentialField::secret)
        .extracting(CredentialField::name)
        .containsExactly("privateKey");
    CredentialField environment = plugin.credentialSchema().field("environment").orElseThrow();
    assertThat(environment.defaultValue()).isEqualTo("Production");
    assertThat(environment.allowedValues()).containsExactly("Production", "Sandbox");
  }

  @Test
  void validCredentialsAreNormalizedWithTheProductionDefault() {
    Credentials saved =
        plugin.validateCredentials(
            new JsonObject().put("bundleId", "com.example.app").put("appAppleId", "1234567890"));
    assertThat(saved.get("environment")).isEqualTo("Production");
    assertThat(saved.get("privateKey")).isNull();

    Credentials full = plugin.validateCredentials(apple.credentialsJson());
    assertThat(full.get("privateKey")).isEqualTo(apple.privateKeyPem().strip());
    assertThat(full.get("keyId")).isEqualTo(apple.keyId());
  }

  @Test
  void productionNeedsTheNumericAppAppleIdSandboxDoesNot() {
    assertField(new JsonObject().put("bundleId", "com.example.app"), "appAppleId");
    assertField(
        new JsonObject().put("bundleId", "com.example.app").put("appAppleId", "12ab"),
        "appAppleId");
    assertThat(
            plugin
                .validateCredentials(
                    new JsonObject()
                        .put("bundleId", "com.example.app")
                        .put("environment", "Sandbox"))
                .get("appAppleId"))
        .isNull();
    assertField(
        new JsonObject().put("bundleId", "com.example.app").put("environment", "Xcode"),
        "environment");
  }

  @Test
  void theInAppPurchaseKeyComesWholeAndMustParse() {
    JsonObject base = apple.credentialsJson();
    for (String field : List.of("issuerId", "keyId", "privateKey")) {
      JsonObject partial = base.copy();
      partial.remove(field);
      assertField(partial, field);
    }
    assertField(base.copy().put("issuerId", "not-a-uuid"), "issuerId");
    assertField(base.copy().put("keyId", "short"), "keyId");
    assertField(base.copy().put("privateKey", "not a key"), "privateKey");
    assertField(
        base.copy()
            .put("privateKey", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
        "privateKey");
    String p384 =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder()
                .encodeToString(SigningChain.ecKeyPair("secp384r1").getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----";
    assertThatThrownBy(() -> plugin.validateCredentials(base.copy().put("privateKey", p384)))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("privateKey"))
        .hasMessageContaining("P-256");

    String oneLine = apple.privateKeyPem().replace("\n", "");
    assertThat(plugin.validateCredentials(base.copy().put("privateKey", oneLine))).isNotNull();
  }

  private void assertField(JsonObject submitted, String field) {
    assertThatThrownBy(() -> plugin.validateCredentials(submitted))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void subscribedEventsAreTheBookingTypes() {
    assertThat(plugin.subscribedEvents())
        .containsExactlyInAnyOrder(
            "ONE_TIME_CHARGE",
            "SUBSCRIBED",
            "DID_RENEW",
            "OFFER_REDEEMED",
            "DID_CHANGE_RENEWAL_PREF",
            "REFUND",
            "REFUND_REVERSED",
            "EXPIRED",
            "GRACE_PERIOD_EXPIRED",
            "REVOKE");
  }

  // ---- the JWS ----

  @Test
  void simulatorSignsAsApple() {
    JsonObject header = headerOf(valid.bodyAsString());
    assertThat(header.getString("alg")).isEqualTo("ES256");
    assertThat(header.getJsonArray("x5c")).hasSize(3);
    String jws = new JsonObject(valid.bodyAsString()).getString("signedPayload");
    assertThat(Base64.getUrlDecoder().decode(jws.substring(jws.lastIndexOf('.') + 1))).hasSize(64);
  }

  @Test
  void onlyEs256IsAccepted() {
    String body = valid.bodyAsString();
    for (String alg : List.of("ES384", "RS256", "HS256", "none", "es256")) {
      Verdict verdict = verifyBody(replaceHeader(body, headerOf(body).put("alg", alg)));
      assertThat(verdict.authentic()).as(alg).isFalse();
      assertThat(verdict.reason()).as(alg).contains("only ES256");
    }
    // signed by the leaf, honestly, under a header that claims another algorithm
    JsonObject payload = AppStoreSimulator.payloadOf(body);
    String es384 =
        apple
            .chain()
            .sign(new JsonObject().put("alg", "ES384").put("x5c", apple.chain().x5c()), payload);
    assertThat(verifyBody(AppStoreSimulator.body(es384)).authentic()).isFalse();
    JsonObject withoutAlg = headerOf(body);
    withoutAlg.remove("alg");
    assertThat(
            verifyBody(AppStoreSimulator.body(apple.chain().sign(withoutAlg, payload))).authentic())
        .isFalse();
  }

  @Test
  void theHeaderMustCarryExactlyThreeCertificates() {
    JsonObject payload = AppStoreSimulator.payloadOf(valid.bodyAsString());
    JsonArray x5c = apple.chain().x5c();
    for (JsonArray wrong :
        List.of(
            new JsonArray(),
            new JsonArray().add(x5c.getString(0)),
            new JsonArray().add(x5c.getString(0)).add(x5c.getString(1)),
            x5c.copy().add(x5c.getString(2)))) {
      String jws =
          apple.chain().sign(new JsonObject().put("alg", "ES256").put("x5c", wrong), payload);
      Verdict verdict = verifyBody(AppStoreSimulator.body(jws));
      assertThat(verdict.authentic()).as("%d certificates", wrong.size()).isFalse();
      assertThat(verdict.reason()).contains("exactly 3");
    }
    String noX5c = apple.chain().sign(new JsonObject().put("alg", "ES256"), payload);
    assertThat(verifyBody(AppStoreSimulator.body(noX5c)).reason()).contains("x5c");
    String crit =
        apple
            .chain()
            .sign(
                new JsonObject()
                    .put("alg", "ES256")
                    .put("x5c", x5c)
                    .put("crit", new JsonArray().add("b64")),
                payload);
    assertThat(verifyBody(AppStoreSimulator.body(crit)).authentic()).isFalse();
  }

  @Test
  void certificatesInTheWrongOrderAreRejected() {
    JsonObject payload = AppStoreSimulator.payloadOf(valid.bodyAsString());
    JsonArray x5c = apple.chain().x5c();
    JsonArray swapped =
        new JsonArray().add(x5c.getString(1)).add(x5c.getString(0)).add(x5c.getString(2));
    String jws =
        apple.chain().sign(new JsonObject().put("alg", "ES256").put("x5c", swapped), payload);
    assertThat(verifyBody(AppStoreSimulator.body(jws)).authentic()).isFalse();
  }

  @Test
  void aChainUnderAnUnpinnedRootIsRejectedEvenWithAppleOids() {
    AppStoreSimulator impostor =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment());
    Verdict verdict = verify(impostor.request(impostor.subscribed(subscription)), credentials());
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("not a trusted Apple root");
  }

  @Test
  void theDefaultTrustsOnlyAppleRootG3() {
    AppStorePlugin production = new AppStorePlugin();
    Verdict verdict = await(production.verify(valid, credentials()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("not a trusted Apple root");
    assertThat(AppStorePlugin.APPLE_ROOT_CA_G3_SHA256)
        .isEqualTo("63343abfb89a6a03ebb57e9b3f5fa7be7c4f5c756f3017b3a8c488c3653e9179");
  }

  @Test
  void theSettingAcceptsSeveralFingerprintsInAnyHexForm() {
    String fingerprint = apple.chain().rootFingerprint();
    String colons = fingerprint.toUpperCase().replaceAll("(..)(?!$)", "$1:");
    AppStorePlugin other =
        pluginTrusting(AppStorePlugin.APPLE_ROOT_CA_G3_SHA256, " " + colons + " ");
    assertThat(await(other.verify(valid, credentials())).authentic()).isTrue();

    String keyPin = SigningChain.sha256Hex(apple.chain().root().getPublicKey().getEncoded());
    assertThat(await(pluginTrusting(keyPin).verify(valid, credentials())).authentic())
        .as("a root may be pinned by its public key")
        .isTrue();
  }

  @Test
  void aBadTrustAnchorSettingFailsStartUp() {
    AppStorePlugin other = new AppStorePlugin();
    assertThat(
            other
                .init(
                    new PluginContext(
                        vertx,
                        Clock.systemUTC(),
                        Map.of(AppStorePlugin.TRUST_ANCHOR_SETTING, "abc123")))
                .failed())
        .isTrue();
    assertThat(
            other
                .init(
                    new PluginContext(
                        vertx, Clock.systemUTC(), Map.of(AppStorePlugin.API_TIMEOUT_SETTING, "0")))
                .failed())
        .isTrue();
  }

  @Test
  void theLeafAndIntermediateMustCarryAppleOids() {
    String root = apple.chain().rootFingerprint();
    Map<String, SigningChain> chains =
        Map.of(
            "leaf without OID",
            SigningChain.builder().sameRootAs(apple.chain()).leafOid(null).build(),
            "intermediate without OID",
            SigningChain.builder().sameRootAs(apple.chain()).intermediateOid(null).build(),
            "OIDs swapped",
            SigningChain.builder()
                .sameRootAs(apple.chain())
                .leafOid(SigningChain.INTERMEDIATE_OID)
                .intermediateOid(SigningChain.LEAF_OID)
                .build());
    chains.forEach(
        (name, chain) -> {
          AppStoreSimulator signer =
              new AppStoreSimulator(
                  apple.bundleId(), apple.appAppleId(), apple.environment(), chain);
          assertThat(chain.rootFingerprint()).isEqualTo(root);
          Verdict verdict = verify(signer.request(signer.subscribed(subscription)), credentials());
          assertThat(verdict.authentic()).as(name).isFalse();
          assertThat(verdict.reason()).as(name).contains("1.2.840.113635.100.6.");
        });
    SigningChain proper = SigningChain.builder().sameRootAs(apple.chain()).build();
    AppStoreSimulator rotated =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment(), proper);
    assertThat(verify(rotated.request(rotated.subscribed(subscription)), credentials()).authentic())
        .as("a new leaf and intermediate under the pinned root")
        .isTrue();
  }

  @Test
  void aLeafOnAnotherCurveIsRejected() {
    SigningChain p384 =
        SigningChain.builder().sameRootAs(apple.chain()).leafCurve("secp384r1").build();
    AppStoreSimulator signer =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment(), p384);
    Verdict verdict = verify(signer.request(signer.test()), credentials());
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("P-256");
  }

  @Test
  void theChainIsJudgedAtSignedDateNotNow() {
    Instant signedAt = Instant.parse("2024-03-01T10:00:00Z");
    SigningChain shortLived =
        SigningChain.builder()
            .sameRootAs(apple.chain())
            .leafValidity(signedAt.minus(Duration.ofDays(1)), signedAt.plus(Duration.ofDays(1)))
            .build();
    AppStoreSimulator past =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment(), shortLived)
            .useClock(Clock.fixed(signedAt, java.time.ZoneOffset.UTC));
    WebhookRequest request = past.request(past.test());
    assertThat(verify(request, credentials()).authentic())
        .as("leaf expired now, but valid when it signed")
        .isTrue();

    AppStoreSimulator afterExpiry =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment(), shortLived)
            .useClock(Clock.fixed(signedAt.plus(Duration.ofDays(2)), java.time.ZoneOffset.UTC));
    Verdict expired = verify(afterExpiry.request(afterExpiry.test()), credentials());
    assertThat(expired.authentic()).isFalse();
    assertThat(expired.reason()).contains("does not validate");

    AppStoreSimulator beforeValidity =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment(), shortLived)
            .useClock(Clock.fixed(signedAt.minus(Duration.ofDays(2)), java.time.ZoneOffset.UTC));
    assertThat(verify(beforeValidity.request(beforeValidity.test()), credentials()).authentic())
        .isFalse();
  }

  @Test
  void aSignatureByAnotherKeyUnderTheSameX5cIsRejected() {
    JsonObject payload = AppStoreSimulator.payloadOf(valid.bodyAsString());
    SigningChain other = SigningChain.builder().sameRootAs(apple.chain()).build();
    String forged =
        other.sign(new JsonObject().put("alg", "ES256").put("x5c", apple.chain().x5c()), payload);
    Verdict verdict = verifyBody(AppStoreSimulator.body(forged));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("signature does not verify");
  }

  @Test
  void x5cEntriesMustBeExactlyOneDerCertificate() {
    JsonObject payload = AppStoreSimulator.payloadOf(valid.bodyAsString());
    JsonArray x5c = apple.chain().x5c();
    String padded =
        Base64.getEncoder()
            .encodeToString(
                Buffer.buffer(Base64.getDecoder().decode(x5c.getString(0)))
                    .appendByte((byte) 0)
                    .getBytes());
    for (JsonArray wrong :
        List.of(
            new JsonArray().add(padded).add(x5c.getString(1)).add(x5c.getString(2)),
            new JsonArray().add("%%%").add(x5c.getString(1)).add(x5c.getString(2)),
            new JsonArray().add(42).add(x5c.getString(1)).add(x5c.getString(2)))) {
      String jws =
          apple.chain().sign(new JsonObject().put("alg", "ES256").put("x5c", wrong), payload);
      assertThat(verifyBody(AppStoreSimulator.body(jws)).authentic()).isFalse();
    }
  }

  // ---- the account binding ----

  @Test
  void theBundleEnvironmentAndAppAppleIdMustBeTheAccounts() {
    Credentials sandbox = credentials();
    assertThat(verify(valid, sandbox).authentic()).isTrue();

    Credentials otherBundle =
        new Credentials(Map.of("bundleId", "com.other", "environment", "Sandbox"));
    assertThat(verify(valid, otherBundle).reason()).contains("bundleId");

    Credentials production =
        new Credentials(
            Map.of(
                "bundleId", apple.bundleId(),
                "environment", "Production",
                "appAppleId", Long.toString(apple.appAppleId())));
    assertThat(verify(valid, production).reason()).contains("environment");

    AppStoreSimulator live =
        new AppStoreSimulator(apple.bundleId(), 1_234_567_890L, "Production", apple.chain());
    JsonObject txn = live.subscriptionTransaction("2000000211", "2000000200", 4990, "EUR", null);
    WebhookRequest prod = live.request(live.subscribed(txn));
    assertThat(verify(prod, production).authentic()).isTrue();
    Credentials otherApp =
        new Credentials(
            Map.of("bundleId", apple.bundleId(), "environment", "Production", "appAppleId", "99"));
    assertThat(verify(prod, otherApp).reason()).contains("appAppleId");
    Credentials noAppId =
        new Credentials(Map.of("bundleId", apple.bundleId(), "environment", "Production"));
    assertThat(verify(prod, noAppId).authentic()).isFalse();
    Credentials sandboxOtherAppId =
        new Credentials(
            Map.of("bundleId", apple.bundleId(), "environment", "Sandbox", "appAppleId", "99"));
    assertThat(verify(valid, sandboxOtherAppId).authentic())
        .as("the app Apple ID is checked in production only")
        .isTrue();
    assertThat(verify(valid, Credentials.of()).authentic()).isFalse();
  }

  @Test
  void nestedTransactionsAndRenewalInfosAreVerifiedToo() {
    SigningChain foreign = SigningChain.create();
    JsonObject payload = AppStoreSimulator.payloadOf(valid.bodyAsString());
    JsonObject data = payload.getJsonObject("data");

    JsonObject forgedTxn =
        data.copy()
            .put("signedTransactionInfo", foreign.sign(subscription.copy().put("price", 10)));
    Verdict txn =
        verifyBody(
            AppStoreSimulator.body(apple.signPayload(payload.copy().put("data", forgedTxn))));
    assertThat(txn.authentic()).isFalse();
    assertThat(txn.reason()).contains("signedTransactionInfo");

    JsonObject forgedRenewal =
        data.copy().put("signedRenewalInfo", foreign.sign(apple.renewalInfo(subscription)));
    Verdict renewal =
        verifyBody(
            AppStoreSimulator.body(apple.signPayload(payload.copy().put("data", forgedRenewal))));
    assertThat(renewal.authentic()).isFalse();
    assertThat(renewal.reason()).contains("signedRenewalInfo");

    JsonObject otherApp =
        data.copy()
            .put(
                "signedTransactionInfo",
                apple.sign(subscription.copy().put("bundleId", "com.other")));
    assertThat(
            verifyBody(
                    AppStoreSimulator.body(apple.signPayload(payload.copy().put("data", otherApp))))
                .reason())
        .contains("signedTransactionInfo.bundleId");

    JsonObject otherEnv =
        data.copy()
            .put(
                "signedRenewalInfo",
                apple.sign(apple.renewalInfo(subscription).put("environment", "Production")));
    assertThat(
            verifyBody(
                    AppStoreSimulator.body(apple.signPayload(payload.copy().put("data", otherEnv))))
                .reason())
        .contains("signedRenewalInfo.environment");

    JsonObject notText = data.copy().put("signedTransactionInfo", 42);
    assertThat(
            verifyBody(
                    AppStoreSimulator.body(apple.signPayload(payload.copy().put("data", notText))))
                .authentic())
        .isFalse();
  }

  @Test
  void summaryNotificationsAreCheckedAgainstTheAccountToo() {
    JsonObject summary =
        new JsonObject()
            .put("requestIdentifier", "efb27071-45a4-4aca-9854-2a1e9146f265")
            .put("environment", apple.environment())
            .put("appAppleId", apple.appAppleId())
            .put("bundleId", apple.bundleId())
            .put("productId", "com.example.pro.monthly")
            .put("succeededCount", 5)
            .put("failedCount", 0);
    JsonObject payload =
        new JsonObject()
            .put("notificationType", "RENEWAL_EXTENSION")
            .put("subtype", "SUMMARY")
            .put("notificationUUID", "0f6a1d8e-8a5b-4a36-9d4b-3f8b8b6f4e10")
            .put("summary", summary)
            .put("version", "2.0")
            .put("signedDate", Instant.now().toEpochMilli());
    WebhookRequest request = apple.request(AppStoreSimulator.body(apple.sign(payload)));
    assertThat(verify(request, credentials()).authentic()).isTrue();
    assertThat(plugin.parse(request, credentials()).isIgnored()).isTrue();
    assertThat(plugin.parse(request, credentials()).reason())
        .startsWith("RENEWAL_EXTENSION: subtype SUMMARY: ");

    JsonObject other = payload.copy().put("summary", summary.copy().put("bundleId", "com.x"));
    assertThat(verifyBody(AppStoreSimulator.body(apple.sign(other))).authentic()).isFalse();
    JsonObject neither = payload.copy();
    neither.remove("summary");
    assertThat(verifyBody(AppStoreSimulator.body(apple.sign(neither))).reason())
        .contains("names no app");
  }

  // ---- freshness and shape ----

  @Test
  void signedDateIsCheckedAgainstTheReceivingTime() {
    Instant signed = valid.receivedAt();
    assertThat(
            verify(valid.receivedAt(signed.plus(AppStorePlugin.MAX_AGE)), credentials())
                .authentic())
        .isTrue();
    Verdict old =
        verify(valid.receivedAt(signed.plus(AppStorePlugin.MAX_AGE).plusMillis(1)), credentials());
    assertThat(old.authentic()).isFalse();
    assertThat(old.reason()).contains("ago");
    assertThat(
            verify(valid.receivedAt(signed.minus(AppStorePlugin.MAX_CLOCK_SKEW)), credentials())
                .authentic())
        .isTrue();
    Verdict future =
        verify(
            valid.receivedAt(signed.minus(AppStorePlugin.MAX_CLOCK_SKEW).minusMillis(1)),
            credentials());
    assertThat(future.authentic()).isFalse();
    assertThat(future.reason()).contains("future");
  }

  @Test
  void bodiesThatAreNotANotificationAreRejectedWithAReason() {
    String jws = new JsonObject(valid.bodyAsString()).getString("signedPayload");
    for (String body :
        List.of(
            new JsonObject().put("signedPayload", 42).encode(),
            new JsonObject().put("payload", jws).encode(),
            new JsonArray().add(jws).encode(),
            new JsonObject().put("signedPayload", jws + "=").encode(),
            new JsonObject().put("signedPayload", jws + ".x").encode(),
            new JsonObject().put("signedPayload", jws.replace('.', ' ')).encode(),
            new JsonObject().put("signedPayload", "x".repeat(70_000)).encode())) {
      Verdict verdict = verify(valid.withBody(Buffer.buffer(body)), credentials());
      assertThat(verdict.authentic()).isFalse();
      assertThat(verdict.reason()).isNotBlank();
    }
    Verdict huge =
        verify(
            valid.withBody(Buffer.buffer(" ".repeat(AppStorePlugin.MAX_BODY) + "{}")),
            credentials());
    assertThat(huge.reason()).contains("bytes");
  }

  @Test
  void aNonCanonicalFinalCharacterOfTheSignatureIsRejected() {
    String jws = new JsonObject(valid.bodyAsString()).getString("signedPayload");
    // 64 signature bytes are 86 base64url characters: the last one carries 4 unused bits.
    char last = jws.charAt(jws.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String tampered = jws.substring(0, jws.length() - 1) + sibling;
    Verdict verdict = verifyBody(AppStoreSimulator.body(tampered));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("canonical");
  }
}
