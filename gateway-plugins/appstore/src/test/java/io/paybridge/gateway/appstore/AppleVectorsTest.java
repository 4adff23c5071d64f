package io.paybridge.gateway.appstore;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.SharedVectors;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Apple's real signed samples from {@code shared/vectors/apple}: the test notification of Apple's
 * own library tests, verified with its test root as the only trust anchor, and a real Apple leaf
 * and WWDR intermediate, validated to the real Apple Root CA - G3. Skipped when the samples are not
 * beside the repository.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppleVectorsTest {

  private static final String APPLE = "apple";

  /**
   * The test notification's {@code signedDate}: the chain is judged, and the delivery received,
   * then.
   */
  private static final Instant SIGNED_DATE = Instant.ofEpochMilli(1681314324000L);

  /** 2025-11-01: the real leaf (valid from 2025-09-19) and intermediate are both valid. */
  private static final Instant REAL_CHAIN_DATE = Instant.ofEpochMilli(1761962975000L);

  private static final Credentials EXAMPLE =
      new Credentials(Map.of("bundleId", "com.example", "environment", "Sandbox"));

  private Vertx vertx;

  @BeforeAll
  void startVertx() {
    vertx = Vertx.vertx();
  }

  /** Skips every test, with the reason, when the samples are not beside the repository. */
  @BeforeEach
  void requireVectors() {
    SharedVectors.dir(APPLE);
  }

  @AfterAll
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private AppStorePlugin pluginTrusting(String fingerprints) {
    AppStorePlugin plugin = new AppStorePlugin();
    await(
        plugin.init(
            new PluginContext(
                vertx,
                Clock.systemUTC(),
                fingerprints == null
                    ? Map.of()
                    : Map.of(AppStorePlugin.TRUST_ANCHOR_SETTING, fingerprints))));
    return plugin;
  }

  /** The published test root, pinned as the only trust anchor (by its key: see below). */
  private AppStorePlugin pluginTrustingTestCa() {
    return pluginTrusting(
        SigningChain.sha256Hex(certificate("test-ca.der").getPublicKey().getEncoded()));
  }

  private static String testNotification() {
    return new String(
        SharedVectors.bytes(APPLE, "test-notification.jws"), StandardCharsets.US_ASCII);
  }

  private static WebhookRequest delivery(String signedPayload) {
    return new WebhookRequest(
        "POST",
        AppStoreSimulator.PATH,
        MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"),
        MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(AppStoreSimulator.body(signedPayload)),
        "17.58.0.12",
        SIGNED_DATE);
  }

  private static X509Certificate certificate(String name) {
    return SharedVectors.certificate(APPLE, name);
  }

  // ---- the test notification ----

  @Test
  void theTestNotificationVerifiesWithTheTestRootAsOnlyAnchorAndDecodes() {
    AppStorePlugin plugin = pluginTrustingTestCa();
    WebhookRequest request = delivery(testNotification());

    Verdict verdict = await(plugin.verify(request, EXAMPLE));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();

    ParsedWebhook parsed = plugin.parse(request, EXAMPLE);
    assertThat(parsed.eventType()).isEqualTo("TEST");
    assertThat(parsed.eventId()).isEqualTo("9ad56bd2-0bc6-42e0-af24-fd996d87a1e6");
    assertThat(parsed.isIgnored()).isTrue();

    var payload = AppStoreSimulator.payloadOf(request.bodyAsString());
    assertThat(payload.getLong("signedDate")).isEqualTo(SIGNED_DATE.toEpochMilli());
    assertThat(payload.getJsonObject("data").getString("bundleId")).isEqualTo("com.example");
    assertThat(payload.getJsonObject("data").getString("environment")).isEqualTo("Sandbox");
    assertThat(payload.getJsonObject("data").getLong("appAppleId")).isEqualTo(1234L);
  }

  @Test
  void theTestNotificationIsNotForAnotherBundleOrEnvironment() {
    AppStorePlugin plugin = pluginTrustingTestCa();
    WebhookRequest request = delivery(testNotification());
    Verdict otherBundle =
        await(
            plugin.verify(
                request,
                new Credentials(Map.of("bundleId", "com.other", "environment", "Sandbox"))));
    assertThat(otherBundle.authentic()).isFalse();
    assertThat(otherBundle.reason()).contains("bundleId");

    Verdict production =
        await(
            plugin.verify(
                request,
                new Credentials(
                    Map.of(
                        "bundleId", "com.example",
                        "environment", "Production",
                        "appAppleId", "1234"))));
    assertThat(production.authentic()).isFalse();
  }

  @Test
  void theTestNotificationDoesNotVerifyAgainstTheProductionRoot() {
    Verdict verdict = await(pluginTrusting(null).verify(delivery(testNotification()), EXAMPLE));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("not a trusted Apple root");
  }

  @Test
  void theTestNotificationsRootIsAReissueOfTheTestCaWithTheSameNameAndKey() throws Exception {
    // Why pins may name a root's key: the published test-ca.der is not byte for byte the x5c[2]
    // the notification carries, yet both are the same CA (same subject, same key).
    X509Certificate testCa = certificate("test-ca.der");
    X509Certificate carried = carriedRoot();
    assertThat(carried.getEncoded()).isNotEqualTo(testCa.getEncoded());
    assertThat(carried.getSubjectX500Principal()).isEqualTo(testCa.getSubjectX500Principal());
    assertThat(carried.getPublicKey()).isEqualTo(testCa.getPublicKey());

    String certificatePin = SigningChain.sha256Hex(testCa.getEncoded());
    assertThat(
            await(pluginTrusting(certificatePin).verify(delivery(testNotification()), EXAMPLE))
                .authentic())
        .as("the published certificate's own fingerprint is not the carried root's")
        .isFalse();
    String carriedPin = SigningChain.sha256Hex(carried.getEncoded());
    assertThat(
            await(pluginTrusting(carriedPin).verify(delivery(testNotification()), EXAMPLE))
                .authentic())
        .isTrue();
  }

  @Test
  void everySingleChangedCharacterOfTheTestNotificationIsRejected() {
    AppStorePlugin plugin = pluginTrustingTestCa();
    String jws = testNotification();
    for (int i = 0; i < jws.length(); i++) {
      char[] chars = jws.toCharArray();
      chars[i] = chars[i] == 'A' ? 'B' : 'A';
      Verdict verdict = await(plugin.verify(delivery(new String(chars)), EXAMPLE));
      assertThat(verdict.authentic()).as("character %d changed", i).isFalse();
    }
  }

  @Test
  void everyFlippedBitOfTheTestNotificationBodyIsRejected() {
    AppStorePlugin plugin = pluginTrustingTestCa();
    byte[] body = AppStoreSimulator.body(testNotification()).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < body.length; i++) {
      byte[] tampered = body.clone();
      tampered[i] ^= 0x01;
      WebhookRequest request = delivery(testNotification()).withBody(Buffer.buffer(tampered));
      assertThat(await(plugin.verify(request, EXAMPLE)).authentic())
          .as("body byte %d flipped", i)
          .isFalse();
    }
  }

  @Test
  void theTestChainIsJudgedAtSignedDate() throws Exception {
    AppleCertificateChain testRoot =
        new AppleCertificateChain(
            List.of(
                SigningChain.sha256Hex(certificate("test-ca.der").getPublicKey().getEncoded())));
    List<X509Certificate> x5c = carriedChain();
    assertThat(testRoot.validate(x5c, SIGNED_DATE)).isNotNull();
    assertThatThrownBy(() -> testRoot.validate(x5c, Instant.parse("2022-12-01T00:00:00Z")))
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("does not validate");
    assertThatThrownBy(() -> testRoot.validate(x5c, Instant.parse("2033-06-01T00:00:00Z")))
        .isInstanceOf(SignedDataException.class);
  }

  private static X509Certificate carriedRoot() {
    return carriedChain().get(2);
  }

  private static List<X509Certificate> carriedChain() {
    var header =
        new io.vertx.core.json.JsonObject(
            Buffer.buffer(
                java.util.Base64.getUrlDecoder()
                    .decode(testNotification().substring(0, testNotification().indexOf('.')))));
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new java.util.ArrayList<>();
      for (Object text : header.getJsonArray("x5c")) {
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(
                    new ByteArrayInputStream(java.util.Base64.getDecoder().decode((String) text))));
      }
      return certificates;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---- the real Apple chain ----

  private List<X509Certificate> realChain() {
    return List.of(
        certificate("apple-prod-signing-leaf.der"),
        certificate("apple-wwdr-g6-intermediate.der"),
        certificate("apple-root-ca-g3.der"));
  }

  @Test
  void thePinnedFingerprintIsAppleRootCaG3() {
    X509Certificate root = certificate("apple-root-ca-g3.der");
    assertThat(root.getSubjectX500Principal().getName())
        .isEqualTo("C=US,O=Apple Inc.,OU=Apple Certification Authority,CN=Apple Root CA - G3");
    assertThat(SigningChain.sha256Hex(SharedVectors.bytes(APPLE, "apple-root-ca-g3.der")))
        .isEqualTo(AppStorePlugin.APPLE_ROOT_CA_G3_SHA256);
  }

  @Test
  void theRealAppleChainValidatesToG3AtTheGivenDateAndCarriesBothOids() throws Exception {
    List<X509Certificate> chain = realChain();
    assertThat(chain.get(0).getExtensionValue(AppleCertificateChain.LEAF_OID)).isNotNull();
    assertThat(chain.get(1).getExtensionValue(AppleCertificateChain.INTERMEDIATE_OID)).isNotNull();

    PublicKey leafKey = AppleCertificateChain.appleRoot().validate(chain, REAL_CHAIN_DATE);
    assertThat(leafKey).isEqualTo(chain.get(0).getPublicKey());
  }

  @Test
  void theRealChainFailsOutsideItsValidity() {
    AppleCertificateChain g3 = AppleCertificateChain.appleRoot();
    assertThatThrownBy(() -> g3.validate(realChain(), Instant.parse("2025-09-01T00:00:00Z")))
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("leaf");
    assertThatThrownBy(() -> g3.validate(realChain(), Instant.parse("2027-11-01T00:00:00Z")))
        .isInstanceOf(SignedDataException.class);
  }

  @Test
  void theRealChainFailsWithSwappedRolesOrAWrongRoot() {
    AppleCertificateChain g3 = AppleCertificateChain.appleRoot();
    List<X509Certificate> real = realChain();
    X509Certificate leaf = real.get(0);
    X509Certificate intermediate = real.get(1);
    X509Certificate root = real.get(2);
    X509Certificate testCa = certificate("test-ca.der");

    assertThatThrownBy(() -> g3.validate(List.of(intermediate, leaf, root), REAL_CHAIN_DATE))
        .as("leaf and intermediate swapped: the OIDs are in the wrong places")
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("1.2.840.113635.100.6.11.1");
    assertThatThrownBy(() -> g3.validate(List.of(leaf, root, root), REAL_CHAIN_DATE))
        .as("the root in the intermediate's place")
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("1.2.840.113635.100.6.2.1");
    assertThatThrownBy(() -> g3.validate(List.of(leaf, intermediate, testCa), REAL_CHAIN_DATE))
        .as("an unpinned root")
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("not a trusted Apple root");

    AppleCertificateChain testRoot =
        new AppleCertificateChain(
            List.of(SigningChain.sha256Hex(testCa.getPublicKey().getEncoded())));
    assertThatThrownBy(() -> testRoot.validate(real, REAL_CHAIN_DATE))
        .as("G3 is not trusted when the setting replaces it")
        .isInstanceOf(SignedDataException.class);
    assertThatThrownBy(
            () -> testRoot.validate(List.of(leaf, intermediate, testCa), REAL_CHAIN_DATE))
        .as("pinned, but not the root that issued the intermediate")
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("does not validate");
    assertThatThrownBy(() -> g3.validate(List.of(leaf, intermediate), REAL_CHAIN_DATE))
        .isInstanceOf(SignedDataException.class)
        .hasMessageContaining("exactly 3");
  }
}
