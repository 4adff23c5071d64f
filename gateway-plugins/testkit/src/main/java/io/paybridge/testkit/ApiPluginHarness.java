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
 * A plugin that calls its gateway's API, run for each test against that gateway's simulator and
 * called as the platform calls it: on a Vert.x event loop. {@code GatewayHttp} must be called on a
 * Vert.x context; from another thread its response handling races the answer's body
 * (eclipse-vertx/vert.x#4705) and a call can hang until its timeout. Beside the plugin runs an
 * impatient twin that gives up after {@link #SHORT_TIMEOUT_MS}, for the tests of slow and lost
 * answers. Register it as a field with {@code @RegisterExtension}: before each test it starts the
 * simulator on a Vert.x of its own and initialises both plugins with the simulator's settings.
 *
 * @param <P> the plugin's type
 */
public final class ApiPluginHarness<P extends GatewayPlugin> extends PerTestVertx {

  /** The total call time of {@link #impatient()}. */
  public static final long SHORT_TIMEOUT_MS = 300;

  private final GatewaySimulator<?> simulator;
  private final String timeoutSetting;
  private final P plugin;
  private final P impatient;

  /**
   * @param simulator the gateway's simulator, started and closed around each test
   * @param newPlugin makes a plugin; two are made, the second with a short timeout
   * @param timeoutSetting the plugin's setting for the total time of an API call
   */
  public ApiPluginHarness(
      GatewaySimulator<?> simulator, Supplier<P> newPlugin, String timeoutSetting) {
    this.simulator = simulator;
    this.timeoutSetting = timeoutSetting;
    this.plugin = newPlugin.get();
    this.impatient = newPlugin.get();
  }

  @Override
  protected Future<?> start(Vertx vertx) {
    return simulator.start(vertx).compose(started -> init(vertx, started.pluginSettings()));
  }

  @Override
  protected Future<?> stop() {
    return simulator.close();
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

  private Future<Void> init(Vertx vertx, Map<String, String> settings) {
    Map<String, String> shortTimeout = new HashMap<>(settings);
    shortTimeout.put(timeoutSetting, Long.toString(SHORT_TIMEOUT_MS));
    return Future.all(
            plugin.init(new PluginContext(vertx, Clock.systemUTC(), settings)),
            impatient.init(new PluginContext(vertx, Clock.systemUTC(), shortTimeout)))
        .mapEmpty();
  }

  private <T> Future<T> run(Supplier<Future<T>> call) {
    Promise<T> outcome = Promise.promise();
    vertx().runOnContext(v -> call.get().onComplete(outcome));
    return outcome.future();
  }
}
