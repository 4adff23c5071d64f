package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Base of the plugins whose gateway signs webhooks with a shared secret (a {@linkplain
 * PureCheckGatewayPlugin pure check}) and whose REST API, reached with the account's secret key,
 * answers {@link Renewals} and {@link CancelAndRefund} (Stripe, Razorpay). It owns what those
 * plugins share: building the API client in {@link #init} from the settings that name the API's
 * base URL and timeout ({@link GatewayApi#fromSettings}), and handing both capabilities to that
 * client, which implements them ({@link ApiSubscriptions}). Until {@code init} has run, the
 * capabilities fail with an {@link IllegalStateException}; webhooks verify and parse without the
 * client.
 *
 * @param <A> the plugin's API client
 */
public abstract class RestApiGatewayPlugin<A extends Renewals & CancelAndRefund>
    extends PureCheckGatewayPlugin implements ApiSubscriptions<A> {

  private final AfterInit<A> api;
  private final Function<GatewayApi, A> client;
  private final String baseSetting;
  private final String defaultBase;
  private final String timeoutSetting;

  /**
   * @param identity the plugin's identity; failures name the gateway by its display name
   * @param proof what the webhook signature check proves, e.g. {@code Stripe signature}
   * @param baseSetting the setting naming the API's base URL
   * @param defaultBase the base URL when the setting is absent
   * @param timeoutSetting the setting naming the total time of one call, in milliseconds
   * @param client makes the plugin's client of the API the settings configure
   */
  protected RestApiGatewayPlugin(
      GatewayIdentity identity,
      String proof,
      String baseSetting,
      String defaultBase,
      String timeoutSetting,
      Function<GatewayApi, A> client) {
    super(identity, proof);
    this.api = new AfterInit<>(identity.displayName());
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

  /** What {@code call} makes of the API client; a failed future before {@code init}. */
  @Override
  public final <R> Future<R> withApi(Function<? super A, Future<R>> call) {
    return api.call(call);
  }
}
