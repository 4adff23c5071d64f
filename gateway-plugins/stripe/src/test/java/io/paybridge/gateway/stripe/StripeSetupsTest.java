package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.PaymentMethodSetup.SetupResult;
import io.paybridge.spi.PaymentMethodSetup.SetupStart;
import io.paybridge.spi.PaymentMethodSetup.SetupStatus;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.StoredPaymentMethods.ChargeOutcome;
import io.paybridge.spi.StoredPaymentMethods.MethodDetails;
import io.paybridge.spi.StoredPaymentMethods.OffSessionCharge;
import io.paybridge.spi.StoredPaymentMethods.Status;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link StripePlugin} as {@link io.paybridge.spi.PaymentMethodSetup}, against the fake. */
class StripeSetupsTest {

  private final String apiKey = StripeApiFake.newSecretKey();
  private final StripeApiFake stripe = new StripeApiFake(apiKey);

  @RegisterExtension
  final ApiPluginHarness<StripePlugin> harness =
      new ApiPluginHarness<>(stripe, StripePlugin::new, StripePlugin.API_TIMEOUT_SETTING);

  private final StripePlugin plugin = harness.plugin();

  private Credentials credentials(String... more) {
    JsonObject submitted =
        new JsonObject()
            .put("webhookSecret", StripeSimulator.newWebhookSecret())
            .put("apiKey", apiKey)
            .put("publishableKey", stripe.publishableKey());
    for (int i = 0; i < more.length; i += 2) {
      submitted.put(more[i], more[i + 1]);
    }
    return plugin.validateCredentials(submitted);
  }

  private SetupStart start(String customerRef, String customer) {
    return harness.onEventLoop(() -> plugin.startSetup(customerRef, customer, credentials()));
  }

  private SetupResult result(String setupId) {
    return harness.onEventLoop(() -> plugin.setupResult(setupId, credentials()));
  }

