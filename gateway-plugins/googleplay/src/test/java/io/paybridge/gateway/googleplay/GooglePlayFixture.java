package io.paybridge.gateway.googleplay;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One plugin wired to one running {@link GooglePlaySimulator}, with a tenant whose service account
 * the simulator knows and whose push subscription authenticates as the simulator's push account.
 */
final class GooglePlayFixture implements AutoCloseable {

  static final String API_ACCOUNT = "play-api@paybridge-sample.iam.gserviceaccount.com";

  final Vertx vertx;
  final GooglePlaySimulator google;
  final GooglePlayPlugin plugin;
  final String serviceAccountJson;
  final Credentials credentials;

  private GooglePlayFixture(Clock clock, Map<String, String> extraSettings) {
    vertx = Vertx.vertx();
    google = await(new GooglePlaySimulator().start(vertx));
    plugin = new GooglePlayPlugin();
    Map<String, String> settings = new HashMap<>(google.pluginSettings());
    settings.putAll(extraSettings);
    await(plugin.init(new PluginContext(vertx, clock, settings)));
    serviceAccountJson = google.newServiceAccountJson(API_ACCOUNT);
    credentials = plugin.validateCredentials(google.credentialsJson(serviceAccountJson));
  }

  static GooglePlayFixture start() {
    return new GooglePlayFixture(Clock.systemUTC(), Map.of());
  }

  static GooglePlayFixture start(Clock clock, Map<String, String> extraSettings) {
    return new GooglePlayFixture(clock, extraSettings);
  }

  /** The notification pushed now with a valid push token. */
  WebhookRequest signed(String notification) {
    Instant now = Instant.now();
    return google.request(GooglePlaySimulator.push(notification), google.pushToken(now), now);
  }

  /** What the platform does with a delivery: verify, parse, resolve. */
  ParsedWebhook deliver(String notification) {
    return deliver(signed(notification), credentials);
  }

  ParsedWebhook deliver(WebhookRequest request, Credentials creds) {
    Verdict verdict = await(plugin.verify(request, creds));
    assertThat(verdict.authentic()).as("verdict: %s", verdict.reason()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, creds);
    return await(plugin.resolve(request, parsed, creds));
  }

  /** The failure {@code resolve} ends with for this notification. */
  Throwable resolveFailure(String notification) {
    WebhookRequest request = signed(notification);
    ParsedWebhook parsed = plugin.parse(request, credentials);
    return failure(plugin.resolve(request, parsed, credentials));
  }

  @Override
  public void close() {
    await(google.close());
    await(vertx.close());
  }
}
