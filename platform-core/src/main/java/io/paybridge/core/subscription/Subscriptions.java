package io.paybridge.core.subscription;

import io.paybridge.core.job.Job;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
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

  /** Subscriptions after the given key (from the start when {@code null}), optionally filtered. */
  public Future<Page<Subscription, Subscription.Key>> list(
      UUID tenantId, SubscriptionStore.Filter filter, Subscription.Key after, int limit) {
    return store.list(tenantId, filter, after, limit);
  }

  /** A page of subscriptions, after or before the one the request names. */
  public Future<Page<Subscription, Subscription.Key>> list(
      UUID tenantId, SubscriptionStore.Filter filter, PageRequest<Subscription.Key> request) {
    return store.list(tenantId, filter, request);
  }

  /** One subscription, or {@code null}. */
  public Future<Subscription> find(UUID tenantId, String gateway, String externalSubscriptionId) {
    return store.find(tenantId, gateway, externalSubscriptionId);
  }

  /** Registers a subscription the tenant created at the gateway. */
  public Future<Subscription> register(
      UUID tenantId, String gateway, String externalSubscriptionId, String customerRef) {
    return store.register(tenantId, gateway, externalSubscriptionId, customerRef);
  }

  /** Asks the gateway for the subscription's period now and records a renewal it reports. */
  public Future<Subscription> refresh(UUID tenantId, GatewayPlugin plugin, String subscriptionId) {
    return renewals.refresh(tenantId, plugin, subscriptionId);
  }

  /**
   * The renewal job's refresh, every write fenced by the job's claim; null when the claim was lost
   * and nothing was written.
   */
  public Future<Subscription> refresh(Job job, GatewayPlugin plugin, String subscriptionId) {
    return renewals.refresh(job.tenantId(), plugin, subscriptionId, job);
  }
}
