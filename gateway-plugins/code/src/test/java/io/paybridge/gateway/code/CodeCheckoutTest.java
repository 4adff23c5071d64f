package io.paybridge.gateway.code;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.testkit.PluginReceiverExtension;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkouts in the Code wallet: what the app's payment intent must name, without a call; an account
 * without a usable deposit address; and the intent's webhook, posted by the simulated sequencer to
 * the URL the checkout gave, booking the intent id as the external payment id.
 */
class CodeCheckoutTest {

  private final CodePlugin plugin = new CodePlugin();
  private final CodeWalletSimulator wallet = new CodeWalletSimulator();

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, wallet::credentials);

  private CheckoutRequest checkout(long minor, String currency, String webhookUrl) {
    String id = UUID.randomUUID().toString();
    return new CheckoutRequest(
        id, "paybridge-checkout-" + id, "player-9", minor, currency, "Gems", webhookUrl, null);
  }

  @Test
  void startGivesTheAppWhatItsIntentMustNameAndMakesNoCall() {
    CheckoutRequest request = checkout(25, "USD", "https://paybridge.example/hooks/hk_9/code");

    StartedCheckout started = await(plugin.start(request, wallet.credentials()));

    assertThat(started.reference()).isEqualTo(request.checkoutId());
    assertThat(started.client().encode())
        .isEqualTo(
            new JsonObject()
                    .put("webhookUrl", "https://paybridge.example/hooks/hk_9/code")
                    .put("destination", wallet.depositAddress())
                    .encode()
                    .replace("}", "")
                + ",\"amount\":0.25,\"currency\":\"usd\",\"idempotencyKey\":\""
                + request.idempotencyKey()
                + "\"}");
    assertThat(http.receiver().received()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"1500, JPY, 1500, jpy", "500000, KIN, 5.00000, kin", "5, EUR, 0.05, eur"})
  void theAmountIsInMajorUnitsOfTheCurrency(
      long minor, String currency, String amount, String sdkCurrency) {
    StartedCheckout started =
        await(plugin.start(checkout(minor, currency, "https://h.example/c"), wallet.credentials()));

    assertThat(started.client().encode()).contains("\"amount\":" + amount + ",");
    assertThat(started.client().getString("currency")).isEqualTo(sdkCurrency);
  }

  @Test
  void anAccountWithoutADepositAddressFailsNamingIt() {
    Credentials keyOnly = Credentials.of(CodePlugin.PUBLIC_KEY_FIELD, wallet.publicKeyBase58());

    Throwable e = failure(plugin.start(checkout(25, "USD", "https://h.example/c"), keyOnly));

    assertThat(e)
        .isInstanceOf(PermanentGatewayException.class)
        .hasMessageContaining("'depositAddress'");
  }

  @Test
  void anUnusableDepositAddressFailsNamingIt() {
    Credentials broken = Credentials.of(CodePlugin.DEPOSIT_ADDRESS_FIELD, "not-base58-0OIl");

    Throwable e = failure(plugin.start(checkout(25, "USD", "https://h.example/c"), broken));

    assertThat(e)
        .isInstanceOf(PermanentGatewayException.class)
        .hasMessageContaining("'depositAddress' is unusable");
  }

  @Test
  void theIntentsWebhookToTheCheckoutsUrlBooksTheIntentIdAsTheExternalPaymentId() {
    CheckoutRequest request = checkout(25, "USD", http.receiver().url());
    JsonObject client = await(plugin.start(request, wallet.credentials())).client();

    // the app creates the intent with these; once paid, the sequencer posts its webhook there
    assertThat(client.getString("webhookUrl")).isEqualTo(http.receiver().url());
    String intent = CodeWalletSimulator.newIntentId();
    String jwt =
        wallet.intentSubmitted(
            intent,
            client.getValue("amount").toString(),
            client.getString("currency"),
            client.getString("destination"));
    assertThat(http.receiver().post(CodeWalletSimulator.webhook(jwt)).await().statusCode())
        .isEqualTo(200);

    PaymentEvent payment = http.receiver().events().get(0);
    assertThat(payment.externalPaymentId()).isEqualTo(intent);
    assertThat(payment.entryKey()).isEqualTo("payment:" + intent);
    assertThat(payment.amountMinor()).isEqualTo(25L);
    assertThat(payment.currency()).isEqualTo("USD");
  }
}
