package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * A plugin whose {@link Renewals} and {@link CancelAndRefund} are both answered by its client of
 * the gateway's API, which it builds in {@link GatewayPlugin#init}: the plugin says how to reach
 * that client, and both capabilities hand their calls to it.
 *
 * @param <S> the client, or the part of it that answers both capabilities
 */
public interface ApiSubscriptions<S extends Renewals & CancelAndRefund>
    extends Renewals, CancelAndRefund {

  /**
   * What {@code call} makes of the client; a failed future with an {@link IllegalStateException}
   * until {@code init} has built it.
   */
  <R> Future<R> withApi(Function<? super S, Future<R>> call);

  @Override
  default Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    return withApi(client -> client.subscription(externalSubscriptionId, credentials));
  }

  @Override
  default Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    return withApi(client -> client.cancelAndRefund(charge, credentials));
  }
}
