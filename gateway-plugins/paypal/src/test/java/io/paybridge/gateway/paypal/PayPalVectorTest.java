package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.SharedVectors;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PayPal's own published sample delivery (from its SDK's test suite, see {@code
 * shared/vectors/README.md}): a sandbox {@code BILLING.PLAN.CREATED} event signed in March 2017.
 *
 * <p>How trust is established: the vector ships only the leaf certificate, without the DigiCert
 * intermediate that chains it to a root in the JDK's trust store, so the test injects the leaf
 * itself as the plugin's one trust anchor (pinning it) and serves it from a local fake through the
 * {@code paypal.cert.fetch.base} setting, under a paypal.com URL as PayPal would name it. Validity
 * is judged at the transmission time (2017-03-30T20:04:05Z, inside the certificate's 2017-02-18 to
 * 2019-04-26 window); the delivery is received one second later, inside the freshness window
 * (received now, years later, it is stale).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalVectorTest {

  private static final String TRANSMISSION_ID = "071f7d20-1584-11e7-abf0-6b62a8a99ac4";
  private static final String TRANSMISSION_TIME = "2017-03-30T20:04:05Z";
  private static final String WEBHOOK_ID = "96605875FF6516633";
  private static final String SIGNATURE =
      "aBjgm5/xljRYu3G64Q0axISrP2xcy7WbW1u4UTCKnQvyprOZ1a1BBmqn2Jdr6ce8E76I3Ti/AL9y4VYSHyGSEaoE6dVQ"
          + "cCDebLbOXLH0fjTAbTc1/rmfdWmsk0DPltW84Y8W8jOHe3CLWDOwg5zmozyt+AceG2x5eOiw7mLSycaEoj/5RG+d"
          + "OIWXnmWcLEArbG3VFshy0wuhZrKuGa9C/bD4Ku+Y9gK7Bv5I5IuGRVnTGpcFnVG0KxOyJxccLGyBVCIUMY5IZS7L"
          + "kmJszQ3HZZFDTNihvgJHECSLwLhzUaysIye5G6CbbLdtAmeeb6wiDciEAvr2dFf+SplOR4Lrng==";
  private static final String CERT_PATH = "/v1/notifications/certs/CERT-360caa42-fca2a594-vector";
  private static final String CERT_URL = "https://api.sandbox.paypal.com" + CERT_PATH;

  private final PayPalSimulator paypal = new PayPalSimulator(PayPalSimulator.SANDBOX);
  private Vertx vertx;
  private byte[] body;
  private X509Certificate certificate;
  private PayPalPlugin pinned;
  private Map<String, String> settings;

  /** Skips every test, with the reason, when the samples are not beside the repository. */
  @BeforeAll
  void setUp() throws Exception {
    Path dir = SharedVectors.dir("paypal");
    body = Files.readAllBytes(dir.resolve("body.json"));
    String pem = Files.readString(dir.resolve("sandbox-cert.crt"), StandardCharsets.US_ASCII);
    certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    vertx = Vertx.vertx();
    paypal.start(vertx).await();
    paypal.serveCertificates(CERT_PATH, pem);
    settings = Map.of(PayPalPlugin.CERT_FETCH_BASE_SETTING, paypal.baseUrl());
    pinned = new PayPalPlugin(List.of(certificate));
    await(pinned.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
  }

  @AfterAll
  void tearDown() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** How often the plugin fetched the vector's signing certificate. */
  private int certificateFetches() {
    return paypal.calls("GET", CERT_PATH).size();
  }

  private static Credentials sandboxAccount(String webhookId) {
    return new PayPalPlugin()
        .validateCredentials(
            new JsonObject()
                .put("clientId", "AVectorTestClientId0123456789abcdef")
                .put("clientSecret", "EVectorTestClientSecret0123456789abc")
                .put("webhookId", webhookId)
                .put("environment", "sandbox"));
  }

  private WebhookRequest delivery(byte[] bytes, String signature) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json")
            .add(PayPalPlugin.TRANSMISSION_ID_HEADER, TRANSMISSION_ID)
            .add(PayPalPlugin.TRANSMISSION_TIME_HEADER, TRANSMISSION_TIME)
            .add(PayPalPlugin.AUTH_ALGO_HEADER, "SHA256withRSA")
            .add(PayPalPlugin.CERT_URL_HEADER, CERT_URL)
            .add(PayPalPlugin.TRANSMISSION_SIG_HEADER, signature);
    return new WebhookRequest(
        "POST",
        "/hooks/test/paypal",
        headers,
        MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(bytes),
        "173.0.82.126",
        Instant.parse(TRANSMISSION_TIME).plusSeconds(1));
  }

  private Verdict verify(PayPalPlugin plugin, WebhookRequest request, Credentials account) {
    return await(plugin.verify(request, account));
  }

  @Test
  void theSignedStringIsTheOneTheReadmeGives() {
    assertThat(PayPalTransmission.crc32(body)).isEqualTo(3494065244L);
    PayPalTransmission transmission = PayPalTransmission.read(delivery(body, SIGNATURE));
    assertThat(new String(transmission.signedBytes(WEBHOOK_ID, body), StandardCharsets.UTF_8))
        .isEqualTo(
            "071f7d20-1584-11e7-abf0-6b62a8a99ac4|2017-03-30T20:04:05Z|96605875FF6516633|3494065244");
  }

  @Test
  void theRealDeliveryIsAuthenticAndItsPlanEventIsIgnored() {
    WebhookRequest request = delivery(body, SIGNATURE);
    Verdict verdict = verify(pinned, request, sandboxAccount(WEBHOOK_ID));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();

    assertThat(verdict.signedDeliveryId())
        .as("accepted under PayPal's transmission id, with this body only")
        .isEqualTo(TRANSMISSION_ID);

    ParsedWebhook parsed = pinned.parse(request, sandboxAccount(WEBHOOK_ID));
    assertThat(parsed.eventId()).isEqualTo("WH-2MW4820926242972J-6SG447389E205703U");
    assertThat(parsed.eventType()).isEqualTo("BILLING.PLAN.CREATED");
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason()).isEqualTo("A billing plan change moves no money.");
    assertThat(await(pinned.resolve(request, parsed, sandboxAccount(WEBHOOK_ID))))
        .as("a type that never books needs no call to PayPal's API")
        .isEqualTo(parsed);
  }

  @Test
  void receivedAfterPayPalsRetriesWouldHaveEndedTheRealDeliveryIsStale() {
    Instant transmitted = Instant.parse(TRANSMISSION_TIME);
    WebhookRequest lastRetry =
        delivery(body, SIGNATURE).receivedAt(transmitted.plus(PayPalPlugin.DEFAULT_MAX_AGE));
    assertThat(verify(pinned, lastRetry, sandboxAccount(WEBHOOK_ID)).authentic()).isTrue();

    for (Instant late :
        List.of(transmitted.plus(PayPalPlugin.DEFAULT_MAX_AGE).plusSeconds(1), Instant.now())) {
      Verdict verdict =
          verify(pinned, delivery(body, SIGNATURE).receivedAt(late), sandboxAccount(WEBHOOK_ID));
      assertThat(verdict.authentic()).as("received at %s", late).isFalse();
      assertThat(verdict.reason())
          .contains("PAYPAL-TRANSMISSION-TIME 2017-03-30T20:04:05Z")
          .contains("before the delivery was received");
    }
  }

  @Test
  void everyFlippedBodyByteIsRejected() {
    Credentials account = sandboxAccount(WEBHOOK_ID);
    for (int i = 0; i < body.length; i++) {
      byte[] tampered = body.clone();
      tampered[i] ^= 0x01;
      assertThat(verify(pinned, delivery(tampered, SIGNATURE), account).authentic())
          .as("body byte %d flipped", i)
          .isFalse();
    }
  }

  @Test
  void everyChangedSignatureCharacterIsRejected() {
    Credentials account = sandboxAccount(WEBHOOK_ID);
    for (int i = 0; i < SIGNATURE.length(); i++) {
      char[] chars = SIGNATURE.toCharArray();
      chars[i] = chars[i] == 'a' ? 'b' : (char) (chars[i] ^ 0x01);
      assertThat(verify(pinned, delivery(body, new String(chars)), account).authentic())
          .as("signature character %d changed", i)
          .isFalse();
    }
  }

  @Test
  void anotherWebhookIdOrALiveAccountDoesNotVerifyIt() {
    WebhookRequest request = delivery(body, SIGNATURE);
    assertThat(verify(pinned, request, sandboxAccount("1JE4291016473214C")).authentic()).isFalse();

    Credentials live =
        new PayPalPlugin()
            .validateCredentials(
                new JsonObject()
                    .put("clientId", "AOtherClientId0123456789abcdef")
                    .put("clientSecret", "EOtherClientSecret0123456789abc")
                    .put("webhookId", WEBHOOK_ID)
                    .put("environment", "live"));
    Verdict verdict = verify(pinned, request, live);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("messageverificationcerts.sandbox.paypal.com");
  }

  @Test
  void theCertificateIsFetchedOnceAndCached() {
    WebhookRequest request = delivery(body, SIGNATURE);
    verify(pinned, request, sandboxAccount(WEBHOOK_ID));
    int before = certificateFetches();
    for (int i = 0; i < 5; i++) {
      assertThat(verify(pinned, request, sandboxAccount(WEBHOOK_ID)).authentic()).isTrue();
    }
    assertThat(certificateFetches()).isEqualTo(before).isGreaterThanOrEqualTo(1);
  }

  @Test
  void withTheJdkTrustStoreTheBareLeafDoesNotChainWithoutItsIntermediate() {
    PayPalPlugin jdkTrust = new PayPalPlugin();
    await(jdkTrust.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    Verdict verdict = verify(jdkTrust, delivery(body, SIGNATURE), sandboxAccount(WEBHOOK_ID));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("does not chain to a trusted root");
  }

  @Test
  void theCertificateIsJudgedAtTheTransmissionTimeNotNow() {
    Instant transmitted = Instant.parse(TRANSMISSION_TIME);
    assertThat(certificate.getNotAfter().toInstant()).isBefore(Instant.now());
    assertThat(
            PayPalCertificates.checkLeaf(
                certificate, "messageverificationcerts.sandbox.paypal.com", transmitted))
        .isNull();
    assertThat(
            PayPalCertificates.checkLeaf(
                certificate,
                "messageverificationcerts.sandbox.paypal.com",
                Instant.parse("2019-04-27T00:00:00Z")))
        .contains("expired");
    assertThat(
            PayPalCertificates.checkLeaf(
                certificate,
                "messageverificationcerts.sandbox.paypal.com",
                Instant.parse("2017-02-17T00:00:00Z")))
        .contains("not yet valid");
  }
}
