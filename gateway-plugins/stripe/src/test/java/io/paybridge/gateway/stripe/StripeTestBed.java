package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Stripe account for plugin-level tests: the webhook simulator, the API fake with the account's
 * secret key, and the plugin pointed at the fake, receiving deliveries as the platform's ingest
 * does (verify, parse, resolve on an event loop). Tests register it with
 * {@code @RegisterExtension}; the fake runs for each test.
 */
final class StripeTestBed implements BeforeEachCallback, AfterEachCallback {

  final String webhookSecret = StripeSimulator.newWebhookSecret();
  final StripeSimulator stripe = new StripeSimulator(webhookSecret);
  final String apiKey = StripeApiFake.newSecretKey();
  final StripeApiFake api = new StripeApiFake(apiKey);

  private final ApiPluginHarness<StripePlugin> harness =
      new ApiPluginHarness<>(api, StripePlugin::new, StripePlugin.API_TIMEOUT_SETTING);

  @Override
  public void beforeEach(ExtensionContext context) {
    harness.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    harness.afterEach(context);
  }

  /** The plugin under test, with Stripe's default timeout. */
  StripePlugin plugin() {
    return harness.plugin();
  }

  /** The plugin as it is configured to give up on Stripe's API after 300 ms. */
  StripePlugin impatientPlugin() {
    return harness.impatient();
  }

  /** The account's credentials: its signing secret and, unless {@code null}, this API key. */
  Credentials credentials(String key) {
    JsonObject submitted = new JsonObject().put("webhookSecret", webhookSecret);
    if (key != null) {
      submitted.put("apiKey", key);
    }
    return plugin().validateCredentials(submitted);
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
    return harness.onEventLoop(() -> receive(plugin(), request, credentials));
  }

  /** What a call of the plugin's answers, made on an event loop as the platform makes it. */
  <T> T onEventLoop(java.util.function.Supplier<Future<T>> call) {
    return harness.onEventLoop(call);
  }

  /** The failure a call of the plugin's ends in, made on an event loop. */
  <T, E extends Throwable> E failureOf(Class<E> type, java.util.function.Supplier<Future<T>> call) {
    return harness.failure(type, call);
  }

  /** The failure a delivery ends in, when it cannot be received now. */
  Throwable failure(String body, Credentials credentials) {
    return harness.failure(Throwable.class, () -> receive(plugin(), request(body), credentials));
  }

  /** The failure a delivery ends in for a plugin that gives up on Stripe's API after 300 ms. */
  Throwable impatientFailure(String body, Credentials credentials) {
    return harness.failure(
        Throwable.class, () -> receive(harness.impatient(), request(body), credentials));
  }

  /** Verifies, parses and resolves a delivery, as the platform's ingest does. */
  private static Future<ParsedWebhook> receive(
      StripePlugin plugin, WebhookRequest request, Credentials credentials) {
    return plugin
        .verify(request, credentials)
        .compose(
            verdict -> {
              assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
              return plugin.resolve(
                  request, BothReadings.parse(plugin, request, credentials), credentials);
            });
  }
}
