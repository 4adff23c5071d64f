package io.paybridge.testkit;

import static io.paybridge.testkit.Futures.await;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link PluginReceiver} for each test, on a Vert.x instance of its own, for plugins that need no
 * initialisation: register it as a field with {@code @RegisterExtension} and post webhooks to
 * {@link #receiver()}.
 */
public final class PluginReceiverExtension implements BeforeEachCallback, AfterEachCallback {

  private final GatewayPlugin plugin;
  private final Supplier<Credentials> credentials;
  private Vertx vertx;
  private PluginReceiver receiver;

  /**
   * @param credentials the account's credentials, read at each request (a test may change them)
   */
  public PluginReceiverExtension(GatewayPlugin plugin, Supplier<Credentials> credentials) {
    this.plugin = plugin;
    this.credentials = credentials;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    vertx = Vertx.vertx();
    receiver = await(PluginReceiver.start(vertx, plugin, credentials));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    await(receiver.close());
    await(vertx.close());
  }

  /** The receiver of the running test. */
  public PluginReceiver receiver() {
    return receiver;
  }
}