  @Test
  void aNewCustomerIsCreatedWithTheirRefThenASetupIntentForOffSessionCards() {
    // WHEN a member without a Stripe customer starts saving a card
    SetupStart start = start("member-42", null);

    // THEN Stripe first gets a customer tagged with the member's reference
    ApiCall created = stripe.calls("POST", "/v1/customers").get(0);
    assertThat(created.form()).containsExactly(Map.entry("metadata[customer_ref]", "member-42"));
    assertThat(created.header("Authorization")).isEqualTo("Bearer " + apiKey);
    assertThat(created.header("Idempotency-Key")).startsWith("paybridge-customer-");
    assertThat(stripe.customers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getString("id")).isEqualTo(start.customer());
              assertThat(c.getJsonObject("metadata").getString("customer_ref"))
                  .isEqualTo("member-42");
            });
    // AND then a setup intent for off-session card payments of that customer
    ApiCall setup = stripe.calls("POST", "/v1/setup_intents").get(0);
    assertThat(setup.form())
        .containsExactly(
            Map.entry("customer", start.customer()),
            Map.entry("usage", "off_session"),
            Map.entry("payment_method_types[]", "card"),
            Map.entry("metadata[customer_ref]", "member-42"));
    assertThat(setup.header("Stripe-Version")).isEqualTo(StripePlugin.API_VERSION);
    assertThat(stripe.calls()).hasSize(2);
    // AND the browser gets what Stripe.js confirms with
    JsonObject intent = stripe.setupIntent(start.setupId());
    assertThat(start.setupId()).startsWith("seti_");
    assertThat(start.clientSecret())
        .isEqualTo(intent.getString("client_secret"))
        .startsWith(start.setupId() + "_secret_");
    assertThat(start.publishableKey()).isEqualTo(stripe.publishableKey());
    assertThat(intent.getString("status")).isEqualTo("requires_payment_method");
  }

  @Test
  void aKnownCustomerIsReused() {
    SetupStart first = start("member-7", null);
    stripe.clearCalls();

    SetupStart second = start("member-7", first.customer());

    assertThat(second.customer()).isEqualTo(first.customer());
    assertThat(second.setupId()).isNotEqualTo(first.setupId());
    assertThat(stripe.calls()).extracting(ApiCall::path).containsExactly("/v1/setup_intents");
    assertThat(stripe.customers()).hasSize(1);
  }

  @Test
  void theAccountsCustomerRefKeyTagsTheCustomerAndTheIntentAndIsReadBack() {
    Credentials account = credentials("customerRefKey", "cobot_member");
    SetupStart start = harness.onEventLoop(() -> plugin.startSetup("member-9", null, account));
    stripe.confirmSetup(start.setupId(), StripeTestCards.VISA);

    SetupResult result = harness.onEventLoop(() -> plugin.setupResult(start.setupId(), account));

    assertThat(stripe.calls("POST", "/v1/customers").get(0).form())
        .containsEntry("metadata[cobot_member]", "member-9");
    assertThat(stripe.setupIntent(start.setupId()).getJsonObject("metadata").getMap())
        .isEqualTo(Map.of("cobot_member", "member-9"));
    assertThat(result.customerRef()).isEqualTo("member-9");
  }

  @Test
  void withoutAPublishableKeyNothingIsSent() {
    Credentials noPublishableKey =
        plugin.validateCredentials(
            new JsonObject()
                .put("webhookSecret", StripeSimulator.newWebhookSecret())
                .put("apiKey", apiKey));

    PermanentGatewayException e =
        harness.failure(
            PermanentGatewayException.class,
            () -> plugin.startSetup("member-1", null, noPublishableKey));

    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("publishableKey").hasMessageContaining("gateway settings");
    assertThat(stripe.calls()).isEmpty();
  }

  @Test
  void withoutASecretKeyOrWithAMalformedCustomerNothingIsSent() {
    Credentials noApiKey =
        plugin.validateCredentials(
            new JsonObject()
                .put("webhookSecret", StripeSimulator.newWebhookSecret())
                .put("publishableKey", stripe.publishableKey()));

    assertThat(
            harness.failure(
                PermanentGatewayException.class,
                () -> plugin.startSetup("member-1", null, noApiKey)))
        .hasMessageContaining("apiKey");
    assertThat(
            harness.failure(
                PermanentGatewayException.class,
                () -> plugin.startSetup("member-1", "../v1/charges", credentials())))
        .hasMessageContaining("not a Stripe customer id");
    assertThat(stripe.calls()).isEmpty();
  }

  @Test
  void aPublishableKeyMustLookLikeOne() {
    assertThatThrownBy(() -> credentials("publishableKey", "sk_test_123"))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("publishableKey"))
        .hasMessageContaining("pk_");
    assertThat(credentials().get("publishableKey")).isEqualTo(stripe.publishableKey());
  }

  @Test
  void aSavedCardSucceedsAndCanBeChargedOffSession() {
    SetupStart start = start("member-42", null);
    stripe.confirmSetup(start.setupId(), StripeTestCards.VISA);

    SetupResult result = result(start.setupId());

    String method = stripe.setupIntent(start.setupId()).getString("payment_method");
    assertThat(result)
        .isEqualTo(
            new SetupResult(SetupStatus.SUCCEEDED, start.customer(), method, "member-42", null));
    MethodDetails details =
        harness.onEventLoop(() -> plugin.describe(start.customer(), method, credentials()));
    assertThat(details).isEqualTo(new MethodDetails("visa", "4242"));
    assertThat(charge(start.customer(), method).status()).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void aCardThatIsDeclinedLaterIsSavedButItsChargesFail() {
    SetupStart start = start("member-43", null);
    stripe.confirmSetup(start.setupId(), StripeTestCards.DECLINES_LATER);

    SetupResult result = result(start.setupId());

    assertThat(result.status()).isEqualTo(SetupStatus.SUCCEEDED);
    ChargeOutcome outcome = charge(start.customer(), result.paymentMethod());
    assertThat(outcome.status()).isEqualTo(Status.FAILED);
    assertThat(outcome.failureCode()).isEqualTo("card_declined");
    assertThat(outcome.failureMessage()).isEqualTo("Your card was declined.");
  }

  @Test
  void aCardDeclinedWhenSavedFailsWithStripesMessage() {
    SetupStart start = start("member-44", null);
    stripe.confirmSetup(start.setupId(), StripeTestCards.DECLINED);

    assertThat(result(start.setupId()))
        .isEqualTo(
            new SetupResult(
                SetupStatus.FAILED, null, null, "member-44", "Your card was declined."));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "processing, PENDING",
    "requires_action, PENDING",
    "requires_confirmation, PENDING",
    "requires_payment_method, FAILED",
    "canceled, FAILED"
  })
  void theIntentsStatusSaysWhereTheSetupStands(String status, SetupStatus expected) {
    stripe.answerNext(
        "GET",
        "/v1/setup_intents/seti_Status01",
        200,
        new JsonObject()
            .put("id", "seti_Status01")
            .put("object", "setup_intent")
            .put("status", status)
            .put("metadata", new JsonObject().put("customer_ref", "member-5"))
            .encode());

    SetupResult result = result("seti_Status01");

    assertThat(result.status()).isEqualTo(expected);
    assertThat(result.customerRef()).isEqualTo("member-5");
    if (expected == SetupStatus.FAILED) {
      assertThat(result.failureMessage()).isNotBlank();
    }
  }

  @Test
  void anExpandedCustomerAndPaymentMethodAreReadByTheirIds() {
    stripe.answerNext(
        "GET",
        "/v1/setup_intents/seti_Expanded01",
        200,
        new JsonObject()
            .put("id", "seti_Expanded01")
            .put("status", "succeeded")
            .put("customer", new JsonObject().put("id", "cus_X1").put("object", "customer"))
            .put(
                "payment_method",
                new JsonObject().put("id", "pm_X1").put("object", "payment_method"))
            .put("metadata", new JsonObject())
            .encode());

    assertThat(result("seti_Expanded01"))
        .isEqualTo(new SetupResult(SetupStatus.SUCCEEDED, "cus_X1", "pm_X1", null, null));
  }

  @Test
  void stripesServerErrorsAreRetryable() {
    stripe.failNext("GET", "/v1/setup_intents/seti_Flaky01", 503);
    GatewayApiException read =
        harness.failure(
            GatewayApiException.class, () -> plugin.setupResult("seti_Flaky01", credentials()));
    stripe.failNext("POST", "/v1/setup_intents", 500);
    GatewayApiException started =
        harness.failure(
            GatewayApiException.class, () -> plugin.startSetup("member-1", null, credentials()));

    assertThat(read.status()).isEqualTo(503);
    assertThat(read.retryable()).isTrue();
    assertThat(started.status()).isEqualTo(500);
    assertThat(started.retryable()).isTrue();
  }

  @Test
  void anUnknownOrMalformedSetupIdIsNotRetryable() {
    GatewayApiException unknown =
        harness.failure(
            GatewayApiException.class, () -> plugin.setupResult("seti_Unknown01", credentials()));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.retryable()).isFalse();
    assertThat(unknown).hasMessageContaining("resource_missing");

    stripe.clearCalls();
    assertThat(
            harness.failure(
                PermanentGatewayException.class,
                () -> plugin.setupResult("pi_123/../../v1/customers", credentials())))
        .hasMessageContaining("not a Stripe setup intent id");
    assertThat(stripe.calls()).isEmpty();
  }

  private ChargeOutcome charge(String customer, String paymentMethod) {
    OffSessionCharge charge =
        new OffSessionCharge(
            UUID.randomUUID().toString(),
            "member",
            customer,
            paymentMethod,
            2500,
            "EUR",
            "Desk, March",
            Map.of(),
            null);
    return harness.onEventLoop(() -> plugin.charge(charge, credentials()));
  }
}
