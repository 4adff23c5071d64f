package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The plugin contract (through the kit) and the details of Razorpay's signature scheme. */
class RazorpayPluginTest extends GatewayPluginTestKit {

  private final RazorpayPlugin plugin = new RazorpayPlugin();
  private final String secret = "whk_" + RazorpaySimulator.newId("");
  private final RazorpaySimulator razorpay = new RazorpaySimulator(secret);
  private final WebhookRequest valid =
      razorpay.request(
          razorpay.paymentCaptured("pay_Kit00000000001", 50_000, "INR", "user-1"),
          "KitEvent000001");

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
    return credentialsFor("another-tenants-secret");
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    JsonObject failed =
        new JsonObject(razorpay.paymentCaptured("pay_Failed00000001", 50_000, "INR", null))
            .getJsonObject("payload");
    failed
        .getJsonObject("payment")
        .getJsonObject("entity")
        .put("status", "failed")
        .put("captured", false);
    return razorpay.request(razorpay.event("payment.failed", failed), "KitEvent000002");
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    JsonObject payload =
        new JsonObject(razorpay.paymentCaptured("pay_Bad0000000001", 50_000, "INR", null))
            .getJsonObject("payload");
    payload.getJsonObject("payment").getJsonObject("entity").put("amount", "50000");
    return razorpay.request(razorpay.event("payment.captured", payload), "KitEvent000003");
  }

  @Override
  protected List<String> signatureHeaders() {
    return List.of(RazorpayPlugin.SIGNATURE_HEADER);
  }

  private Credentials credentialsFor(String webhookSecret) {
    return plugin
        .credentialSchema()
        .validate(
            new JsonObject()
                .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                .put("keySecret", "thisisthekeysecret")
                .put("webhookSecret", webhookSecret));
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(RazorpayPlugin.class);
              assertThat(p.id()).isEqualTo("razorpay");
              assertThat(p.displayName()).isEqualTo("Razorpay");
            });
  }

  @Test
  void credentialSchemaHasKeysWebhookSecretAndADefaultCustomerRefKey() {
    assertThat(plugin.credentialSchema().fields())
        .extracting(CredentialField::name, CredentialField::secret, CredentialField::required)
        .containsExactly(
            tuple("keyId", false, true),
            tuple("keySecret", true, true),
            tuple("webhookSecret", true, true),
            tuple("customerRefKey", false, false));
    assertThat(credentials().get("customerRefKey")).isEqualTo("customer_ref");
    Credentials withoutWebhookSecret =
        plugin
            .credentialSchema()
            .validate(
                new JsonObject()
                    .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                    .put("keySecret", "thisisthekeysecret"));
    assertThat(plugin.credentialSchema().unsetWebhookFields(withoutWebhookSecret))
        .extracting(CredentialField::name)
        .containsExactly("webhookSecret");
    assertThatThrownBy(
            () ->
                plugin
                    .credentialSchema()
                    .validate(
                        new JsonObject()
                            .put("keyId", "rzp_test_…")
                            .put("keySecret", "s")
                            .put("webhookSecret", "rzp_test_1DP5mmOlF5G5ag")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidCredentialsException.Problem::message)
                    .containsExactly(
                        "Key id looks like a placeholder, not a real value: expected the API key"
                            + " id, which starts with rzp_live_ or rzp_test_. Copy it from your"
                            + " gateway's dashboard.",
                        "Key secret does not look right: expected the API key's secret: at least"
                            + " 16 letters and digits, shown once when the key is generated.",
                        "Webhook secret holds an API key id (rzp_…), not the secret you typed in"
                            + " Razorpay's webhook setup: at least 6 characters without spaces."));
  }

  @Test
  void subscribedEventsAreTheMappedTypes() {
    assertThat(plugin.subscribedEvents())
        .containsExactlyInAnyOrder(
            "payment.authorized",
            "payment.captured",
            "order.paid",
            "subscription.charged",
            "subscription.halted",
            "subscription.cancelled",
            "subscription.completed",
            "refund.processed",
            "refund.failed",
            "payment.dispute.created",
            "payment.dispute.won",
            "payment.dispute.lost",
            "payment.dispute.closed");
  }

  @Test
  void signatureIsLowerCaseHexOfTheBodysHmac() {
    assertThat(valid.header(RazorpayPlugin.SIGNATURE_HEADER)).matches("[0-9a-f]{64}");
    assertThat(valid.header(RazorpayPlugin.SIGNATURE_HEADER))
        .isEqualTo(razorpay.signature(valid.bodyAsString()));
  }

  /**
   * Razorpay sends lower-case hex. Hex is compared by value, so the same signature in upper case is
   * the same signature and passes; anything that is not 64 hex digits fails.
   */
  @Test
  void upperCaseHexIsTheSameSignatureButOtherShapesAreNot() {
    String signature = valid.header(RazorpayPlugin.SIGNATURE_HEADER);
    assertThat(verifyWith(signature.toUpperCase(Locale.ROOT)).authentic()).isTrue();
    for (String bad :
        List.of(
            signature.substring(1),
            signature + "0",
            " " + signature,
            "sha256=" + signature,
            signature.substring(0, 63) + "g",
            Base64.getEncoder().encodeToString(HexFormat.of().parseHex(signature)))) {
      Verdict verdict = verifyWith(bad);
      assertThat(verdict.authentic()).as(bad).isFalse();
      assertThat(verdict.reason()).isNotBlank().doesNotContain(secret);
    }
  }

  @Test
  void anAccountWithoutAWebhookSecretVerifiesNothing() {
    Verdict verdict = verify(valid, Credentials.of("keyId", "rzp_test_1"));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("webhookSecret");
  }

  @Test
  void theEventIdHeaderIsNotNeededToVerify() {
    WebhookRequest withoutId = razorpay.request(valid.bodyAsString(), null);
    assertThat(verify(withoutId, credentials()).authentic()).isTrue();
  }

  private Verdict verifyWith(String signature) {
    return verify(valid.withHeader(RazorpayPlugin.SIGNATURE_HEADER, signature), credentials());
  }
}
