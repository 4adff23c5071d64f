package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.buffer.Buffer;

/**
 * Parses a delivery as the plugin does (the object's mapped fields only) and from the body's whole
 * tree, and fails unless both come to the same: the same delivery with the same entries and
 * amounts, or the same refusal with the same reason. The tests that parse deliveries go through it,
 * so every fixture proves the selected reading against the whole one.
 */
final class BothReadings {

  private BothReadings() {}

  /** What the plugin's parse returns, or throws, once both readings agreed on it. */
  static ParsedWebhook parse(StripePlugin plugin, WebhookRequest request, Credentials credentials) {
    RuntimeException wholeFailure = null;
    ParsedWebhook whole = null;
    try {
      whole = wholeTree(request.body(), credentials);
    } catch (RuntimeException e) {
      wholeFailure = e;
    }
    ParsedWebhook selected;
    try {
      selected = plugin.parse(request, credentials);
    } catch (RuntimeException e) {
      assertThat(wholeFailure)
          .as("the whole tree refuses what the selected fields refuse: %s", e.getMessage())
          .isNotNull();
      assertThat(e).hasSameClassAs(wholeFailure).hasMessage(wholeFailure.getMessage());
      throw e;
    }
    assertThat(wholeFailure).as("the selected fields accept what the whole tree accepts").isNull();
    assertThat(selected).isEqualTo(whole);
    return selected;
  }

  /** What the delivery means when its body is read whole, as the plugin read it before. */
  static ParsedWebhook wholeTree(Buffer body, Credentials credentials) {
    return new StripeMapping(StripeEvent.read(body), StripePlugin.customerRefKey(credentials))
        .read()
        .webhook();
  }
}
