package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) and the details of Stripe's signature scheme: secret
 * rotation, foreign schemes, the tolerance edge, and header shapes that must be refused.
 */
class StripePluginTest extends GatewayPluginTestKit {

  private static final Instant SIGNED_AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final StripePlugin plugin = new StripePlugin();
  private final String secret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator stripe = new StripeSimulator(secret);
  private final WebhookRequest valid =
      stripe.request(
          stripe.paymentIntentSucceeded("evt_kit", "pi_kit", 2500, "usd", "user-1"), SIGNED_AT);

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Credentials credentials() {
    return credentialsFor(secret);
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return credentialsFor(StripeSimulator.newWebhookSecret());
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    JsonObject customer = new JsonObject().put("id", "cus_unknown").put("object", "customer");
    return stripe.request(stripe.event("evt_unknown", "customer.created", customer), SIGNED_AT);
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    JsonObject intent =
        new JsonObject()
            .put("id", "pi_bad")
            .put("object", "payment_intent")
            .put("amount_received", "2500")
            .put("currency", "usd")
            .put("status", "succeeded");
    return stripe.request(stripe.event("evt_bad", "payment_intent.succeeded", intent), SIGNED_AT);
  }

  @Override
  protected List<String> signatureHeaders() {
    return List.of(StripePlugin.SIGNATURE_HEADER);
  }

  @Override
  protected Optional<Duration> timestampTolerance() {
    return Optional.of(StripePlugin.TOLERANCE);
  }

  private Credentials credentialsFor(String webhookSecret) {
    return plugin.credentialSchema().validate(new JsonObject().put("webhookSecret", webhookSecret));
  }

  private String v1(String webhookSecret, String body, Instant signedAt) {
    String header = new StripeSimulator(webhookSecret).signatureHeader(body, signedAt);
    return header.substring(header.indexOf(",v1=") + 4);
  }

  private Verdict verifyWithHeader(String header) {
    return verify(valid.withHeader(StripePlugin.SIGNATURE_HEADER, header), credentials());
  }

  @Test
  void placeholdersAndPastedApiKeysAreRefusedSayingASigningSecretStartsWithWhsec() {
    for (String wrong :
        List.of(
            "whsec_…",
            "whsec_xxx",
            "<secret>",
            "whsec_abc",
            "sk_live_51Hx8cE2eZvKYlo2C0aBcDeFgH",
            "rk_test_51Hx8cE2eZvKYlo2C0aBcDeFgH")) {
      assertThatThrownBy(
              () -> plugin().validateCredentials(new JsonObject().put("webhookSecret", wrong)))
          .as(wrong)
          .isInstanceOfSatisfying(
              InvalidCredentialsException.class,
              e -> assertThat(e.field()).isEqualTo("webhookSecret"))
          .hasMessageStartingWith("Webhook signing secret ")
          .hasMessageContaining("starts with whsec_")
          .hasMessageNotContaining(wrong);
    }
    assertThatThrownBy(
            () ->
                plugin()
                    .validateCredentials(
                        new JsonObject().put("webhookSecret", "sk_live_51Hx8cE2eZvKYlo2C0aBcDe")))
        .hasMessageContaining("a secret API key (sk_…)");
    assertThatThrownBy(
            () ->
                plugin()
                    .validateCredentials(
                        new JsonObject()
                            .put("apiKey", StripeSimulator.newWebhookSecret())
                            .put("publishableKey", "pk_…")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidCredentialsException.Problem::field)
                    .containsExactly("apiKey", "publishableKey"));
    String secret = StripeSimulator.newWebhookSecret();
    assertThat(
            plugin()
                .validateCredentials(new JsonObject().put("webhookSecret", secret))
                .get("webhookSecret"))
        .isEqualTo(secret);
  }

