package io.paybridge.api;

import io.paybridge.core.UseCases;
import io.paybridge.core.config.PartnerApiSettings;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.security.TokenKeys;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What the partner API keeps once per node, shared by every event loop's routes: the platform's own
 * tokens, the request limit per client, and the operator's identity provider when one is
 * configured. The composition root makes one and hands it to each HTTP verticle.
 */
public final class PartnerApi {

  private final PlatformTokens platform;
  private final RateLimits limits;

  private PartnerApi(PlatformTokens platform, RateLimits limits) {
    this.platform = platform;
    this.limits = limits;
  }

  /**
   * The node's partner API state.
   *
   * @param tokenKeys the keys that sign and check access tokens, the same on every node
   * @param nodes how many nodes share the cluster's request limit (each allows its share)
   * @param clock the node's clock: token lifetimes and request limits
   */
  public static PartnerApi create(
      Vertx vertx,
      UseCases useCases,
      TokenKeys tokenKeys,
      PaybridgeConfig config,
      int nodes,
      Clock clock) {
    PartnerApiSettings settings = config.partnerApi();
    return new PartnerApi(
        new PlatformTokens(vertx, tokenKeys, config.tokenTtl(), clock),
        RateLimits.perNode(settings.rate(), settings.burst(), nodes, clock));
  }

  PlatformTokens platform() {
    return platform;
  }

  RateLimits limits() {
    return limits;
  }
}
