package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Base of the plugins whose gateway signs webhooks with a shared secret and whose REST API, reached
 * with the account's secret key, answers {@link Renewals} and {@link CancelAndRefund} (Stripe,
 * Razorpay). It owns what those plugins share: building the API client in {@link #init} from the
 * settings that name the API's base URL and timeout ({@link GatewayApi#fromSettings}), and handing
 * both capabilities to that client, which implements them. Until {@code init} has run, the
 * capabilities fail with an {@link IllegalStateException}; webhooks verify and parse without the
 * client.
 *
 * @param <A> the plugin's API client
 */
public abstract class RestApiGatewayPlugin<A extends Renewals & CancelAndRefund>
    implements GatewayPlugin, Renewals, CancelAndRefund {

  private final AfterInit<A> api;
  private final Function<GatewayApi, A> client;
  private final String baseSetting;
  private final String defaultBase;
  private final String timeoutSetting;

  /**
   * @param gatewayName the gateway as reasons name it, e.g. {@code Stripe}
   * @param baseSetting the setting naming the API's base URL
   * @param defaultBase the base URL when the setting is absent
   * @param timeoutSetting the setting naming the total time of one call, in milliseconds
   * @param client makes the plugin's client of the API the settings configure
   */
  protected RestApiGatewayPlugin(
      String gatewayName,
      String baseSetting,
      String defaultBase,
      String timeoutSetting,
      Function<GatewayApi, A> client) {
    this.api = new AfterInit<>(gatewayName);
    this.client = client;
    this.baseSetting = baseSetting;
    this.defaultBase = defaultBase;
    this.timeoutSetting = timeoutSetting;
  }

  /**
   * Builds the API client; fails, naming the setting, when the base URL or the timeout setting is
   * not usable.
   */
  @Override
  public Future<Void> init(PluginContext context) {
    return api.build(
        () ->
            client.apply(
                GatewayApi.fromSettings(
                    context, id(), displayName(), baseSetting, defaultBase, timeoutSetting)));
  }

  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    return api.call(client -> client.subscription(externalSubscriptionId, credentials));
  }

  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    return api.call(client -> client.cancelAndRefund(charge, credentials));
  }

  /** What {@code call} makes of the API client; a failed future before {@code init}. */
  protected final <R> Future<R> withApi(Function<? super A, Future<R>> call) {
    return api.call(call);
  }
}