  @Test
  void anAccountMayBeSavedBeforeStripeShowsItsSigningSecret() {
    Credentials saved = plugin().validateCredentials(new JsonObject());
    assertThat(saved.get("webhookSecret")).isNull();
    assertThat(plugin().credentialSchema().unsetWebhookFields(saved))
        .extracting(CredentialField::name)
        .containsExactly("webhookSecret");
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(StripePlugin.class);
              assertThat(p.id()).isEqualTo("stripe");
              assertThat(p.displayName()).isEqualTo("Stripe");
            });
  }

  @Test
  void credentialSchemaHasSecretWebhookAndApiKeysAndADefaultCustomerRefKey() {
    List<CredentialField> fields = plugin.credentialSchema().fields();
    assertThat(fields)
        .extracting(CredentialField::name)
        .containsExactly("webhookSecret", "apiKey", "customerRefKey", "publishableKey");
    CredentialField webhookSecret = plugin.credentialSchema().field("webhookSecret").orElseThrow();
    assertThat(webhookSecret.secret()).isTrue();
    assertThat(webhookSecret.required()).isTrue();
    assertThat(webhookSecret.description()).contains("whsec_");
    CredentialField apiKey = plugin.credentialSchema().field("apiKey").orElseThrow();
    assertThat(apiKey.secret()).isTrue();
    assertThat(apiKey.required()).isFalse();
    CredentialField refKey = plugin.credentialSchema().field("customerRefKey").orElseThrow();
    assertThat(refKey.secret()).isFalse();
    assertThat(refKey.required()).isFalse();
    assertThat(refKey.defaultValue()).isEqualTo("customer_ref");

    assertThat(credentials().get("customerRefKey")).isEqualTo("customer_ref");
    assertThat(credentials().get("apiKey")).isNull();
    assertThat(webhookSecret.verifiesWebhooks()).isTrue();
    assertThatThrownBy(
            () ->
                plugin.credentialSchema().validate(new JsonObject().put("apiKey", "sk_test_12345")))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("Secret API key does not look right");
  }

  @Test
  void subscribedEventsAreTheTypesTheEventsTableBooksOrFollowsUp() {
    assertThat(plugin.subscribedEvents())
        .containsExactly(
            "payment_intent.succeeded",
            "charge.succeeded",
            "checkout.session.completed",
            "charge.refunded",
            "refund.created",
            "refund.updated",
            "refund.failed",
            "invoice.paid",
            "invoice.payment_succeeded",
            "customer.subscription.deleted",
            "charge.dispute.funds_withdrawn",
            "charge.dispute.funds_reinstated",
            "charge.captured",
            "payment_intent.amount_capturable_updated",
            "review.closed");
    assertThat(plugin.eventTable())
        .filteredOn(rule -> rule.action() == EventRule.Action.IGNORES)
        .extracting(EventRule::eventType)
        .containsExactly(
            "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed");
    assertThat(plugin.eventTable())
        .filteredOn(rule -> rule.action() == EventRule.Action.FOLLOWS_UP)
        .extracting(EventRule::eventType)
        .containsExactly("payment_intent.amount_capturable_updated", "review.closed");
    assertThat(plugin.eventTable()).extracting(EventRule::eventType).doesNotHaveDuplicates();
  }

  @Test
  void simulatorHeaderHasStripesShape() {
    String header = valid.header(StripePlugin.SIGNATURE_HEADER);
    assertThat(header).matches("t=" + SIGNED_AT.getEpochSecond() + ",v1=[0-9a-f]{64}");
    assertThat(StripeSimulator.newWebhookSecret()).startsWith("whsec_").hasSizeGreaterThan(30);
  }

  @Test
  void duringSecretRotationEitherV1Matches() {
    String oldSecret = StripeSimulator.newWebhookSecret();
    String newSecret = StripeSimulator.newWebhookSecret();
    String body = valid.bodyAsString();
    String header =
        "t="
            + SIGNED_AT.getEpochSecond()
            + ",v1="
            + v1(oldSecret, body, SIGNED_AT)
            + ",v1="
            + v1(newSecret, body, SIGNED_AT);
    WebhookRequest request = valid.withHeader(StripePlugin.SIGNATURE_HEADER, header);

    assertThat(verify(request, credentialsFor(oldSecret)).authentic()).isTrue();
    assertThat(verify(request, credentialsFor(newSecret)).authentic()).isTrue();
    assertThat(verify(request, otherTenantCredentials()).authentic()).isFalse();
  }

  @Test
  void onlyV1SignaturesCount() {
    String body = valid.bodyAsString();
    String correct = v1(secret, body, SIGNED_AT);
    long t = SIGNED_AT.getEpochSecond();

    Verdict v0Only = verifyWithHeader("t=" + t + ",v0=" + correct);
    assertThat(v0Only.authentic()).isFalse();
    assertThat(v0Only.reason()).contains("no v1 signature");

    assertThat(verifyWithHeader("t=" + t + ",v0=" + "0".repeat(64) + ",v1=" + correct).authentic())
        .as("a v0 item beside a good v1 is ignored")
        .isTrue();
    assertThat(verifyWithHeader("t=" + t + ",v1=" + "0".repeat(64) + ",v1=" + correct).authentic())
        .as("a stale v1 beside a good one")
        .isTrue();
    assertThat(verifyWithHeader("t=" + t + ",v1=" + correct.toUpperCase()).authentic())
        .as("hex is compared by value")
        .isTrue();
  }

  @Test
  void timestampExactlyAtTheToleranceEdgeIsAcceptedOneSecondBeyondIsNot() {
    long tolerance = StripePlugin.TOLERANCE.toSeconds();
    assertThat(
            verify(valid.receivedAt(SIGNED_AT.plusSeconds(tolerance)), credentials()).authentic())
        .isTrue();
    assertThat(
            verify(valid.receivedAt(SIGNED_AT.minusSeconds(tolerance)), credentials()).authentic())
        .isTrue();
    assertThat(
            verify(
                    valid.receivedAt(SIGNED_AT.plusSeconds(tolerance).plusMillis(999)),
                    credentials())
                .authentic())
        .as("the header has whole seconds, so the edge is judged in whole seconds")
        .isTrue();

    Verdict late = verify(valid.receivedAt(SIGNED_AT.plusSeconds(tolerance + 1)), credentials());
    assertThat(late.authentic()).isFalse();
    assertThat(late.reason()).contains("old");
    Verdict early = verify(valid.receivedAt(SIGNED_AT.minusSeconds(tolerance + 1)), credentials());
    assertThat(early.authentic()).isFalse();
    assertThat(early.reason()).contains("future");
  }

  @Test
  void garbledHeadersAreRejectedWithAReason() {
    String sig = v1(secret, valid.bodyAsString(), SIGNED_AT);
    long t = SIGNED_AT.getEpochSecond();
    for (String header :
        List.of(
            "v1=" + sig,
            "t=abc,v1=" + sig,
            "t=-" + t + ",v1=" + sig,
            "t=+" + t + ",v1=" + sig,
            "t=" + t + "0000000000,v1=" + sig,
            "t=" + t + ",t=" + t + ",v1=" + sig,
            "t=" + t,
            "t=" + t + ",v1=",
            "t=" + t + ";v1=" + sig)) {
      Verdict verdict = verifyWithHeader(header);
      assertThat(verdict.authentic()).as(header).isFalse();
      assertThat(verdict.reason()).as(header).isNotBlank().doesNotContain(secret);
    }
  }

  @Test
  void spacesBetweenItemsAreTolerated() {
    String sig = v1(secret, valid.bodyAsString(), SIGNED_AT);
    assertThat(verifyWithHeader("t=" + SIGNED_AT.getEpochSecond() + ", v1=" + sig).authentic())
        .isTrue();
  }

  @Test
  void theTimestampIsPartOfTheSignedMessage() {
    String sig = v1(secret, valid.bodyAsString(), SIGNED_AT);
    Instant other = SIGNED_AT.plusSeconds(1);
    WebhookRequest moved =
        valid
            .withHeader(StripePlugin.SIGNATURE_HEADER, "t=" + other.getEpochSecond() + ",v1=" + sig)
            .receivedAt(other);
    assertThat(verify(moved, credentials()).authentic()).isFalse();
  }

  @Test
  void theSecretIsUsedAsTextNotDecoded() {
    byte[] expected =
        Signatures.hmacSha256(
            Signatures.utf8(secret),
            Signatures.utf8(SIGNED_AT.getEpochSecond() + "."),
            valid.body().getBytes());
    assertThat(valid.header(StripePlugin.SIGNATURE_HEADER))
        .endsWith(",v1=" + Signatures.hex(expected));
    assertThat(verify(valid, credentials()).authentic()).isTrue();
  }

  @Test
  void anAccountWithoutAStripeSigningSecretVerifiesNothing() {
    String notStripe = "not-a-whsec-secret";
    WebhookRequest signed = new StripeSimulator(notStripe).request(valid.bodyAsString(), SIGNED_AT);
    Verdict verdict = verify(signed, Credentials.of("webhookSecret", notStripe));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("whsec_");
    assertThat(verify(valid, Credentials.of()).authentic()).isFalse();
  }
}
