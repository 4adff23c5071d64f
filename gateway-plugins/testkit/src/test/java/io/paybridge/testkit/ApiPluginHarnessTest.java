package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Plugins are initialised with their settings, twice, and called on an event loop. */
@ExtendWith(VertxExtension.class)
class ApiPluginHarnessTest {

  /** A plugin that keeps the settings it was given. */
  static final class SettingsPlugin implements GatewayPlugin {
    Map<String, String> settings;

    @Override
    public Future<Void> init(PluginContext context) {
      settings = context.settings();
      return Future.succeededFuture();
    }

    @Override
    public String id() {
      return "settings";
    }

    @Override
    public String displayName() {
      return "Settings";
    }

    @Override
    public CredentialSchema credentialSchema() {
      return CredentialSchema.of();
    }

    @Override
    public List<EventRule> eventTable() {
      return List.of();
    }

    @Override
    public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
      return Future.succeededFuture(Verdict.rejected("never called"));
    }

    @Override
    public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
      throw new UnsupportedOperationException("never called");
    }
  }

  private static ApiPluginHarness<SettingsPlugin> start(Vertx vertx) {
    return ApiPluginHarness.start(
            vertx, SettingsPlugin::new, Map.of("x.api.base", "http://127.0.0.1:1"), "x.timeout")
        .await();
  }

  @Test
  void theImpatientTwinGetsTheShortTimeoutAndTheSameBase(Vertx vertx) {
    ApiPluginHarness<SettingsPlugin> harness = start(vertx);

    assertThat(harness.plugin().settings)
        .containsExactly(Map.entry("x.api.base", "http://127.0.0.1:1"));
    assertThat(harness.impatient().settings)
        .containsEntry("x.api.base", "http://127.0.0.1:1")
        .containsEntry("x.timeout", Long.toString(ApiPluginHarness.SHORT_TIMEOUT_MS));
    assertThat(harness.impatient()).isNotSameAs(harness.plugin());
  }

  @Test
  void callsRunOnAnEventLoop(Vertx vertx) {
    ApiPluginHarness<SettingsPlugin> harness = start(vertx);

    boolean onEventLoop =
        harness.onEventLoop(() -> Future.succeededFuture(Context.isOnEventLoopThread()));

    assertThat(onEventLoop).isTrue();
  }

  @Test
  void aFailureIsReturnedWhenExpectedAndThrownWhenNot(Vertx vertx) {
    ApiPluginHarness<SettingsPlugin> harness = start(vertx);

    IllegalStateException failure =
        harness.failure(
            IllegalStateException.class,
            () -> Future.failedFuture(new IllegalStateException("down")));
    assertThat(failure).hasMessage("down");

    assertThatThrownBy(
            () -> harness.onEventLoop(() -> Future.failedFuture(new IllegalStateException("x"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                harness.failure(IllegalStateException.class, () -> Future.succeededFuture("fine")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("got null");
  }
}
