package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The plugin under the common gateway contract, for an account with Pub/Sub push authentication:
 * the signature is the bearer token, signed by the simulator's push key and checked against its JWK
 * set. Plus the credential rules.
 *
 * <p>One kit test does not apply and is skipped with its reason: Pub/Sub's push token proves who
 * sent a push, not what it contains, so a push with a valid token and a changed body is still a
 * push from Google's Pub/Sub. {@link #changedBodiesAreRefusedWhereverVerifyCanTell} and {@link
 * #aChangedBodyThatStillVerifiesBooksOnlyWhatTheApiConfirms} state what does hold.
 */
@ExtendWith(GooglePlayPluginTest.PushTokensDoNotSignTheBody.class)
class GooglePlayPluginTest extends GatewayPluginTestKit {

  private static final Instant SIGNED_AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final Vertx simulatorVertx = Vertx.vertx();
  private final GooglePlaySimulator google = await(new GooglePlaySimulator().start(simulatorVertx));
  private final GooglePlayPlugin plugin = new GooglePlayPlugin();
  private final String serviceAccount = google.newServiceAccountJson(GooglePlayFixture.API_ACCOUNT);
  private final String token = GooglePlaySimulator.newPurchaseToken();
  private final WebhookRequest valid =
      signed(
          GooglePlaySimulator.subscriptionNotification(
              PACKAGE_NAME,
              PlayNotification.SUBSCRIPTION_CANCELED,
              token,
              "premium_monthly",
              SIGNED_AT.minusSeconds(2)));

