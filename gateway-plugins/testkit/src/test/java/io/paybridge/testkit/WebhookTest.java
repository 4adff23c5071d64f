package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A webhook arrives over HTTP, and in process, byte for byte as its simulator built it. */
@ExtendWith(VertxExtension.class)
class WebhookTest {

  /** Answers every request 204 and keeps it in its log. */
  static final class Sink extends GatewaySimulator<Sink> {
    @Override
    protected void routes(Router router) {
      router.route().handler(ctx -> answer(ctx, Answer.empty(204)));
    }

    @Override
    public Map<String, String> pluginSettings() {
      return Map.of();
    }
  }

  private static final String BODY = "{\"note\":\"Zoë ☕ 42\"}";

  private static Webhook signed() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Signature", "t=1,v1=abc");
    headers.put("User-Agent", "Gateway/1.0");
    return Webhook.of(BODY, headers);
  }

  @Test
  void postedHeadersQueryAndBytesArriveUnchanged(Vertx vertx) {
    Sink sink = new Sink().start(vertx).await();
    WebClient client = WebClient.create(vertx);
    try {
      Webhook webhook = signed().withQuery(Map.of("pay_id", "42 a/b"));

      int status = webhook.post(client, sink.baseUrl() + "/hooks/x").await().statusCode();

      assertThat(status).isEqualTo(204);
      ApiCall call = sink.calls().get(0);
      assertThat(call.method()).isEqualTo("POST");
      assertThat(call.path()).isEqualTo("/hooks/x");
      assertThat(call.queryParams()).containsExactlyEntriesOf(Map.of("pay_id", "42 a/b"));
      assertThat(call.header("X-Signature")).isEqualTo("t=1,v1=abc");
      assertThat(call.header("Content-Type")).isEqualTo("application/json");
      assertThat(call.headers().getAll("User-Agent")).containsExactly("Gateway/1.0");
      assertThat(call.body()).isEqualTo(BODY);
    } finally {
      client.close();
      sink.close().await();
    }
  }

  @Test
  void receivedInProcessItIsTheRequestThePlatformHandsThePlugin() {
    Instant at = Instant.parse("2025-01-02T03:04:05Z");

    WebhookRequest request =
        signed().withHeader("X-Signature", "forged").received("/hooks/test/x", "3.18.12.63", at);

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/hooks/test/x");
    assertThat(request.header("x-signature")).isEqualTo("forged");
    assertThat(request.body()).isEqualTo(Buffer.buffer(BODY.getBytes(StandardCharsets.UTF_8)));
    assertThat(request.remoteAddress()).isEqualTo("3.18.12.63");
    assertThat(request.receivedAt()).isEqualTo(at);
    assertThat(request.query().isEmpty()).isTrue();
  }
}
