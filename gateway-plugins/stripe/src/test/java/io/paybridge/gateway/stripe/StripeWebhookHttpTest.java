package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.spi.testkit.PluginReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's {@code post} against a small HTTP receiver that does what the platform's ingest
 * does with a plugin: whatever bytes and headers arrive over the wire must verify.
 */
@ExtendWith(VertxExtension.class)
class StripeWebhookHttpTest {

  private final StripePlugin plugin = new StripePlugin();
  private final String secret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator stripe = new StripeSimulator(secret);
  private final Credentials credentials =
      plugin.credentialSchema().validate(new JsonObject().put("webhookSecret", secret));
  private Queue<WebhookRequest> received;

  private PluginReceiver receiver;
  private WebClient client;
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) {
    receiver = PluginReceiver.start(vertx, plugin, () -> credentials).await();
    received = receiver.received();
    client = WebClient.create(vertx);
    url = receiver.url();
  }

  @AfterEach
  void stopReceiver() {
    client.close();
    receiver.close().await();
  }

  @Test
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a payment whose body has non-ASCII characters, so any re-encoding would show
    JsonObject intent =
        new JsonObject(stripe.paymentIntentSucceeded("evt_h", "pi_h", 2000, "eur", "Zoë ☕ 42"))
            .getJsonObject("data")
            .getJsonObject("object");
    String body = stripe.event("evt_http", "payment_intent.succeeded", intent);

    // WHEN the simulator posts it
    HttpResponse<Buffer> response = stripe.post(client, url, body).await();

    // THEN the receiver got exactly the signed bytes and headers, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    assertThat(received).hasSize(1);
    WebhookRequest delivery = received.peek();
    assertThat(delivery.method()).isEqualTo("POST");
    assertThat(delivery.path()).isEqualTo("/hooks/test/stripe");
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header("Content-Type")).startsWith("application/json");
    String header = delivery.header(StripePlugin.SIGNATURE_HEADER);
    assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
    long t = Long.parseLong(header.substring(2, header.indexOf(',')));
    assertThat(header).isEqualTo(stripe.signatureHeader(body, Instant.ofEpochSecond(t)));

    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.eventId()).isEqualTo("evt_http");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("Zoë ☕ 42");
  }

  @Test
  void webhookSignedWithAnotherSecretIsRefused() {
    StripeSimulator stranger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    String body = stranger.paymentIntentSucceeded("evt_x", "pi_x", 2000, "usd", "user-1");

    HttpResponse<Buffer> response = stranger.post(client, url, body).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(received).hasSize(1);
  }
}
