package io.paybridge.api;

import io.paybridge.core.UseCases;
import io.paybridge.core.config.PartnerApiSettings;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.security.TokenKeys;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What the partner API keeps once per node, shared by every event loop's routes: the platform's own
 * tokens, the request limits per client and per tenant, and the operator's identity provider when
 * one is configured. The composition root makes one and hands it to each HTTP verticle.
 */
public final class PartnerApi {

  private final PlatformTokens platform;
  private final RateLimits limits;
  private final RateLimits tenantLimits;
  private final ProviderTokens provider;

  private PartnerApi(
      PlatformTokens platform,
      RateLimits limits,
      RateLimits tenantLimits,
      ProviderTokens provider) {
    this.platform = platform;
    this.limits = limits;
    this.tenantLimits = tenantLimits;
    this.provider = provider;
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
    ProviderTokens provider = null;
    if (settings.oidc()) {
      provider = new ProviderTokens(vertx, settings, useCases.tenants(), clock);
      provider.discoverNow();
    }
    return new PartnerApi(
        new PlatformTokens(vertx, tokenKeys, config.tokenTtl(), clock),
        RateLimits.perNode(settings.rate(), settings.burst(), nodes, clock),
        RateLimits.perNode(settings.tenantRate(), settings.tenantBurst(), nodes, clock),
        provider);
  }

  PlatformTokens platform() {
    return platform;
  }

  RateLimits limits() {
    return limits;
  }

  /** The buckets all clients of one tenant share. */
  RateLimits tenantLimits() {
    return tenantLimits;
  }

  /** The operator's identity provider, or {@code null} when none is configured. */
  ProviderTokens provider() {
    return provider;
  }
}