  /** Skips the kit's body byte-flip test, which assumes a scheme that signs the body. */
  static final class PushTokensDoNotSignTheBody implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context
          .getTestMethod()
          .filter(m -> m.getName().equals("everyFlippedBodyByteIsRejected"))
          .map(
              m ->
                  ConditionEvaluationResult.disabled(
                      "Pub/Sub push tokens authenticate the sender, not the body; see"
                          + " changedBodiesAreRefusedWhereverVerifyCanTell and"
                          + " aChangedBodyThatStillVerifiesBooksOnlyWhatTheApiConfirms"))
          .orElse(ConditionEvaluationResult.enabled("applies to Google Play pushes"));
    }
  }

  @AfterAll
  void stopSimulator() {
    await(google.close());
    await(simulatorVertx.close());
  }

  private WebhookRequest signed(String notification) {
    return google.request(
        GooglePlaySimulator.pushBody(notification, "4184729210536172", SIGNED_AT),
        google.pushToken(SIGNED_AT),
        SIGNED_AT);
  }

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Map<String, String> pluginSettings() {
    return google.pluginSettings();
  }

  @Override
  protected Credentials credentials() {
    return plugin.validateCredentials(google.credentialsJson(serviceAccount));
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return plugin.validateCredentials(
        new JsonObject()
            .put(GooglePlayPlugin.PACKAGE_NAME, "com.other.tenant")
            .put(
                GooglePlayPlugin.SERVICE_ACCOUNT_JSON,
                google.newServiceAccountJson("api@other-tenant.iam.gserviceaccount.com"))
            .put(GooglePlayPlugin.PUSH_AUDIENCE, "https://hooks.other.example/play")
            .put(
                GooglePlayPlugin.PUSH_SERVICE_ACCOUNT_EMAIL,
                "push@other-tenant.iam.gserviceaccount.com"));
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return signed(
        GooglePlaySimulator.subscriptionNotification(
            PACKAGE_NAME, 7, token, "premium_monthly", SIGNED_AT));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    String notification =
        new JsonObject()
            .put("version", "1.0")
            .put("packageName", PACKAGE_NAME)
            .put("eventTimeMillis", Long.toString(SIGNED_AT.toEpochMilli()))
            .put(
                "subscriptionNotification",
                new JsonObject()
                    .put("version", "1.0")
                    .put("notificationType", "three")
                    .put("purchaseToken", token))
            .encode();
    return signed(notification);
  }

  @Override
  protected List<String> signatureHeaders() {
    return List.of(GooglePlayPlugin.AUTHORIZATION_HEADER);
  }

  /** Google's tokens live an hour; the plugin allows a minute of clock skew either way. */
  @Override
  protected Optional<Duration> timestampTolerance() {
    return Optional.of(Duration.ofHours(1).plus(PushTokenVerifier.LEEWAY));
  }

  // ---- what holds for changed bodies

  @Test
  void changedBodiesAreRefusedWhereverVerifyCanTell() {
    String body = valid.bodyAsString();
    // GIVEN the same valid token on bodies that are not a push of this account's notifications
    List<String> bodies =
        List.of(
            body.replace("\"message\"", "\"massage\""),
            body.replace("\"data\"", "\"dato\""),
            GooglePlaySimulator.pushBody(
                GooglePlaySimulator.subscriptionNotification(
                    "com.paybridge.sampie", 3, token, "premium_monthly", SIGNED_AT),
                "4184729210536172",
                SIGNED_AT),
            GooglePlaySimulator.pushBody("{\"packageName\":", "4184729210536172", SIGNED_AT));
    for (String changed : bodies) {
      // THEN each is refused
      Verdict verdict = verify(valid.withBody(Buffer.buffer(changed)), credentials());
      assertThat(verdict.authentic()).as(changed).isFalse();
    }
  }

  @Test
  void aChangedBodyThatStillVerifiesBooksOnlyWhatTheApiConfirms() {
    // GIVEN a pushed cancellation whose purchase token was changed in transit: the push token
    // stays valid, because it does not cover the body
    String forgedToken = GooglePlaySimulator.newPurchaseToken();
    WebhookRequest changed =
        valid.withBody(
            Buffer.buffer(
                GooglePlaySimulator.pushBody(
                    GooglePlaySimulator.subscriptionNotification(
                        PACKAGE_NAME, 3, forgedToken, "premium_monthly", SIGNED_AT),
                    "4184729210536172",
                    SIGNED_AT)));
    assertThat(verify(changed, credentials()).authentic()).isTrue();

    // WHEN the platform resolves it, THEN the Play Developer API does not know that purchase,
    // so nothing is booked and Pub/Sub is asked to retry
    ParsedWebhook parsed = plugin.parse(changed, credentials());
    Throwable failure = failure(plugin.resolve(changed, parsed, credentials()));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).status()).isEqualTo(404);
  }

  @Test
  void theValidDeliveryIsACancellationNamingThePurchaseToken() {
    ParsedWebhook parsed = plugin.parse(valid, credentials());
    assertThat(parsed.eventId()).isEqualTo("4184729210536172");
    assertThat(parsed.eventType()).isEqualTo("SUBSCRIPTION_CANCELED");
    assertThat(parsed.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
              assertThat(e.externalSubscriptionId()).isEqualTo(token);
              assertThat(e.amountMinor()).isNull();
              assertThat(e.entryKey()).startsWith("cancel:").hasSizeLessThan(100);
            });
  }

  // ---- plugin identity and credentials

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(GooglePlayPlugin.class);
              assertThat(p.id()).isEqualTo("googleplay");
              assertThat(p.displayName()).isEqualTo("Google Play");
            });
  }

  @Test
  void credentialSchemaHasTheKeyAsAnOptionalSecretAndPushAuthenticationOptional() {
    assertThat(plugin.credentialSchema().fields())
        .extracting(CredentialField::name)
        .containsExactly(
            "packageName", "serviceAccountJson", "pushAudience", "pushServiceAccountEmail");
    CredentialField key = plugin.credentialSchema().field("serviceAccountJson").orElseThrow();
    assertThat(key.secret()).isTrue();
    assertThat(key.required())
        .as("an account may be saved before its key: deliveries are held until it is added")
        .isFalse();
    JsonObject withoutKey = google.credentialsJson(serviceAccount);
    withoutKey.remove("serviceAccountJson");
    assertThat(plugin.validateCredentials(withoutKey).get("serviceAccountJson")).isNull();
    assertThat(plugin.credentialSchema().field("packageName").orElseThrow().required()).isTrue();
    assertThat(plugin.credentialSchema().field("pushAudience").orElseThrow().required()).isFalse();
    assertThat(plugin.credentialSchema().field("pushServiceAccountEmail").orElseThrow().required())
        .isFalse();
    assertThat(plugin.subscribedEvents())
        .containsExactlyInAnyOrder(
            "SUBSCRIPTION_PURCHASED",
            "SUBSCRIPTION_RENEWED",
            "SUBSCRIPTION_RECOVERED",
            "SUBSCRIPTION_CANCELED",
            "SUBSCRIPTION_REVOKED",
            "SUBSCRIPTION_EXPIRED",
            "SUBSCRIPTION_ITEMS_CHANGED",
            "ONE_TIME_PRODUCT_PURCHASED",
            "VOIDED_PURCHASE");
  }

  @Test
  void aServiceAccountKeyThatDoesNotParseIsRefusedNamingTheField() throws Exception {
    JsonObject key = new JsonObject(serviceAccount);
    String pem = key.getString("private_key");
    String pkcs1 =
        "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIIEowIBAAKCAQEA"
            + "\n-----END RSA PRIVATE KEY-----";
    var ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    String ecPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> broken =
        Map.of(
            "not JSON", "{\"type\": \"service_account\", " + pem.substring(0, 40),
            "an array", "[]",
            "no client_email", key.copy().put("client_email", (Object) null).encode(),
            "no private_key", key.copy().put("private_key", (Object) null).encode(),
            "PKCS#1", key.copy().put("private_key", pkcs1).encode(),
            "an EC key", key.copy().put("private_key", ecPem).encode(),
            "garbled base64", key.copy().put("private_key", pem.replace('A', '*')).encode(),
            "foreign token_uri", key.copy().put("token_uri", "https://evil.example/token").encode(),
            "plain http token_uri",
                key.copy().put("token_uri", "http://oauth2.googleapis.com/token").encode(),
            "another type", key.copy().put("type", "authorized_user").encode());
    broken.forEach(
        (what, json) ->
            assertThatThrownBy(
                    () ->
                        plugin.validateCredentials(
                            google.credentialsJson(serviceAccount).put("serviceAccountJson", json)))
                .as(what)
                .isInstanceOfSatisfying(
                    InvalidCredentialsException.class,
                    e -> {
                      assertThat(e.field()).isEqualTo("serviceAccountJson");
                      assertThat(e.getMessage()).startsWith("Service account key (JSON): ");
                      assertThat(e.getMessage()).doesNotContain("MII");
                    }));
  }

  @Test
  void pushAuthenticationIsAllOrNothingAndThePackageNameMustBeOne() {
    JsonObject full = google.credentialsJson(serviceAccount);
    assertThatThrownBy(
            () -> plugin.validateCredentials(full.copy().put("pushServiceAccountEmail", null)))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("pushServiceAccountEmail"));
    assertThatThrownBy(() -> plugin.validateCredentials(full.copy().put("pushAudience", null)))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("pushAudience"));
    assertThatThrownBy(
            () ->
                plugin.validateCredentials(
                    full.copy().put("pushServiceAccountEmail", "not an email")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("pushServiceAccountEmail"));
    for (String bad : List.of("sample", "com..sample", "1com.sample", "com.sample/x")) {
      assertThatThrownBy(() -> plugin.validateCredentials(full.copy().put("packageName", bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidCredentialsException.class,
              e -> assertThat(e.field()).isEqualTo("packageName"));
    }

    JsonObject withoutPush = full.copy();
    withoutPush.remove("pushAudience");
    withoutPush.remove("pushServiceAccountEmail");
    Credentials saved = plugin.validateCredentials(withoutPush);
    assertThat(saved.get("pushAudience")).isNull();
    assertThat(saved.get("serviceAccountJson")).isEqualTo(serviceAccount.strip());
  }

  @Test
  void aTokenIsRequiredOnlyWhenTheAccountConfiguredPushAuthentication() {
    WebhookRequest unsigned = google.request(valid.bodyAsString(), null, SIGNED_AT);
    assertThat(verify(unsigned, credentials()).reason()).contains("no Authorization header");

    JsonObject withoutPush = google.credentialsJson(serviceAccount);
    withoutPush.remove("pushAudience");
    withoutPush.remove("pushServiceAccountEmail");
    assertThat(verify(unsigned, plugin.validateCredentials(withoutPush)).authentic()).isTrue();
  }

  @Test
  void theDataFieldMayUseEitherBase64Alphabet() {
    String notification =
        GooglePlaySimulator.subscriptionNotification(PACKAGE_NAME, 3, token, "premium", SIGNED_AT);
    String urlSafe =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(notification.getBytes(StandardCharsets.UTF_8));
    JsonObject push = new JsonObject(valid.bodyAsString());
    push.getJsonObject("message").put("data", urlSafe);
    WebhookRequest request = valid.withBody(push.toBuffer());
    assertThat(verify(request, credentials()).authentic()).isTrue();
    assertThat(plugin.parse(request, credentials()).events()).hasSize(1);
  }
}
