package io.paybridge.testkit;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * A {@link PluginReceiver} for each test, on a Vert.x instance of its own, for plugins that need no
 * initialisation: register it as a field with {@code @RegisterExtension} and post webhooks to
 * {@link #receiver()}.
 */
public final class PluginReceiverExtension extends PerTestVertx {

  private final GatewayPlugin plugin;
  private final Supplier<Credentials> credentials;
  private PluginReceiver receiver;

  /**
   * @param credentials the account's credentials, read at each request (a test may change them)
   */
  public PluginReceiverExtension(GatewayPlugin plugin, Supplier<Credentials> credentials) {
    this.plugin = plugin;
    this.credentials = credentials;
  }

  @Override
  protected Future<?> start(Vertx vertx) {
    return PluginReceiver.start(vertx, plugin, credentials)
        .onSuccess(started -> receiver = started);
  }

  @Override
  protected Future<?> stop() {
    return receiver.close();
  }

  /** The receiver of the running test. */
  public PluginReceiver receiver() {
    return receiver;
  }
}
