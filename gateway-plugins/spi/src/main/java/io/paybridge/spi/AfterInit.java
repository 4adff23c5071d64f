package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a plugin builds in {@link GatewayPlugin#init} to call its gateway's API (a client, a key
 * cache), and the one way to use it: until {@code init} has built it, every call fails with an
 * {@link IllegalStateException} saying so, instead of a {@link NullPointerException} deep inside.
 * Webhook verification and parsing never need it.
 *
 * @param <T> what is built
 */
public final class AfterInit<T> {

  private final String gatewayName;
  private volatile T value;

  /**
   * @param gatewayName the gateway as reasons name it, e.g. {@code Stripe}
   */
  public AfterInit(String gatewayName) {
    this.gatewayName = gatewayName;
  }

  /**
   * Builds the value; for {@code init} to return. A setting the builder refuses ({@link
   * IllegalArgumentException}, naming the setting) fails the future, and so the platform's start.
   */
  public Future<Void> build(Supplier<? extends T> builder) {
    try {
      value = builder.get();
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * What {@code call} makes of the value, or a failed future when {@code init} has not built it.
   */
  public <R> Future<R> call(Function<? super T, Future<R>> call) {
    T current = value;
    return current == null ? Future.failedFuture(notInitialized()) : call.apply(current);
  }

  /**
   * The value.
   *
   * @throws IllegalStateException when {@code init} has not built it
   */
  public T get() {
    T current = value;
    if (current == null) {
      throw notInitialized();
    }
    return current;
  }

  /** Whether {@code init} has built the value. */
  public boolean initialized() {
    return value != null;
  }

  private IllegalStateException notInitialized() {
    return new IllegalStateException(
        "the "
            + gatewayName
            + " plugin is not initialized: it calls "
            + gatewayName
            + "'s API only after init(PluginContext)");
  }
}
