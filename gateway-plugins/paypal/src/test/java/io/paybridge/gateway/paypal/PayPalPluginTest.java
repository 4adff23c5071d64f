package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) against deliveries the simulator signs as PayPal does, and
 * the details of PayPal's scheme: the signed string, the algorithm header, the webhook id, the
 * environment's certificate name and the account's credentials.
 */
class PayPalPluginTest extends GatewayPluginTestKit {

  private static final Instant SENT_AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final Vertx simulatorVertx = Vertx.vertx();
  private final PayPalSimulator paypal =
      new PayPalSimulator(PayPalSimulator.SANDBOX).start(simulatorVertx).await();
  private final PayPalPlugin plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
  private final WebhookRequest valid =
      paypal.request(
          paypal.captureCompleted("WH-KIT", "5O190127TN364715T", "25.00", "USD", "1.03", "user-1"),
          SENT_AT);

  @AfterAll
  void stopSimulator() {
    simulatorVertx.close().await();
  }

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Map<String, String> pluginSettings() {
    return paypal.pluginSettings();
  }

  @Override
  protected Credentials credentials() {
    return paypal.credentials();
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return plugin.validateCredentials(
        paypal.credentialsJson().put(PayPalPlugin.WEBHOOK_ID, "1JE4291016473214C"));
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    JsonObject order = new JsonObject().put("id", "5O190127TN364715T").put("status", "APPROVED");
    return paypal.request(
        paypal.event(
            "WH-UNKNOWN",
            "CHECKOUT.ORDER.APPROVED",
            "checkout-order",
            "2.0",
            "An order has been approved by buyer",
            order),
        SENT_AT);
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    JsonObject capture =
        new JsonObject()
            .put("id", "5O190127TN364715T")
            .put("amount", new JsonObject().put("currency_code", "USD").put("value", "ten"))
            .put("status", "COMPLETED");
    return paypal.request(
        paypal.event(
            "WH-BAD", "PAYMENT.CAPTURE.COMPLETED", "capture", "2.0", "Payment completed", capture),
        SENT_AT);
  }

  /** PayPal's retries of one transmission span three days; the window allows four. */
  @Override
  protected Optional<Duration> timestampTolerance() {
    return Optional.of(PayPalPlugin.DEFAULT_MAX_AGE);
  }

  /** The signed headers; the certificate URL is not signed and has tests of its own. */
  @Override
  protected List<String> signatureHeaders() {
    return List.of(
        PayPalPlugin.TRANSMISSION_SIG_HEADER,
        PayPalPlugin.TRANSMISSION_ID_HEADER,
        PayPalPlugin.TRANSMISSION_TIME_HEADER,
        PayPalPlugin.AUTH_ALGO_HEADER);
  }

