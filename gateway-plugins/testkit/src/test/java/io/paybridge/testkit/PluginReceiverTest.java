package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The receiver does with a plugin what the platform's ingest does, and its answers say so: each
 * branch (recorded, ignored, forged, malformed, API down) over real HTTP.
 */
@ExtendWith(VertxExtension.class)
class PluginReceiverTest {

  private PluginReceiver receiver;

  @BeforeEach
  void start(Vertx vertx) {
    receiver =
        PluginReceiver.start(vertx, new WordGateway(), () -> Credentials.of("word", "open"))
            .await();
  }

  @AfterEach
  void stop() {
    receiver.close().await();
  }

  private HttpResponse<Buffer> post(String body, String word) {
    return receiver.post(Webhook.of(body, Map.of("X-Word", word))).await();
  }

  @Test
  void anAuthenticDeliveryArrivesAsSentIsResolvedAndAcknowledged() {
    HttpResponse<Buffer> response = post("paid", "open");

    assertThat(response.statusCode()).isEqualTo(200);
    WebhookRequest delivery = receiver.received().peek();
    assertThat(delivery.path()).isEqualTo("/hooks/test/word");
    assertThat(delivery.header("X-Word")).isEqualTo("open");
    assertThat(delivery.remoteAddress()).isEqualTo("127.0.0.1");
    assertThat(receiver.events()).extracting(PaymentEvent::amountMinor).containsExactly(1250L);
  }

  @Test
  void anIgnoredDeliveryIsAcknowledgedAndBooksNothing() {
    assertThat(post("hello", "open").statusCode()).isEqualTo(200);
    assertThat(receiver.resolved()).singleElement().matches(ParsedWebhook::isIgnored);
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void aForgedDeliveryGetsThePluginsRefusalAndItsReasonIsKept() {
    assertThat(post("paid", "guess").statusCode()).isEqualTo(401);
    assertThat(receiver.rejections()).containsExactly("the word is wrong");
    assertThat(receiver.resolved()).isEmpty();
  }

  @Test
  void aMalformedDeliveryGetsA400() {
    HttpResponse<Buffer> response = post("gibberish", "open");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsString()).isEqualTo("not a word this gateway sends");
  }

  @Test
  void aDeliveryTheApiCannotResolveNowGetsA503() {
    assertThat(post("api-down", "open").statusCode()).isEqualTo(503);
    assertThat(receiver.resolved()).isEmpty();
  }
}
