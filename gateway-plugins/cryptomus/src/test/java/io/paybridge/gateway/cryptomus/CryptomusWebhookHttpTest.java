package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.PluginReceiverExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin: the bytes and peer address that arrive over the wire must verify.
 */
class CryptomusWebhookHttpTest {

  private static final String MERCHANT = "c26b80a8-9549-4a66-bb53-774f12809249";
  private static final String KEY = "httpTestPaymentApiKey2Ng5Tb9Xe3Lw6Jv";

  private final CryptomusPlugin plugin = new CryptomusPlugin();
  private final CryptomusSimulator cryptomus = new CryptomusSimulator(MERCHANT, KEY);
  private Credentials credentials = credentials("127.0.0.1/32, ::1");

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, () -> credentials);

  private Credentials credentials(String allowedIps) {
    return plugin.validateCredentials(cryptomus.credentialsJson().put("allowedIps", allowedIps));
  }

  @Test
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a paid invoice whose order id and additional data need escaping
    String uuid = CryptomusSimulator.newUuid();
    JsonObject fields =
        cryptomus
            .invoice(uuid, "заказ/42", "49.90", "EUR", "paid")
            .put("additional_data", "{\"user\":\"ünïcødé\"}");
    String body = cryptomus.webhook(fields);

    // WHEN the simulator posts it from an allowed address
    HttpResponse<Buffer> response = http.receiver().post(CryptomusSimulator.webhook(body)).await();

    // THEN the receiver got exactly the signed bytes, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(http.receiver().received()).hasSize(1);
    WebhookRequest delivery = http.receiver().received().peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.remoteAddress()).isEqualTo("127.0.0.1");
    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo(uuid + ":paid");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("заказ/42");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(4990L);
  }

  @Test
  void webhookFromAnAddressOutsideTheListIsRefused() {
    credentials = credentials("91.227.144.54");
    String body = cryptomus.paid(CryptomusSimulator.newUuid(), "o-1", "5", "USD");

    HttpResponse<Buffer> response = http.receiver().post(CryptomusSimulator.webhook(body)).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(http.receiver().received()).hasSize(1);
  }

  @Test
  void webhookSignedWithAnotherKeyIsRefused() {
    CryptomusSimulator stranger = new CryptomusSimulator(MERCHANT, "someone-elses-key");
    String body = stranger.paid(CryptomusSimulator.newUuid(), "o-2", "5", "USD");

    HttpResponse<Buffer> response = http.receiver().post(CryptomusSimulator.webhook(body)).await();

    assertThat(response.statusCode()).isEqualTo(401);
  }
}