  private Verdict verifyWith(String header, String value) {
    return verify(valid.withHeader(header, value), credentials());
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(PayPalPlugin.class);
              assertThat(p.id()).isEqualTo("paypal");
              assertThat(p.displayName()).isEqualTo("PayPal");
            });
  }

  @Test
  void credentialSchemaNamesTheAppTheWebhookTheEnvironmentAndTheReferenceField() {
    List<CredentialField> fields = plugin.credentialSchema().fields();
    assertThat(fields)
        .extracting(CredentialField::name)
        .containsExactly("clientId", "clientSecret", "webhookId", "environment", "customerRefKey");
    assertThat(fields)
        .extracting(CredentialField::secret)
        .containsExactly(false, true, false, false, false);
    assertThat(fields)
        .extracting(CredentialField::required)
        .containsExactly(true, true, true, false, false);
    CredentialField environment = plugin.credentialSchema().field("environment").orElseThrow();
    assertThat(environment.allowedValues()).containsExactly("sandbox", "live");
    assertThat(environment.defaultValue()).isEqualTo("live");
    assertThat(plugin.credentialSchema().field("customerRefKey").orElseThrow().defaultValue())
        .isEqualTo("custom_id");

    Credentials saved =
        plugin.validateCredentials(
            new JsonObject()
                .put("clientId", "AZ1ClientIdOfTheRestApp0123456789")
                .put("clientSecret", "EB2SecretOfTheRestApp0123456789")
                .put("webhookId", "96605875FF6516633"));
    assertThat(saved.get("environment")).isEqualTo("live");
    assertThat(saved.get("customerRefKey")).isEqualTo("custom_id");
    assertThatThrownBy(
            () -> plugin.validateCredentials(paypal.credentialsJson().put("environment", "test")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("environment"));
  }

  @Test
  void aWebhookIdThatIsNotPayPalsShapeNamesTheField() {
    for (String bad : List.of("96605875|FF", "https://example.com/hook", "a".repeat(51))) {
      assertThatThrownBy(
              () -> plugin.validateCredentials(paypal.credentialsJson().put("webhookId", bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("webhookId"));
    }
  }

  @Test
  void aCustomerRefKeyMustBeAFieldPath() {
    for (String bad : List.of("custom id", "a..b", ".custom_id", "custom_id.", "$[0]")) {
      assertThatThrownBy(
              () -> plugin.validateCredentials(paypal.credentialsJson().put("customerRefKey", bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidCredentialsException.class,
              e -> assertThat(e.field()).isEqualTo("customerRefKey"));
    }
    assertThat(
            plugin
                .validateCredentials(
                    paypal.credentialsJson().put("customerRefKey", "subscriber.payer_id"))
                .get("customerRefKey"))
        .isEqualTo("subscriber.payer_id");
  }

  @Test
  void subscribedEventsAreTheTypesTheEventsTableBooks() {
    assertThat(plugin.subscribedEvents())
        .containsExactlyInAnyOrder(
            "PAYMENT.CAPTURE.COMPLETED",
            "PAYMENT.CAPTURE.REFUNDED",
            "PAYMENT.CAPTURE.REVERSED",
            "CUSTOMER.DISPUTE.RESOLVED",
            "PAYMENT.SALE.COMPLETED",
            "PAYMENT.SALE.REFUNDED",
            "PAYMENT.SALE.REVERSED",
            "BILLING.SUBSCRIPTION.CANCELLED",
            "BILLING.SUBSCRIPTION.SUSPENDED",
            "BILLING.SUBSCRIPTION.EXPIRED");
  }

  @Test
  void theSignedStringIsIdTimeWebhookIdAndTheBodysCrc32() throws Exception {
    byte[] body = valid.body().getBytes();
    CRC32 crc = new CRC32();
    crc.update(body);
    String signed =
        valid.header(PayPalPlugin.TRANSMISSION_ID_HEADER)
            + "|"
            + valid.header(PayPalPlugin.TRANSMISSION_TIME_HEADER)
            + "|"
            + paypal.webhookId()
            + "|"
            + crc.getValue();
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(paypal.signer().certificate().getPublicKey());
    rsa.update(signed.getBytes(StandardCharsets.UTF_8));
    assertThat(
            rsa.verify(
                Base64.getDecoder().decode(valid.header(PayPalPlugin.TRANSMISSION_SIG_HEADER))))
        .isTrue();
    assertThat(valid.header(PayPalPlugin.TRANSMISSION_TIME_HEADER))
        .isEqualTo(SENT_AT.toString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  @Test
  void onlySha256WithRsaIsAccepted() {
    for (String algorithm : List.of("SHA1withRSA", "SHA512withRSA", "sha256withrsa", "none")) {
      Verdict verdict = verifyWith(PayPalPlugin.AUTH_ALGO_HEADER, algorithm);
      assertThat(verdict.authentic()).as(algorithm).isFalse();
      assertThat(verdict.reason()).contains("SHA256withRSA");
    }
  }

  @Test
  void anAuthenticDeliveryIsAcceptedUnderItsTransmissionId() {
    Verdict verdict = verify(valid, credentials());
    assertThat(verdict.authentic()).isTrue();
    assertThat(verdict.signedDeliveryId())
        .as("the platform accepts this transmission id with this body only")
        .isEqualTo(valid.header(PayPalPlugin.TRANSMISSION_ID_HEADER));
  }

  @Test
  void retriesOfTheFirstTransmissionAreFreshForPayPalsThreeDaysOfRetries() {
    // PayPal's retries repeat the first transmission's id, time and signature
    assertThat(
            verify(valid.receivedAt(SENT_AT.plus(3, ChronoUnit.DAYS)), credentials()).authentic())
        .as("the last retry, three days later")
        .isTrue();
    assertThat(
            verify(valid.receivedAt(SENT_AT.plus(PayPalPlugin.DEFAULT_MAX_AGE)), credentials())
                .authentic())
        .as("at the edge of the window")
        .isTrue();
  }

  @Test
  void aStaleDeliveryIsRejectedWithTheReason() {
    Verdict verdict =
        verify(
            valid.receivedAt(SENT_AT.plus(PayPalPlugin.DEFAULT_MAX_AGE).plusSeconds(1)),
            credentials());
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.signedDeliveryId()).isNull();
    assertThat(verdict.reason())
        .contains("PAYPAL-TRANSMISSION-TIME " + SENT_AT)
        .contains("4d 1s before the delivery was received")
        .contains("more than the 4d PayPal's retries");
  }

  @Test
  void aDeliveryFromTheFutureIsRejectedBeyondFiveMinutesOfClockDifference() {
    assertThat(verify(valid.receivedAt(SENT_AT.minus(5, ChronoUnit.MINUTES)), credentials()))
        .satisfies(v -> assertThat(v.authentic()).as(v.reason()).isTrue());
    Verdict verdict =
        verify(
            valid.receivedAt(SENT_AT.minus(5, ChronoUnit.MINUTES).minusSeconds(1)), credentials());
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .contains("5m 1s after the delivery was received")
        .contains("5m of clock difference");
  }

  @Test
  void aStaleDeliveryIsRefusedBeforeAnyCertificateFetch() {
    paypal.clearCalls();
    Verdict verdict =
        verify(
            valid
                .withHeader(
                    PayPalPlugin.CERT_URL_HEADER,
                    paypal.certUrlFor("/v1/notifications/certs/CERT-never-fetched"))
                .receivedAt(SENT_AT.plus(30, ChronoUnit.DAYS)),
            credentials());
    assertThat(verdict.reason()).contains("before the delivery was received");
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void theFreshnessWindowIsConfigurable() {
    Vertx vertx = Vertx.vertx();
    try {
      PayPalPlugin strict = new PayPalPlugin(List.of(paypal.trustAnchor()));
      Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
      settings.put(PayPalPlugin.MAX_AGE_SETTING, "60000");
      settings.put(PayPalPlugin.MAX_SKEW_SETTING, "1000");
      await(strict.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
      assertThat(await(strict.verify(valid.receivedAt(SENT_AT.plusSeconds(60)), credentials())))
          .satisfies(v -> assertThat(v.authentic()).as(v.reason()).isTrue());
      assertThat(
              await(strict.verify(valid.receivedAt(SENT_AT.plusSeconds(61)), credentials()))
                  .reason())
          .contains("1m 1s before")
          .contains("more than the 1m");
      assertThat(
              await(strict.verify(valid.receivedAt(SENT_AT.minusSeconds(2)), credentials()))
                  .reason())
          .contains("2s after")
          .contains("1s of clock difference");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aSandboxCertificateDoesNotVouchForALiveAccount() {
    Credentials live =
        plugin.validateCredentials(paypal.credentialsJson().put("environment", "live"));
    Verdict verdict = verify(valid, live);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .contains("messageverificationcerts.sandbox.paypal.com")
        .contains("not messageverificationcerts.paypal.com");
  }

  @Test
  void aLiveSimulatorsDeliveriesVerifyForALiveAccount() {
    Vertx vertx = Vertx.vertx();
    try {
      PayPalSimulator live = new PayPalSimulator(PayPalSimulator.LIVE).start(vertx).await();
      PayPalPlugin livePlugin = new PayPalPlugin(List.of(live.trustAnchor()));
      await(livePlugin.init(new PluginContext(vertx, Clock.systemUTC(), live.pluginSettings())));
      WebhookRequest delivery =
          live.request(
              live.captureCompleted("WH-LIVE", "8MC585209K746392H", "9.99", "EUR", null, "u-2"),
              Instant.now());
      assertThat(live.certUrl()).startsWith("https://api.paypal.com/v1/notifications/certs/");
      assertThat(await(livePlugin.verify(delivery, live.credentials())).authentic()).isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theWebhookIdComesFromTheAccountNotTheDelivery() {
    Verdict verdict = verify(valid, otherTenantCredentials());
    assertThat(verdict.reason()).contains("does not match");
    assertThat(verify(valid, Credentials.of("clientId", "x", "clientSecret", "y")).reason())
        .contains("webhookId");
  }

  @Test
  void signaturesThatAreNotCanonicalBase64AreRefused() {
    String sig = valid.header(PayPalPlugin.TRANSMISSION_SIG_HEADER);
    for (String variant :
        List.of(sig.replace("=", ""), sig + "\n", " " + sig, sig.replace('+', '-'), sig + "==")) {
      assertThat(verifyWith(PayPalPlugin.TRANSMISSION_SIG_HEADER, variant).authentic())
          .as(variant)
          .isFalse();
    }
  }

  @Test
  void transmissionIdsWithThePipeSeparatorAreRefusedBeforeAnyCheck() {
    Verdict verdict =
        verifyWith(
            PayPalPlugin.TRANSMISSION_ID_HEADER,
            valid.header(PayPalPlugin.TRANSMISSION_ID_HEADER) + "|x");
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("PAYPAL-TRANSMISSION-ID");
  }

  @Test
  void aTamperedCertificateUrlIsRefusedAndNeverReachesAnotherHost() {
    paypal.clearCalls();
    for (String url :
        List.of(
            paypal.baseUrl() + paypal.certPath(),
            "https://api.sandbox.paypal.com.evil.example" + paypal.certPath(),
            "https://api.sandbox.paypal.com:8443" + paypal.certPath(),
            "http://api.sandbox.paypal.com" + paypal.certPath())) {
      Verdict verdict = verifyWith(PayPalPlugin.CERT_URL_HEADER, url);
      assertThat(verdict.authentic()).as(url).isFalse();
    }
    assertThat(paypal.calls()).as("no URL but PayPal's is ever fetched").isEmpty();

    Verdict unknownPath =
        verifyWith(PayPalPlugin.CERT_URL_HEADER, paypal.certUrlFor("/v1/notifications/certs/X"));
    assertThat(unknownPath.authentic()).isFalse();
    assertThat(unknownPath.reason()).contains("could not be obtained").contains("404");
  }

  @Test
  void aDeliveryBeforeInitIsRejectedNotThrown() {
    Verdict verdict =
        await(new PayPalPlugin(List.of(paypal.trustAnchor())).verify(valid, credentials()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("initialised");
  }

  @Test
  void aStalledCertificateFetchIsRejectedWithinTheConfiguredTimeoutAndRememberedBriefly() {
    Vertx vertx = Vertx.vertx();
    try {
      PayPalPlugin impatient = new PayPalPlugin(List.of(paypal.trustAnchor()));
      Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
      settings.put(PayPalPlugin.TIMEOUT_SETTING, "1000");
      ManualClock clock = new ManualClock();
      await(impatient.init(new PluginContext(vertx, clock, settings)));
      paypal.stallNext(HttpMethod.GET, paypal.certPath());
      long started = System.nanoTime();
      Verdict verdict = await(impatient.verify(valid, credentials()));
      assertThat(verdict.authentic()).isFalse();
      assertThat(verdict.reason()).contains("could not be obtained");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

      // the failure answers for its URL a short while, so a flood of deliveries costs one fetch
      paypal.clearCalls();
      assertThat(await(impatient.verify(valid, credentials())).authentic()).isFalse();
      assertThat(paypal.calls(HttpMethod.GET, paypal.certPath())).isEmpty();
      // then the URL is fetched again
      clock.advance(PayPalCertificates.FAILURE_TIME_TO_LIVE.plusSeconds(1));
      assertThat(await(impatient.verify(valid, credentials())).authentic())
          .as("a failed fetch is kept only briefly")
          .isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void badSettingsFailInit() {
    Vertx vertx = Vertx.vertx();
    try {
      for (Map<String, String> settings :
          List.of(
              Map.of(PayPalPlugin.TIMEOUT_SETTING, "0"),
              Map.of(PayPalPlugin.TIMEOUT_SETTING, "soon"),
              Map.of(PayPalPlugin.API_BASE_SETTING, "api-m.paypal.com"),
              Map.of(PayPalPlugin.MAX_AGE_SETTING, "four days"),
              Map.of(PayPalPlugin.MAX_SKEW_SETTING, "0"),
              Map.of(PayPalPlugin.CERT_FETCH_BASE_SETTING, "ftp://127.0.0.1/"))) {
        assertThat(
                new PayPalPlugin()
                    .init(new PluginContext(vertx, Clock.systemUTC(), settings))
                    .toCompletionStage()
                    .toCompletableFuture())
            .as(settings.toString())
            .isCompletedExceptionally();
      }
    } finally {
      vertx.close().await();
    }
  }
}
