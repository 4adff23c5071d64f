package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.PaymentEvent;
import io.paybridge.testkit.PluginReceiver;
import io.paybridge.testkit.PluginReceiverExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator's webhooks over real HTTP to the kit's receiver, which hands each delivery to the
 * plugin the way the platform's ingest does: verify, parse, resolve, answer with the plugin's
 * acknowledgement or refusal.
 */
class CodeWalletHttpTest {

  private final CodePlugin plugin = new CodePlugin();
  private final CodeWalletSimulator wallet = new CodeWalletSimulator();

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, wallet::credentials);

  private HttpResponse<Buffer> post(String jwt) {
    return receiver().post(CodeWalletSimulator.webhook(jwt)).await();
  }

  private PluginReceiver receiver() {
    return http.receiver();
  }

  @Test
  void aSignedPaymentPostedOverHttpIsAcknowledgedWith200AndRecorded() {
    // GIVEN a paid intent signed by the wallet
    String intent = CodeWalletSimulator.newIntentId();
    String jwt = wallet.intentSubmitted(intent, "0.25", "usd");

    // WHEN the wallet posts it
    HttpResponse<Buffer> response = post(jwt);

    // THEN the receiver answers exactly 200 and books 25 US cents for the intent
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver().events()).hasSize(1);
    PaymentEvent payment = receiver().events().get(0);
    assertThat(payment.entryKey()).isEqualTo("payment:" + intent);
    assertThat(payment.amountMinor()).isEqualTo(25L);
    assertThat(payment.currency()).isEqualTo("USD");
  }

  @Test
  void aTokenSignedByAnotherWalletIsRefused() {
    String jwt =
        new CodeWalletSimulator().intentSubmitted(CodeWalletSimulator.newIntentId(), "1", "usd");

    HttpResponse<Buffer> response = post(jwt);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(receiver().events()).isEmpty();
  }

  @Test
  void aPaymentToAnotherMerchantPostedHereIsRefusedWith200() {
    // GIVEN a genuine Code payment to another merchant's wallet (Code's one key signs it)
    CodeWalletSimulator otherMerchant = wallet.forAnotherMerchant();
    String jwt = otherMerchant.intentSubmitted(CodeWalletSimulator.newIntentId(), "50", "usd");

    // WHEN it is posted to this tenant's webhook URL
    HttpResponse<Buffer> response = post(jwt);

    // THEN nothing is booked, the refusal says why, and Code gets the 200 that stops its retries
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver().events()).isEmpty();
    assertThat(receiver().rejections())
        .containsExactly(
            "payment to deposit address "
                + otherMerchant.depositAddress()
                + ", not this account's "
                + wallet.depositAddress());
  }

  @Test
  void anUnknownStateIsAcknowledgedButNotRecorded() {
    String jwt =
        wallet.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "CONFIRMED"));

    HttpResponse<Buffer> response = post(jwt);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver().events()).isEmpty();
  }

  @Test
  void theSimulatorSendsTheJwtContentType() {
    // WHEN the wallet posts a token
    post(wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1", "usd"));

    // THEN it said application/jwt
    assertThat(receiver().received().peek().header("Content-Type")).isEqualTo("application/jwt");
  }
}
