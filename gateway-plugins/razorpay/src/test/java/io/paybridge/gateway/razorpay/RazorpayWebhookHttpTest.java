package io.paybridge.gateway.razorpay;

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
 * does with a plugin: whatever bytes and headers arrive over the wire must verify.
 */
class RazorpayWebhookHttpTest {

  private static final String SECRET = "http-test-webhook-secret";

  private final RazorpayPlugin plugin = new RazorpayPlugin();
  private final RazorpaySimulator razorpay = new RazorpaySimulator(SECRET);
  private final Credentials credentials = razorpay.credentials();

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(plugin, () -> credentials);

  @Test
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a captured payment whose notes have non-ASCII characters, so any re-encoding would show
    String body = razorpay.paymentCaptured("pay_Http000000001", 49_900, "INR", "पाठक-42 ☕");

    // WHEN the simulator posts it
    HttpResponse<Buffer> response =
        http.receiver().post(razorpay.webhook(body, "EvtHttp0000001")).await();

    // THEN the receiver got exactly the signed bytes and headers, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    assertThat(http.receiver().received()).hasSize(1);
    WebhookRequest delivery = http.receiver().received().peek();
    assertThat(delivery.method()).isEqualTo("POST");
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
    assertThat(delivery.header(RazorpayPlugin.SIGNATURE_HEADER))
        .isEqualTo(razorpay.signature(body));
    assertThat(delivery.header(RazorpayPlugin.EVENT_ID_HEADER)).isEqualTo("EvtHttp0000001");

    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId())
        .as("keyed by the signed body, not the header")
        .startsWith("payment.captured:pay_Http000000001@");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("पाठक-42 ☕");
  }

  @Test
  void webhookSignedWithAnotherSecretIsRefused() {
    RazorpaySimulator stranger = new RazorpaySimulator("someone-elses-secret");
    String body = stranger.paymentCaptured("pay_Stranger00001", 49_900, "INR", null);

    HttpResponse<Buffer> response =
        http.receiver().post(stranger.webhook(body, "EvtHttp0000002")).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(http.receiver().received()).hasSize(1);
  }
}
