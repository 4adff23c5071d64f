package io.paybridge.testkit;

import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PluginContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A plugin that calls its gateway's API, initialised against that gateway's simulator and called as
 * the platform calls it: on a Vert.x event loop. {@code GatewayHttp} must be called on a Vert.x
 * context; from another thread its response handling races the answer's body
 * (eclipse-vertx/vert.x#4705) and a call can hang until its timeout. Beside the plugin runs an
 * impatient twin that gives up after {@link #SHORT_TIMEOUT_MS}, for the tests of slow and lost
 * answers.
 *
 * @param <P> the plugin's type
 */
public final class ApiPluginHarness<P extends GatewayPlugin> {

  /** The total call time of {@link #impatient()}. */
  public static final long SHORT_TIMEOUT_MS = 300;

  private final Vertx vertx;
  private final P plugin;
  private final P impatient;

  private ApiPluginHarness(Vertx vertx, P plugin, P impatient) {
    this.vertx = vertx;
    this.plugin = plugin;
    this.impatient = impatient;
  }

  /**
   * Initialises two plugins with {@code settings} (the simulator's base URLs), the second with
   * {@code timeoutSetting} set to {@link #SHORT_TIMEOUT_MS}.
   */
  public static <P extends GatewayPlugin> Future<ApiPluginHarness<P>> start(
      Vertx vertx, Supplier<P> newPlugin, Map<String, String> settings, String timeoutSetting) {
    P plugin = newPlugin.get();
    P impatient = newPlugin.get();
    Map<String, String> shortTimeout = new HashMap<>(settings);
    shortTimeout.put(timeoutSetting, Long.toString(SHORT_TIMEOUT_MS));
    return Future.all(
            plugin.init(new PluginContext(vertx, Clock.systemUTC(), settings)),
            impatient.init(new PluginContext(vertx, Clock.systemUTC(), shortTimeout)))
        .map(ready -> new ApiPluginHarness<>(vertx, plugin, impatient));
  }

  /** The plugin, with the gateway's default timeout. */
  public P plugin() {
    return plugin;
  }

  /** The same plugin giving up after {@link #SHORT_TIMEOUT_MS}. */
  public P impatient() {
    return impatient;
  }

  /** Runs {@code call} on an event loop and returns its outcome; a failure is thrown as it is. */
  public <T> T onEventLoop(Supplier<Future<T>> call) {
    return run(call).await();
  }

  /** Runs {@code call} on an event loop and returns the failure it must end in. */
  public <T, E extends Throwable> E failure(Class<E> type, Supplier<Future<T>> call) {
    Throwable cause =
        run(call).<Throwable>transform(done -> Future.succeededFuture(done.cause())).await();
    if (!type.isInstance(cause)) {
      throw new AssertionError("expected a " + type.getSimpleName() + ", got " + cause, cause);
    }
    return type.cast(cause);
  }

  private <T> Future<T> run(Supplier<Future<T>> call) {
    Promise<T> outcome = Promise.promise();
    vertx.runOnContext(v -> call.get().onComplete(outcome));
    return outcome.future();
  }
}
