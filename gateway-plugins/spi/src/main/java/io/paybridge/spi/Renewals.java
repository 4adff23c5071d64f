package io.paybridge.spi;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Optional capability: the gateway can say when a subscription's current period ends, so the
 * platform can record renewals the webhook stream did not (or not yet) report.
 */
public interface Renewals {

  /**
   * The subscription as the gateway's API reports it now.
   *
   * @throws GatewayApiException (as a failed future) when the gateway cannot be reached or refuses
   */
  Future<SubscriptionState> subscription(String externalSubscriptionId, Credentials credentials);

  /** A subscription's state at the gateway. */
  record SubscriptionState(
      String externalSubscriptionId, boolean active, Instant currentPeriodEnd) {}
}
