package io.paybridge.gateway.paypal;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.PluginReceiver;
import io.paybridge.testkit.Webhook;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin, on the event loop: whatever bytes and headers arrive over the wire must
 * verify, with the signing certificate fetched from the simulator.
 */
@ExtendWith(VertxExtension.class)
class PayPalWebhookHttpTest {

  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private Credentials credentials;
  private PluginReceiver receiver;
  private Queue<WebhookRequest> received;

  @BeforeEach
  void start(Vertx vertx) {
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    plugin.init(new PluginContext(vertx, Clock.systemUTC(), paypal.pluginSettings())).await();
    credentials = plugin.validateCredentials(paypal.credentialsJson());
    receiver = PluginReceiver.start(vertx, plugin, () -> credentials).await();
    received = receiver.received();
  }

  @AfterEach
  void stop() {
    receiver.close().await();
    paypal.close().await();
  }

  @Test
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a capture whose custom_id has non-ASCII characters, so any re-encoding would show
    String body =
        paypal.captureCompleted("WH-HTTP", "3C679366HH908993F", "19.90", "EUR", "0.73", "Zoë ☕ 42");

    // WHEN the simulator posts it
    HttpResponse<Buffer> response = receiver.post(paypal.webhook(body)).await();

    // THEN the receiver got exactly the signed bytes and headers, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    assertThat(received).hasSize(1);
    WebhookRequest delivery = received.peek();
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header(PayPalPlugin.CERT_URL_HEADER)).isEqualTo(paypal.certUrl());
    assertThat(delivery.header(PayPalPlugin.AUTH_ALGO_HEADER)).isEqualTo("SHA256withRSA");
    assertThat(delivery.header(PayPalPlugin.TRANSMISSION_ID_HEADER))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    assertThat(paypal.calls(HttpMethod.GET, PayPalSimulator.CAPTURES))
        .extracting(ApiCall::path)
        .as("acknowledged after PayPal's API confirmed the capture")
        .containsExactly(PayPalSimulator.CAPTURES + "3C679366HH908993F");

    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo("WH-HTTP");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("Zoë ☕ 42");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(1990L);
  }

  @Test
  void aDeliverySignedByAnotherPayPalIsRefused() {
    // GIVEN a delivery for this webhook signed with a certificate of the right name that chains
    // to a root this plugin does not trust
    PayPalSimulator stranger = new PayPalSimulator(PayPalSimulator.SANDBOX);
    String body = stranger.saleCompleted("WH-X", "S1", "5.00", "USD", null, "I-1", null);
    String path = "/v1/notifications/certs/CERT-stranger";
    paypal.serveCertificates(
        path,
        PayPalTestPki.pem(stranger.signer().certificate(), stranger.intermediate().certificate()));
    MultiMap headers =
        paypal.headers(
            body,
            "e0a5ad20-a6e1-11f0-9f1b-3d1c6b8f4c1d",
            Instant.now(),
            paypal.certUrlFor(path),
            stranger.signer().privateKey());

    // WHEN it is posted
    HttpResponse<Buffer> response = receiver.post(Webhook.of(body, headers)).await();

    // THEN the plugin refuses it with the default answer
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("invalid_signature");
  }
}
