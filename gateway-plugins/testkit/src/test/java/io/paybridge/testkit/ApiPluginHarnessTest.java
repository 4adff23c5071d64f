package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Before each test the simulator runs and both plugins are initialised with its settings, the
 * impatient one with the short timeout; calls run on an event loop.
 */
class ApiPluginHarnessTest {

  private final GatewaySimulatorTest.CountingGateway gateway =
      new GatewaySimulatorTest.CountingGateway();

  @RegisterExtension
  final ApiPluginHarness<WordGateway> api =
      new ApiPluginHarness<>(gateway, WordGateway::new, "word.timeout");

  @Test
  void bothPluginsPointAtTheRunningSimulatorAndTheTwinIsImpatient() {
    assertThat(api.plugin().settings)
        .containsExactly(Map.entry("counting.api.base", gateway.baseUrl()));
    assertThat(api.impatient().settings)
        .containsEntry("counting.api.base", gateway.baseUrl())
        .containsEntry("word.timeout", Long.toString(ApiPluginHarness.SHORT_TIMEOUT_MS));
    assertThat(api.impatient()).isNotSameAs(api.plugin());
  }

  @Test
  void callsRunOnAnEventLoop() {
    boolean onEventLoop =
        api.onEventLoop(() -> Future.succeededFuture(Context.isOnEventLoopThread()));

    assertThat(onEventLoop).isTrue();
  }

  @Test
  void aFailureIsReturnedWhenExpectedAndThrownWhenNot() {
    IllegalStateException failure =
        api.failure(
            IllegalStateException.class,
            () -> Future.failedFuture(new IllegalStateException("down")));
    assertThat(failure).hasMessage("down");

    assertThatThrownBy(
            () -> api.onEventLoop(() -> Future.failedFuture(new IllegalStateException("x"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> api.failure(IllegalStateException.class, () -> Future.succeededFuture("fine")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("got null");
  }
}
