package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Year;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link StripeApiFake}'s customers, setup intents and Stripe.js stand-in, over HTTP. */
@ExtendWith(VertxExtension.class)
class StripeSetupFakeTest {

  private final String secretKey = StripeApiFake.newSecretKey();
  private final StripeApiFake stripe = new StripeApiFake(secretKey);
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) {
    stripe.start(vertx).await();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    client.close();
    stripe.close().await();
  }

  @Test
  void customersAreCreatedOnceUnderAnIdempotencyKey() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("metadata[customer_ref]", "member-1");

    HttpResponse<Buffer> first =
        secret(HttpMethod.POST, "/v1/customers")
            .putHeader("Idempotency-Key", "k1")
            .sendForm(form)
            .await();
    HttpResponse<Buffer> again =
        secret(HttpMethod.POST, "/v1/customers")
            .putHeader("Idempotency-Key", "k1")
            .sendForm(form)
            .await();

    JsonObject customer = first.bodyAsJsonObject();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(customer.getString("id")).startsWith("cus_");
    assertThat(customer.getString("object")).isEqualTo("customer");
    assertThat(customer.getJsonObject("metadata").getString("customer_ref")).isEqualTo("member-1");
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(customer.getString("id"));
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(stripe.customers()).containsExactly(customer);
  }

  @Test
  void aSetupIntentNeedsAnExistingCustomerAndIsReadWithTheSecretKey() {
    HttpResponse<Buffer> unknown =
        secret(HttpMethod.POST, "/v1/setup_intents")
            .sendForm(MultiMap.caseInsensitiveMultiMap().add("customer", "cus_Nobody"))
            .await();
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code"))
        .isEqualTo("resource_missing");

    JsonObject intent = newIntent();
    assertThat(intent.getString("id")).startsWith("seti_");
    assertThat(intent.getString("object")).isEqualTo("setup_intent");
    assertThat(intent.getString("client_secret")).startsWith(intent.getString("id") + "_secret_");
    assertThat(intent.getString("status")).isEqualTo("requires_payment_method");
    assertThat(intent.getString("usage")).isEqualTo("off_session");
    assertThat(intent.getValue("payment_method")).isNull();
    assertThat(intent.getJsonObject("metadata").getString("customer_ref")).isEqualTo("member-1");

    HttpResponse<Buffer> read =
        secret(HttpMethod.GET, "/v1/setup_intents/" + intent.getString("id")).send().await();
    assertThat(read.bodyAsJsonObject()).isEqualTo(intent);
    assertThat(secret(HttpMethod.GET, "/v1/setup_intents/seti_Nope").send().await().statusCode())
        .isEqualTo(404);
    HttpResponse<Buffer> withPublishable =
        client
            .requestAbs(
                HttpMethod.GET, stripe.baseUrl() + "/v1/setup_intents/" + intent.getString("id"))
            .bearerTokenAuthentication(stripe.publishableKey())
            .send()
            .await();
    assertThat(withPublishable.statusCode()).isEqualTo(401);
  }

  @Test
  void theConfirmAnswersACorsPreflight() {
    HttpResponse<Buffer> preflight =
        client
            .requestAbs(HttpMethod.OPTIONS, stripe.baseUrl() + "/v1/setup_intents/seti_1/confirm")
            .putHeader("Origin", "https://members.example")
            .putHeader("Access-Control-Request-Method", "POST")
            .putHeader("Access-Control-Request-Headers", "authorization, content-type")
            .send()
            .await();

    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers"))
        .isEqualTo("Authorization, Content-Type");
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).isEqualTo("POST");
  }

  @Test
  void aTestCardIsSavedWithThePublishableKeyAndAttachedToTheCustomer() {
    JsonObject intent = newIntent();
    String id = intent.getString("id");

    HttpResponse<Buffer> confirmed = confirm(intent, StripeTestCards.MASTERCARD, true).await();

    assertThat(confirmed.statusCode()).isEqualTo(200);
    assertThat(confirmed.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    JsonObject seen = confirmed.bodyAsJsonObject();
    assertThat(seen.getString("status")).isEqualTo("succeeded");
    assertThat(seen.containsKey("customer")).as("hidden from the publishable key").isFalse();
    String method = seen.getString("payment_method");
    assertThat(stripe.setupIntent(id).getString("payment_method")).isEqualTo(method);
    JsonObject saved =
        secret(HttpMethod.GET, "/v1/payment_methods/" + method).send().await().bodyAsJsonObject();
    assertThat(saved.getString("customer")).isEqualTo(intent.getString("customer"));
    assertThat(saved.getJsonObject("card").getString("brand")).isEqualTo("mastercard");
    assertThat(saved.getJsonObject("card").getString("last4")).isEqualTo("4444");
    assertThat(charge(intent, method).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> twice = confirm(intent, StripeTestCards.VISA, false).await();
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(twice.bodyAsJsonObject().getJsonObject("error").getString("code"))
        .isEqualTo("setup_intent_unexpected_state");
  }

  @Test
  void aCardDeclinedLaterIsSavedButDeclinedOffSession() {
    JsonObject intent = newIntent();

    HttpResponse<Buffer> confirmed = confirm(intent, StripeTestCards.DECLINES_LATER, false).await();

    assertThat(confirmed.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> charged =
        charge(intent, confirmed.bodyAsJsonObject().getString("payment_method"));
    assertThat(charged.statusCode()).isEqualTo(402);
    JsonObject error = charged.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("card_error");
    assertThat(error.getString("code")).isEqualTo("card_declined");
    assertThat(error.getString("message")).isEqualTo("Your card was declined.");
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "4000000000000002, card_declined, Your card was declined.",
    "4242424242424241, incorrect_number, Your card number is incorrect."
  })
  void aRefusedCardLeavesTheIntentForAnotherCard(String number, String code, String message) {
    JsonObject intent = newIntent();
    String id = intent.getString("id");

    HttpResponse<Buffer> refused = confirm(intent, number, false).await();

    assertThat(refused.statusCode()).isEqualTo(402);
    assertThat(refused.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("card_error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isEqualTo(message);
    assertThat(error.getJsonObject("setup_intent").getString("id")).isEqualTo(id);
    JsonObject held = stripe.setupIntent(id);
    assertThat(held.getString("status")).isEqualTo("requires_payment_method");
    assertThat(held.getJsonObject("last_setup_error").getString("code")).isEqualTo(code);
    assertThat(confirm(intent, StripeTestCards.VISA, false).await().statusCode()).isEqualTo(200);
  }

  @Test
  void theConfirmNeedsThePublishableKeyAndTheClientSecret() {
    JsonObject intent = newIntent();
    String path = "/v1/setup_intents/" + intent.getString("id") + "/confirm";
    MultiMap card = card(intent.getString("client_secret"), StripeTestCards.VISA);

    int withSecretKey =
        client
            .postAbs(stripe.baseUrl() + path)
            .bearerTokenAuthentication(secretKey)
            .sendForm(card)
            .await()
            .statusCode();
    int withOtherKey =
        client
            .postAbs(stripe.baseUrl() + path)
            .sendForm(MultiMap.caseInsensitiveMultiMap().addAll(card).add("key", "pk_test_other"))
            .await()
            .statusCode();
    int withOtherSecret =
        client
            .postAbs(stripe.baseUrl() + path)
            .sendForm(
                card(intent.getString("id") + "_secret_wrong", StripeTestCards.VISA)
                    .add("key", stripe.publishableKey()))
            .await()
            .statusCode();

    assertThat(withSecretKey).isEqualTo(401);
    assertThat(withOtherKey).isEqualTo(401);
    assertThat(withOtherSecret).isEqualTo(400);
    assertThat(stripe.setupIntent(intent.getString("id")).getString("status"))
        .isEqualTo("requires_payment_method");
  }

  @Test
  void theStripeJsStandInIsServedAsJavaScript() {
    HttpResponse<Buffer> script = client.getAbs(stripe.stripeJsUrl()).send().await();

    assertThat(stripe.stripeJsUrl()).isEqualTo(stripe.baseUrl() + "/v3/");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(script.bodyAsString())
        .contains("window.Stripe", "confirmCardSetup", "data-stripe", "document.currentScript");
    assertThat(stripe.withPublishableKey("pk_test_fixed").publishableKey())
        .isEqualTo("pk_test_fixed");
  }

  // ---- helpers

  private HttpRequest<Buffer> secret(HttpMethod method, String path) {
    return client
        .requestAbs(method, stripe.baseUrl() + path)
        .bearerTokenAuthentication(secretKey)
        .putHeader("Stripe-Version", StripeApiFake.API_VERSION);
  }

  /** A customer tagged member-1 and a setup intent for it. */
  private JsonObject newIntent() {
    String customer =
        secret(HttpMethod.POST, "/v1/customers")
            .sendForm(MultiMap.caseInsensitiveMultiMap().add("metadata[customer_ref]", "member-1"))
            .await()
            .bodyAsJsonObject()
            .getString("id");
    return secret(HttpMethod.POST, "/v1/setup_intents")
        .sendForm(
            MultiMap.caseInsensitiveMultiMap()
                .add("customer", customer)
                .add("usage", "off_session")
                .add("payment_method_types[]", "card")
                .add("metadata[customer_ref]", "member-1"))
        .await()
        .bodyAsJsonObject();
  }

  /** Stripe.js's confirm: the key as a form field, or as a bearer token. */
  private io.vertx.core.Future<HttpResponse<Buffer>> confirm(
      JsonObject intent, String number, boolean bearer) {
    HttpRequest<Buffer> request =
        client
            .postAbs(stripe.baseUrl() + "/v1/setup_intents/" + intent.getString("id") + "/confirm")
            .putHeader("Origin", "https://members.example");
    MultiMap form = card(intent.getString("client_secret"), number);
    if (bearer) {
      request.bearerTokenAuthentication(stripe.publishableKey());
    } else {
      form.add("key", stripe.publishableKey());
    }
    return request.sendForm(form);
  }

  private static MultiMap card(String clientSecret, String number) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("client_secret", clientSecret)
        .add("payment_method_data[type]", "card")
        .add("payment_method_data[card][number]", number)
        .add("payment_method_data[card][exp_month]", "12")
        .add("payment_method_data[card][exp_year]", Integer.toString(Year.now().getValue() + 3))
        .add("payment_method_data[card][cvc]", "123");
  }

  /** An off-session charge of the saved method, as StripeCharges makes it. */
  private HttpResponse<Buffer> charge(JsonObject intent, String method) {
    return secret(HttpMethod.POST, "/v1/payment_intents")
        .sendForm(
            MultiMap.caseInsensitiveMultiMap()
                .add("amount", "2500")
                .add("currency", "eur")
                .add("customer", intent.getString("customer"))
                .add("payment_method", method)
                .add("off_session", "true")
                .add("confirm", "true"))
        .await();
  }
}
