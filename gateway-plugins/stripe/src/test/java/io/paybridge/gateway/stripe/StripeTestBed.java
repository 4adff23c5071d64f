package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Stripe account for plugin-level tests: the webhook simulator, the API fake with the account's
 * secret key, and the plugin pointed at the fake, receiving deliveries as the platform's ingest
 * does (verify, parse, resolve on an event loop).
 */
final class StripeTestBed {

  final String webhookSecret = StripeSimulator.newWebhookSecret();
  final StripeSimulator stripe = new StripeSimulator(webhookSecret);
  final String apiKey = StripeApiFake.newSecretKey();
  final StripeApiFake api = new StripeApiFake(apiKey);
  final StripePlugin plugin = new StripePlugin();

  private final Vertx vertx;

  private StripeTestBed(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts the fake and initialises the plugin against it, with extra plugin settings. */
  static StripeTestBed start(Vertx vertx, Map<String, String> settings) {
    StripeTestBed bed = new StripeTestBed(vertx);
    bed.api.start(vertx).await();
    Map<String, String> all = new HashMap<>(bed.api.pluginSettings());
    all.putAll(settings);
    bed.plugin.init(new PluginContext(vertx, Clock.systemUTC(), all)).await();
    return bed;
  }

  static StripeTestBed start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  void close() {
    api.close().await();
  }

  /** The account's credentials: its signing secret and, unless {@code null}, this API key. */
  Credentials credentials(String key) {
    JsonObject submitted = new JsonObject().put("webhookSecret", webhookSecret);
    if (key != null) {
      submitted.put("apiKey", key);
    }
    return plugin.validateCredentials(submitted);
  }

  /** The account with the key the fake accepts. */
  Credentials withKey() {
    return credentials(apiKey);
  }

  Credentials withoutKey() {
    return credentials(null);
  }

  /** A delivery of {@code body}, signed and received now. */
  WebhookRequest request(String body) {
    return stripe.request(body, Instant.now());
  }

  /** Receives a delivery as the platform does and returns what it means for the ledger. */
  ParsedWebhook deliver(String body, Credentials credentials) {
    return deliver(request(body), credentials);
  }

  ParsedWebhook deliver(WebhookRequest request, Credentials credentials) {
    return receive(request, credentials).await();
  }

  /** The failure a delivery ends in, when it cannot be received now. */
  Throwable failure(String body, Credentials credentials) {
    Future<ParsedWebhook> outcome = receive(request(body), credentials);
    try {
      outcome.await();
    } catch (RuntimeException e) {
      // the outcome below says why
    }
    assertThat(outcome.failed()).as("the delivery was expected to fail").isTrue();
    return outcome.cause();
  }

  private Future<ParsedWebhook> receive(WebhookRequest request, Credentials credentials) {
    return onEventLoop(
        () ->
            plugin
                .verify(request, credentials)
                .compose(
                    verdict -> {
                      assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
                      return plugin.resolve(
                          request, plugin.parse(request, credentials), credentials);
                    }));
  }

  /**
   * Runs a plugin call on a Vert.x event loop, as the platform does: {@code GatewayHttp} must be
   * called on a Vert.x context.
   */
  <T> Future<T> onEventLoop(Supplier<Future<T>> call) {
    Promise<T> outcome = Promise.promise();
    vertx.runOnContext(v -> call.get().onComplete(outcome));
    return outcome.future();
  }
}
