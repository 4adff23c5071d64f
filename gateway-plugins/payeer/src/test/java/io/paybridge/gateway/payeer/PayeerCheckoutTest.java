package io.paybridge.gateway.payeer;

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
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
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
 * Checkouts as Payeer's signed merchant payment page: the URL's fields and signature, checked by
 * {@link PayeerMerchantPage} (which opens the payment only for a correctly signed form), amounts
 * with two decimals, an account without its keys; and Payeer's notification of the payment booked
 * as the checkout's (its order id is the external payment id).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayeerCheckoutTest {

  private static final String SHOP = "1918541233";
  private static final String SECRET = "Mu9sQr2bLk7Vx4Pw";

  private Vertx vertx;
  private WebClient client;
  private PayeerMerchantPage page;
  private final PayeerPlugin plugin = new PayeerPlugin();
  private final PayeerSimulator notifications = new PayeerSimulator(SHOP, SECRET);
  private Credentials account;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    page = new PayeerMerchantPage(SHOP, SECRET).start(vertx).await();
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), page.pluginSettings())));
    account = plugin.validateCredentials(notifications.credentialsJson());
  }

  @BeforeEach
  void forget() {
    page.reset();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  private static CheckoutRequest checkout(long minor, String currency, String description) {
    String id = UUID.randomUUID().toString();
    return new CheckoutRequest(
        id,
        "paybridge-checkout-" + id,
        "member-42",
        minor,
        currency,
        description,
        "https://paybridge.example/hooks/hk_3/payeer",
        "https://app.example/back");
  }

  private HttpResponse<Buffer> open(StartedCheckout started) {
    return client.getAbs(started.client().getString("url")).send().await();
  }

  @Test
  void startGivesTheSignedPaymentPageOfTheCheckoutsOrder() {
    CheckoutRequest request = checkout(14_990, "RUB", "Day pass");

    StartedCheckout started = await(plugin.start(request, account));

    assertThat(page.calls()).isEmpty();
    assertThat(started.reference()).isEqualTo(request.checkoutId());
    assertThat(started.client().getString("url")).startsWith(page.baseUrl() + "/merchant/?");
    HttpResponse<Buffer> shown = open(started);
    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    ApiCall call = page.calls().get(0);
    Map<String, String> query = call.queryParams();
    String desc = Base64.getEncoder().encodeToString("Day pass".getBytes(StandardCharsets.UTF_8));
    assertThat(query)
        .containsExactly(
            Map.entry("m_shop", SHOP),
            Map.entry("m_orderid", request.checkoutId()),
            Map.entry("m_amount", "149.90"),
            Map.entry("m_curr", "RUB"),
            Map.entry("m_desc", desc),
            Map.entry(
                "m_sign",
                PayeerMerchantPage.signOf(
                    String.join(":", SHOP, request.checkoutId(), "149.90", "RUB", desc, SECRET))));
    assertThat(shown.bodyAsString()).contains("Day pass").contains(request.checkoutId());
  }

  @Test
  void theSamePageIsGivenOnEveryTry() {
    CheckoutRequest request = checkout(500, "USD", null);

    StartedCheckout first = await(plugin.start(request, account));
    StartedCheckout second = await(plugin.start(request, account));

    assertThat(second.client()).isEqualTo(first.client());
    assertThat(open(first).bodyAsString()).contains("Order " + request.checkoutId());
  }

  @ParameterizedTest
  @CsvSource({"1500, JPY, 1500.00", "7, USD, 0.07", "1230, KWD, 1.23"})
  void amountsHaveTwoDecimals(long minor, String currency, String amount) {
    StartedCheckout started = await(plugin.start(checkout(minor, currency, "x"), account));

    open(started);
    assertThat(page.calls().get(0).queryParams().get("m_amount")).isEqualTo(amount);
  }

  @Test
  void anAmountFinerThanTwoDecimalsIsRefused() {
    Throwable e = failure(plugin.start(checkout(1234, "KWD", "x"), account));

    assertThat(e).isInstanceOf(PermanentGatewayException.class).hasMessageContaining("1.234");
  }

  @Test
  void anAccountWithoutItsSecretKeyFailsNamingIt() {
    Throwable e =
        failure(
            plugin.start(
                checkout(500, "USD", "x"), new Credentials(Map.of(PayeerPlugin.SHOP_ID, SHOP))));

    assertThat(e).isInstanceOf(PermanentGatewayException.class).hasMessageContaining("'secretKey'");
  }

  @Test
  void aPageSignedWithAnotherKeyIsRefusedByPayeer() {
    Credentials otherKey =
        plugin.validateCredentials(
            new io.vertx.core.json.JsonObject()
                .put("shopId", SHOP)
                .put("secretKey", "another-merchant-key"));

    HttpResponse<Buffer> shown = open(await(plugin.start(checkout(500, "USD", "x"), otherKey)));

    assertThat(shown.statusCode()).isEqualTo(400);
    assertThat(shown.bodyAsString()).contains("wrong signature");
  }

  @Test
  void payeersNotificationOfThePageBooksTheCheckoutsOrder() {
    CheckoutRequest request = checkout(14_990, "RUB", "Day pass");
    StartedCheckout started = await(plugin.start(request, account));

    String body =
        PayeerSimulator.form(
            notifications.success(
                PayeerSimulator.newOperationId(), request.checkoutId(), "149.90", "RUB"));
    WebhookRequest delivery = notifications.request(body);
    assertThat(await(plugin.verify(delivery, account)).authentic()).isTrue();
    PaymentEvent event = plugin.parse(delivery, account).events().get(0);

    assertThat(event.externalPaymentId()).isEqualTo(started.reference());
    assertThat(event.amountMinor()).isEqualTo(14_990L);
    assertThat(event.currency()).isEqualTo("RUB");
  }
}
