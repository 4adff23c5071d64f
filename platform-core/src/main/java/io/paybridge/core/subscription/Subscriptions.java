package io.paybridge.core.subscription;

import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a tenant does with its subscriptions, through the API or the console: list them, read one,
 * register one it created (so its charges are known, not cancelled as unknown), and ask the gateway
 * for its current period now (renewal).
 */
public final class Subscriptions {

  private final SubscriptionStore store;
  private final SubscriptionRenewals renewals;

  public Subscriptions(SubscriptionStore store, SubscriptionRenewals renewals) {
    this.store = store;
    this.renewals = renewals;
  }

  /** Subscriptions after the given {@code (gateway, id)} key, optionally filtered. */
  public Future<SubscriptionStore.Page> list(
      UUID tenantId, String[] after, int limit, String gateway, String status, String customerRef) {
    return store.list(tenantId, after, limit, gateway, status, customerRef);
  }

  /** One subscription, or {@code null}. */
  public Future<JsonObject> find(UUID tenantId, String gateway, String externalSubscriptionId) {
    return store.find(tenantId, gateway, externalSubscriptionId);
  }

  /** Registers a subscription the tenant created at the gateway. */
  public Future<JsonObject> register(
      UUID tenantId, String gateway, String externalSubscriptionId, String customerRef) {
    return store.register(tenantId, gateway, externalSubscriptionId, customerRef);
  }

  /** Asks the gateway for the subscription's period now and records a renewal it reports. */
  public Future<JsonObject> refresh(UUID tenantId, GatewayPlugin plugin, String subscriptionId) {
    return renewals.refresh(tenantId, plugin, subscriptionId);
  }
}
