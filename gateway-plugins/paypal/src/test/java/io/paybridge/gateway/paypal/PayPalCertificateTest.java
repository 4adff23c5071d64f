package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate side of verification: which URLs may be fetched, how the test-only fetch base
 * rewrites them, the cache, and how a bundle is judged (name, validity at the transmission time,
 * chain to the anchors).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalCertificateTest {

  private static final String SANDBOX_NAME = "messageverificationcerts.sandbox.paypal.com";

  private Vertx vertx;
  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private Credentials account;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), paypal.pluginSettings())));
    account = paypal.credentials();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  private String body() {
    return paypal.captureCompleted(
        PayPalSimulator.newEventId(),
        PayPalSimulator.newResourceId(),
        "12.00",
        "USD",
        "0.65",
        "user-9");
  }

  /** A delivery signed with {@code signer}'s key whose certificate URL serves {@code bundle}. */
  private WebhookRequest signedWith(
      PayPalTestPki.Issued signer, Instant at, X509Certificate... bundle) {
    String path = "/v1/notifications/certs/CERT-" + UUID.randomUUID();
    paypal.serveCertificates(path, PayPalTestPki.pem(bundle));
    String body = body();
    MultiMap headers =
        paypal.headers(
            body, UUID.randomUUID().toString(), at, paypal.certUrlFor(path), signer.privateKey());
    return paypal.request(body, headers, at.plusSeconds(1));
  }

  private Verdict verify(WebhookRequest request) {
    return await(plugin.verify(request, account));
  }

  // ---- the URL policy

  @Test
  void paypalHostsOverHttpsOnTheDefaultPortAreAllowed() {
    for (String url :
        List.of(
            "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
            "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
            "https://API.PayPal.com:443/v1/notifications/certs/CERT-1",
            "HTTPS://api.paypal.com/v1/notifications/certs/CERT-1")) {
      assertThat(PayPalCertUrl.check(url)).as(url).isNotNull();
    }
  }

  @Test
  void everythingElseIsRefusedWithAReason() {
    List<String> refused =
        List.of(
            "",
            " ",
            "api.paypal.com/v1/notifications/certs/CERT-1",
            "http://api.paypal.com/v1/notifications/certs/CERT-1",
            "ftp://api.paypal.com/cert",
            "file:///etc/passwd",
            "https:api.paypal.com/cert",
            "https://api.paypal.com.evil.example/cert",
            "https://evilpaypal.com/cert",
            "https://paypal.co/cert",
            "https://paypal.com./cert",
            "https://api..paypal.com/cert",
            "https://-api.paypal.com/cert",
            "https://api.paypal.com@evil.example/cert",
            "https://user:pass@api.paypal.com/cert",
            "https://user@api.paypal.com/cert",
            "https://api.paypal.com:8443/cert",
            "https://api.paypal.com:80/cert",
            "https://api.paypal.com:/cert",
            "https://evil.example/?https://api.paypal.com/cert",
            "https://evil.example/#.paypal.com",
            "https://api.paypal.com/cert#fragment",
            "https://api.paypal.com\\@evil.example/cert",
            "https://api%2epaypal.com/cert",
            "https://127.0.0.1/cert",
            "https://[::1]/cert",
            "https://169.254.169.254/latest/meta-data",
            "https://paypal.com/cert.pem",
            "https://api.paypal.com/v1/notifications/certs/CERT-1?version=2",
            "https://api.paypal.com/v1/notifications/certs/CERT-1?",
            "https://api.paypal.com/v1/notifications/certs/",
            "https://api.paypal.com/v1/notifications/certs/CERT-1/../../../oauth2/token",
            "https://api.paypal.com/v1/notifications/certs/CERT%2D1",
            "https://api.paypal.com/v2/notifications/certs/CERT-1",
            "https://api.paypal.com/" + "a".repeat(PayPalCertUrl.MAX_LENGTH));
    for (String url : refused) {
      assertThatThrownBy(() -> PayPalCertUrl.check(url))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PAYPAL-CERT-URL");
    }
    assertThatThrownBy(() -> PayPalCertUrl.check(null)).hasMessageContaining("no PAYPAL-CERT-URL");
  }

  @Test
  void theFetchBaseRewritesOnlyWhereAnAllowedUrlIsFetchedFrom() {
    URI allowed = PayPalCertUrl.check("https://api.paypal.com/v1/notifications/certs/CERT-1");
    assertThat(PayPalCertUrl.fetchUrl(allowed, null))
        .isEqualTo("https://api.paypal.com/v1/notifications/certs/CERT-1");
    assertThat(PayPalCertUrl.fetchUrl(allowed, "http://127.0.0.1:9000/"))
        .isEqualTo("http://127.0.0.1:9000/v1/notifications/certs/CERT-1");
  }

  @Test
  void aRefusedUrlIsNeverFetchedEvenWhenItPointsAtTheSimulator() {
    paypal.clearCalls();
    WebhookRequest valid = paypal.request(body(), Instant.now());
    String local = paypal.baseUrl() + paypal.certPath();
    for (String url :
        List.of(
            local,
            local.replace("http://", "https://"),
            "https://api.paypal.com@" + local.substring(7))) {
      Verdict verdict = verify(valid.withHeader(PayPalPlugin.CERT_URL_HEADER, url));
      assertThat(verdict.authentic()).as(url).isFalse();
      assertThat(verdict.reason()).as(url).contains("PAYPAL-CERT-URL");
    }
    assertThat(paypal.calls()).isEmpty();
  }

  // ---- judging the bundle

  @Test
  void aLeafAndIntermediateChainingToTheAnchorVerify() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    PayPalTestPki.Issued leaf =
        PayPalTestPki.leaf(
            paypal.intermediate(),
            SANDBOX_NAME,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(30)));
    Verdict verdict =
        verify(signedWith(leaf, now, leaf.certificate(), paypal.intermediate().certificate()));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
  }

  @Test
  void aBundleWithoutItsIntermediateDoesNotChain() {
    Instant now = Instant.now();
    Verdict verdict = verify(signedWith(paypal.signer(), now, paypal.signer().certificate()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("does not chain to a trusted root");
  }

  @Test
  void aLeafServedAloneChainsThroughConfiguredIntermediates(@TempDir Path dir) throws Exception {
    // GIVEN PayPal serving only its leaf, and the issuing CA configured as an intermediate
    Path intermediates = dir.resolve("paypal-intermediates.pem");
    Files.writeString(intermediates, PayPalTestPki.pem(paypal.intermediate().certificate()));
    PayPalPlugin completed = new PayPalPlugin(List.of(paypal.trustAnchor()));
    Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
    settings.put(PayPalPlugin.CERT_INTERMEDIATES_SETTING, intermediates.toString());
    await(completed.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    WebhookRequest leafOnly =
        signedWith(paypal.signer(), Instant.now(), paypal.signer().certificate());

    // THEN the chain completes there, while the plain plugin cannot build it
    Verdict verdict = await(completed.verify(leafOnly, account));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    assertThat(verify(leafOnly).authentic()).isFalse();

    // AND an intermediate is never an anchor: one from another root does not help
    PayPalTestPki.Issued otherRoot =
        PayPalTestPki.rootCa(
            "Other Root",
            Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)));
    Files.writeString(intermediates, PayPalTestPki.pem(otherRoot.certificate()));
    PayPalPlugin misconfigured = new PayPalPlugin(List.of(paypal.trustAnchor()));
    await(misconfigured.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    assertThat(await(misconfigured.verify(leafOnly, account)).authentic()).isFalse();
  }

  @Test
  void anIntermediatesFileThatIsMissingOrHoldsNoCertificateFailsInit(@TempDir Path dir)
      throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificates here");
    for (Path file : List.of(empty, dir.resolve("missing.pem"))) {
      Future<Void> init =
          new PayPalPlugin()
              .init(
                  new PluginContext(
                      vertx,
                      Clock.systemUTC(),
                      Map.of(PayPalPlugin.CERT_INTERMEDIATES_SETTING, file.toString())));
      assertThat(init.toCompletionStage().toCompletableFuture())
          .as(file.toString())
          .failsWithin(Duration.ofSeconds(10));
    }
  }

  @Test
  void aChainToAnotherRootIsNotTrusted() {
    Instant now = Instant.now();
    PayPalTestPki.Issued otherRoot =
        PayPalTestPki.rootCa(
            "Other Root", now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(10)));
    PayPalTestPki.Issued otherIntermediate =
        PayPalTestPki.intermediateCa(
            otherRoot,
            "Other Signing CA",
            now.minus(Duration.ofDays(10)),
            now.plus(Duration.ofDays(10)));
    PayPalTestPki.Issued leaf =
        PayPalTestPki.leaf(
            otherIntermediate,
            SANDBOX_NAME,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(1)));
    Verdict verdict =
        verify(
            signedWith(
                leaf,
                now,
                leaf.certificate(),
                otherIntermediate.certificate(),
                otherRoot.certificate()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("does not chain to a trusted root");
  }

  @Test
  void aSelfSignedLeafWithTheRightNameIsNotTrusted() {
    Instant now = Instant.now();
    PayPalTestPki.Issued forged =
        PayPalTestPki.selfSignedLeaf(
            SANDBOX_NAME, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
    Verdict verdict = verify(signedWith(forged, now, forged.certificate()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("does not chain");
  }

  @Test
  void aLeafIssuedByAnotherLeafIsNotTrusted() {
    Instant now = Instant.now();
    PayPalTestPki.Issued leaf =
        PayPalTestPki.leaf(
            paypal.signer(),
            SANDBOX_NAME,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(1)));
    Verdict verdict =
        verify(
            signedWith(
                leaf,
                now,
                leaf.certificate(),
                paypal.signer().certificate(),
                paypal.intermediate().certificate()));
    assertThat(verdict.authentic()).isFalse();
  }

  @Test
  void aWellChainedLeafWithAnotherNameIsRefused() {
    Instant now = Instant.now();
    for (String name :
        List.of(
            "messageverificationcerts.paypal.com",
            "www.paypal.com",
            "messageverificationcerts.sandbox.paypal.com.evil.example")) {
      PayPalTestPki.Issued leaf =
          PayPalTestPki.leaf(
              paypal.intermediate(),
              name,
              now.minus(Duration.ofDays(1)),
              now.plus(Duration.ofDays(1)));
      Verdict verdict =
          verify(signedWith(leaf, now, leaf.certificate(), paypal.intermediate().certificate()));
      assertThat(verdict.authentic()).as(name).isFalse();
      assertThat(verdict.reason()).as(name).contains("not " + SANDBOX_NAME);
    }
  }

  @Test
  void validityIsJudgedAtTheTransmissionTime() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant lastYear = now.minus(Duration.ofDays(300));
    PayPalTestPki.Issued expiredSince =
        PayPalTestPki.leaf(
            paypal.intermediate(),
            SANDBOX_NAME,
            lastYear.minus(Duration.ofDays(10)),
            lastYear.plus(Duration.ofDays(10)));
    X509Certificate intermediate = paypal.intermediate().certificate();

    Verdict retriedOld =
        verify(signedWith(expiredSince, lastYear, expiredSince.certificate(), intermediate));
    assertThat(retriedOld.authentic())
        .as("valid when transmitted, expired now: %s", retriedOld.reason())
        .isTrue();

    Verdict signedAfterExpiry =
        verify(signedWith(expiredSince, now, expiredSince.certificate(), intermediate));
    assertThat(signedAfterExpiry.authentic()).isFalse();
    assertThat(signedAfterExpiry.reason()).contains("expired");

    Verdict signedBeforeIssue =
        verify(
            signedWith(
                expiredSince,
                lastYear.minus(Duration.ofDays(20)),
                expiredSince.certificate(),
                intermediate));
    assertThat(signedBeforeIssue.authentic()).isFalse();
    assertThat(signedBeforeIssue.reason()).contains("not yet valid");
  }

  @Test
  void anIntermediateExpiredAtTheTransmissionTimeBreaksTheChain() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    PayPalTestPki.Issued shortLived =
        PayPalTestPki.intermediateCa(
            paypal.root(),
            "Short-lived CA",
            now.minus(Duration.ofDays(20)),
            now.minus(Duration.ofDays(1)));
    PayPalTestPki.Issued leaf =
        PayPalTestPki.leaf(
            shortLived,
            SANDBOX_NAME,
            now.minus(Duration.ofDays(10)),
            now.plus(Duration.ofDays(10)));
    Verdict verdict = verify(signedWith(leaf, now, leaf.certificate(), shortLived.certificate()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("does not chain");
  }

  @Test
  void weakOrNonRsaKeysAreRefused() {
    Instant now = Instant.now();
    PayPalTestPki.Issued weak =
        PayPalTestPki.leaf(
            paypal.intermediate(),
            SANDBOX_NAME,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(1)),
            PayPalTestPki.rsa(1024));
    Verdict verdict =
        verify(signedWith(weak, now, weak.certificate(), paypal.intermediate().certificate()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("2048");
  }

  @Test
  void aUrlServingSomethingElseIsRefused() {
    WebhookRequest valid = paypal.request(body(), Instant.now());
    for (String served : List.of("", "not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n")) {
      String path = "/v1/notifications/certs/CERT-" + UUID.randomUUID();
      paypal.serveCertificates(path, served);
      Verdict verdict =
          verify(valid.withHeader(PayPalPlugin.CERT_URL_HEADER, paypal.certUrlFor(path)));
      assertThat(verdict.authentic()).as(served).isFalse();
      assertThat(verdict.reason()).contains("could not be obtained");
    }
  }

  @Test
  void pinningTheLeafItselfAsAnchorTrustsIt() {
    Instant now = Instant.now();
    X509Certificate leaf = paypal.signer().certificate();
    assertThat(
            PayPalCertificates.checkChain(
                List.of(leaf), List.of(), Set.of(new TrustAnchor(leaf, null)), now))
        .isNull();
    assertThat(PayPalCertificates.checkChain(List.of(leaf), List.of(), Set.of(), now))
        .contains("no trust anchors");
  }

  // ---- the cache

  @Test
  void bundlesAreCachedPerUrlUntilTheyExpireAndTheCacheIsBounded() {
    ManualClock clock = new ManualClock();
    PayPalCertificates certificates =
        new PayPalCertificates(
            new GatewayHttp(vertx, "paypal"),
            paypal.baseUrl(),
            5_000,
            clock,
            2,
            Duration.ofHours(1));
    URI url = PayPalCertUrl.check(paypal.certUrl());
    paypal.clearCalls();

    List<X509Certificate> first = await(certificates.bundle(url));
    assertThat(first).hasSize(2);
    assertThat(first.get(0)).isEqualTo(paypal.signer().certificate());
    await(certificates.bundle(url));
    assertThat(paypal.calls(HttpMethod.GET, paypal.certPath())).hasSize(1);

    clock.advance(Duration.ofMinutes(61));
    await(certificates.bundle(url));
    assertThat(paypal.calls(HttpMethod.GET, paypal.certPath()))
        .as("refetched after expiry")
        .hasSize(2);

    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String path = "/v1/notifications/certs/CERT-bound-" + i;
      paypal.serveCertificates(path, PayPalTestPki.pem(paypal.signer().certificate()));
      paths.add(path);
      await(certificates.bundle(PayPalCertUrl.check(paypal.certUrlFor(path))));
    }
    assertThat(certificates.size()).isEqualTo(2);
  }

  @Test
  void concurrentDeliveriesShareOneFetchAndAFailureIsKeptBriefly() {
    ManualClock clock = new ManualClock();
    PayPalCertificates certificates =
        new PayPalCertificates(
            new GatewayHttp(vertx, "paypal"),
            paypal.baseUrl(),
            5_000,
            clock,
            PayPalCertificates.DEFAULT_MAX_ENTRIES,
            PayPalCertificates.DEFAULT_TIME_TO_LIVE);
    URI url = PayPalCertUrl.check(paypal.certUrl());
    paypal.clearCalls();
    List<Future<List<X509Certificate>>> together = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      together.add(certificates.bundle(url));
    }
    await(Future.all(together));
    assertThat(paypal.calls(HttpMethod.GET, paypal.certPath())).hasSize(1);

    // A URL that fails answers from the failure for a while: a flood costs one fetch
    String path = "/v1/notifications/certs/CERT-flaky";
    paypal.serveCertificates(path, PayPalTestPki.pem(paypal.signer().certificate()));
    paypal.failNext(HttpMethod.GET, path, 503, "{}");
    URI flaky = PayPalCertUrl.check(paypal.certUrlFor(path));
    for (int i = 0; i < 5; i++) {
      assertThat(certificates.bundle(flaky).toCompletionStage().toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10));
    }
    assertThat(paypal.calls(HttpMethod.GET, path)).hasSize(1);
    // then it is fetched again
    clock.advance(PayPalCertificates.FAILURE_TIME_TO_LIVE.plusSeconds(1));
    assertThat(await(certificates.bundle(flaky))).hasSize(1);
    assertThat(paypal.calls(HttpMethod.GET, path)).hasSize(2);
  }

  @Test
  void commonNamesAreReadFromTheSubject() throws Exception {
    assertThat(PayPalCertificates.commonNames(paypal.signer().certificate()))
        .containsExactly(SANDBOX_NAME);
    assertThat(
            PayPalCertificates.parse(
                Buffer.buffer(
                    PayPalTestPki.pem(
                        paypal.signer().certificate(), paypal.intermediate().certificate()))))
        .hasSize(2);
  }
}
