package io.paybridge.gateway.anypay;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkouts as Anypay's signed payment form: the URL's fields and signature by each of the
 * project's schemes, checked by {@link AnypayMerchantForm}; the order number made from the checkout
 * id; accounts that cannot take the checkout; and Anypay's notification of the payment booked with
 * that order number as the external payment id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnypayCheckoutTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "NLmx0woAqrgHYnMbDSVLChCJ77R8adf";

  private Vertx vertx;
  private WebClient client;
  private AnypayMerchantForm sha256Form;
  private AnypayMerchantForm md5Form;
  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypayPlugin md5Plugin = new AnypayPlugin();
  private final AnypaySimulator notifications = new AnypaySimulator(PROJECT, SECRET);
  private Credentials account;
  private Credentials md5Account;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    sha256Form = new AnypayMerchantForm(PROJECT, SECRET, AnypayPlugin.SHA256).start(vertx).await();
    md5Form = new AnypayMerchantForm(PROJECT, SECRET, AnypayPlugin.MD5).start(vertx).await();
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), sha256Form.pluginSettings())));
    await(md5Plugin.init(new PluginContext(vertx, Clock.systemUTC(), md5Form.pluginSettings())));
    account = plugin.validateCredentials(notifications.credentialsJson());
    md5Account =
        plugin.validateCredentials(
            new JsonObject()
                .put("projectId", PROJECT)
                .put("secretKey", SECRET)
                .put("signScheme", "md5")
                .put("allowedIps", String.join(",", AnypayPlugin.PUBLISHED_IPS))
                .put("accountCurrency", "RUB"));
  }

  @BeforeEach
  void forget() {
    sha256Form.reset();
    md5Form.reset();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  private static CheckoutRequest checkout(
      String id, long minor, String currency, String description, String returnUrl) {
    return new CheckoutRequest(
        id,
        "paybridge-checkout-" + id,
        "member-42",
        minor,
        currency,
        description,
        "https://paybridge.example/hooks/hk_5/anypay",
        returnUrl);
  }

  private static CheckoutRequest checkout(long minor, String currency) {
    return checkout(UUID.randomUUID().toString(), minor, currency, "Day pass", null);
  }

  private HttpResponse<Buffer> open(StartedCheckout started) {
    return client.getAbs(started.client().getString("url")).send().await();
  }

  @Test
  void startGivesTheSha256SignedFormOfTheCheckoutsOrder() {
    CheckoutRequest request = checkout(125_000, "RUB");

    StartedCheckout started = await(plugin.start(request, account));

    assertThat(sha256Form.calls()).isEmpty();
    HttpResponse<Buffer> shown = open(started);
    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    Map<String, String> query = sha256Form.calls().get(0).queryParams();
    String payId = started.reference();
    assertThat(payId).matches("[1-9][0-9]{14}");
    assertThat(query)
        .containsExactly(
            Map.entry("merchant_id", PROJECT),
            Map.entry("pay_id", payId),
            Map.entry("amount", "1250.00"),
            Map.entry("currency", "RUB"),
            Map.entry("desc", "Day pass"),
            Map.entry(
                "sign",
                AnypayMerchantForm.hex(
                    "SHA-256",
                    String.join(
                        ":", PROJECT, payId, "1250.00", "RUB", "Day pass", "", "", SECRET))));
  }

  @Test
  void theOrderNumberIsTheSameForTheSameCheckoutAndDiffersBetweenCheckouts() {
    CheckoutRequest request = checkout(1000, "RUB");

    String first = await(plugin.start(request, account)).reference();
    String again = await(plugin.start(request, account)).reference();
    String other = await(plugin.start(checkout(1000, "RUB"), account)).reference();

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void aNumericCheckoutIdIsTheOrderNumberItself() {
    StartedCheckout started =
        await(plugin.start(checkout("1443429", 1000, "RUB", null, null), account));

    assertThat(started.reference()).isEqualTo("1443429");
    assertThat(open(started).bodyAsString()).contains("Order 1443429");
  }

  @Test
  void aReturnUrlIsSentAndSignedAsSuccessAndFailUrl() {
    CheckoutRequest request =
        checkout(UUID.randomUUID().toString(), 999, "USD", null, "https://app.example/back");

    HttpResponse<Buffer> shown = open(await(plugin.start(request, account)));

    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    Map<String, String> query = sha256Form.calls().get(0).queryParams();
    assertThat(query.get("success_url")).isEqualTo("https://app.example/back");
    assertThat(query.get("fail_url")).isEqualTo("https://app.example/back");
    assertThat(query.get("amount")).isEqualTo("9.99");
  }

  @Test
  void anMd5ProjectGetsItsFormSignedByItsScheme() {
    HttpResponse<Buffer> shown = open(await(md5Plugin.start(checkout(50_000, "RUB"), md5Account)));

    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
  }

  @Test
  void anMd5ProjectRefusesACheckoutInAnotherCurrencyThanItBooks() {
    Throwable e = failure(md5Plugin.start(checkout(1000, "USD"), md5Account));

    assertThat(e).isInstanceOf(PermanentGatewayException.class).hasMessageContaining("RUB");
  }

  @ParameterizedTest
  @CsvSource({"1500, JPY, 1500", "7, USD, 0.07"})
  void amountsAreMajorUnitsWithTheCurrencysDecimals(long minor, String currency, String amount) {
    String url = await(plugin.start(checkout(minor, currency), account)).client().getString("url");

    assertThat(url).contains("&amount=" + amount + "&");
  }

  @Test
  void aLongDescriptionIsCutToWhatAnypayShows() {
    CheckoutRequest request =
        checkout(UUID.randomUUID().toString(), 1000, "RUB", "д".repeat(200), null);

    HttpResponse<Buffer> shown = open(await(plugin.start(request, account)));

    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    assertThat(sha256Form.calls().get(0).queryParams().get("desc")).hasSize(150);
  }

  @Test
  void anAccountWithoutItsSecretKeyFailsNamingIt() {
    Throwable e =
        failure(
            plugin.start(
                checkout(1000, "RUB"), new Credentials(Map.of(AnypayPlugin.PROJECT_ID, PROJECT))));

    assertThat(e).isInstanceOf(PermanentGatewayException.class).hasMessageContaining("'secretKey'");
  }

  @Test
  void anypaysNotificationOfTheFormBooksTheOrderNumberAsTheExternalPaymentId() {
    StartedCheckout started = await(plugin.start(checkout(125_000, "RUB"), account));

    Map<String, String> paid =
        notifications.notification(
            AnypaySimulator.newTransactionId(), started.reference(), "1250.00", "RUB", "paid");
    WebhookRequest delivery = notifications.request(AnypaySimulator.form(paid));
    assertThat(await(plugin.verify(delivery, account)).authentic()).isTrue();
    PaymentEvent event = plugin.parse(delivery, account).events().get(0);

    assertThat(event.externalPaymentId()).isEqualTo(started.reference());
    assertThat(event.entryKey()).isEqualTo("payment:" + started.reference());
    assertThat(event.amountMinor()).isEqualTo(125_000L);
  }
}
