package io.paybridge.gateway.payeer;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.PluginReceiverExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin: the form and peer address that arrive over the wire must verify, and Payeer
 * gets the answer it reads.
 */
class PayeerWebhookHttpTest {

  private static final String SHOP = "1245370185";
  private static final String SECRET = "http-test-secret";

  private final PayeerPlugin plugin = new PayeerPlugin();
  private final PayeerSimulator payeer = new PayeerSimulator(SHOP, SECRET);
  private Credentials credentials = credentials("127.0.0.0/8, ::1/128");

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, () -> credentials);

  private Credentials credentials(String allowedIps) {
    return plugin.validateCredentials(payeer.credentialsJson().put("allowedIps", allowedIps));
  }

  @Test
  void postedNotificationArrivesAsSignedVerifiesAndIsAcknowledged() {
    // GIVEN a paid order whose id and extras need URL encoding
    Map<String, String> fields =
        PayeerSimulator.withUnsignedExtras(
            payeer.success(PayeerSimulator.newOperationId(), "заказ 42/7", "1499.00", "RUB"));
    String body = PayeerSimulator.form(fields);

    // WHEN the simulator posts it from an allowed address
    HttpResponse<Buffer> response = http.receiver().post(PayeerSimulator.webhook(body)).await();

    // THEN Payeer reads "<order>|success" and the receiver got exactly the signed form
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("заказ 42/7|success");
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    WebhookRequest delivery = http.receiver().received().peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.remoteAddress()).isEqualTo("127.0.0.1");
    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo(fields.get("m_operation_id"));
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(149_900L);
  }

  @Test
  void notificationFromAnAddressOutsideTheListIsAnsweredError() {
    credentials = credentials(String.join(",", PayeerPlugin.PUBLISHED_IPS));
    String body =
        PayeerSimulator.form(
            payeer.success(PayeerSimulator.newOperationId(), "o-9", "5.00", "USD"));

    HttpResponse<Buffer> response = http.receiver().post(PayeerSimulator.webhook(body)).await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("o-9|error");
  }
}
