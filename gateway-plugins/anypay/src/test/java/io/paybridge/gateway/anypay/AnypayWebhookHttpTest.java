package io.paybridge.gateway.anypay;

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
 * does with a plugin: the parameters and peer address that arrive over the wire must verify, and
 * Anypay gets the {@code OK} that stops its repeats.
 */
class AnypayWebhookHttpTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "http-test-secret";

  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypaySimulator anypay = new AnypaySimulator(PROJECT, SECRET);
  private Credentials credentials = credentials("127.0.0.0/8, ::1/128");

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, () -> credentials);

  private Credentials credentials(String allowedIps) {
    return plugin.validateCredentials(anypay.credentialsJson().put("allowedIps", allowedIps));
  }

  @Test
  void postedNotificationArrivesAsSignedVerifiesAndIsAnsweredOk() {
    // GIVEN a paid order notification with everything Anypay sends
    Map<String, String> fields =
        anypay.notification(
            AnypaySimulator.newTransactionId(), "1443429", "1499.00", "RUB", "paid");
    String body = AnypaySimulator.form(fields);

    // WHEN the simulator posts it from an allowed address
    HttpResponse<Buffer> response = http.receiver().post(AnypaySimulator.webhook(body)).await();

    // THEN Anypay reads OK and the receiver got exactly the signed form
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("OK");
    WebhookRequest delivery = http.receiver().received().peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.remoteAddress()).isEqualTo("127.0.0.1");
    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo("1443429:paid");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(149_900L);
  }

  @Test
  void parametersInTheQueryStringVerifyToo() {
    Map<String, String> fields =
        anypay.notification(
            AnypaySimulator.newTransactionId(), "1443430", "20.00", "RUB", "refund");

    HttpResponse<Buffer> response =
        http.receiver().post(AnypaySimulator.queryWebhook(fields)).await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("OK");
    assertThat(http.receiver().received().peek().body().length()).isZero();
    assertThat(
            plugin
                .parse(http.receiver().received().peek(), credentials)
                .events()
                .get(0)
                .amountMinor())
        .isEqualTo(-2000L);
  }

  @Test
  void notificationFromAnAddressOutsideTheListIsNotAnsweredOk() {
    credentials = credentials(String.join(",", AnypayPlugin.PUBLISHED_IPS));
    String body =
        AnypaySimulator.form(
            anypay.notification(
                AnypaySimulator.newTransactionId(), "1443431", "5.00", "RUB", "paid"));

    HttpResponse<Buffer> response = http.receiver().post(AnypaySimulator.webhook(body)).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsString()).isNotEqualTo("OK");
  }
}
