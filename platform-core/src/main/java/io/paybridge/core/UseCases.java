package io.paybridge.core;

import io.paybridge.core.charge.ChargeAttempts;
import io.paybridge.core.charge.Charges;
import io.paybridge.core.charge.PaymentMethods;
import io.paybridge.core.checkout.CheckoutCaptures;
import io.paybridge.core.checkout.Checkouts;
import io.paybridge.core.cobot.Cobot;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.idempotency.ApiIdempotency;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.purchase.Purchases;
import io.paybridge.core.refund.RefundAttempts;
import io.paybridge.core.refund.Refunds;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.subscription.SubscriptionRenewals;
import io.paybridge.core.subscription.Subscriptions;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.sync.TargetUrls;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.ClientStatusCache;
import io.paybridge.core.tenant.ConsoleSessionStore;
import io.paybridge.core.tenant.Tenants;
import io.paybridge.core.throttle.Throttles;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What a tenant can do, one use case per aggregate: the whole of what the API and the console call,
 * and all they see of a node. A plain record, so a front room takes the use cases it needs and a
 * test builds them over a database of its own.
 */
public record UseCases(
    Tenants tenants,
    ApiClients apiClients,
    GatewayAccounts gatewayAccounts,
    Payments payments,
    Receipts receipts,
    SyncTargets syncTargets,
    Subscriptions subscriptions,
    PaymentMethods paymentMethods,
    Charges charges,
    Cobot cobot,
    ApiIdempotency idempotency,
    Purchases purchases,
    Refunds refunds,
    Checkouts checkouts,
    ConsoleSessionStore consoleSessions) {

  /**
   * The use cases of one node over its stores. Work they make due wakes the workers of every node
   * over the event bus: job workers ({@link EventBusAddresses#JOBS_WAKE}) and the sync fan-out
   * ({@link EventBusAddresses#SYNC_WAKE}).
   *
   * @param hooks the node's hook cache, which saved credentials invalidate
   * @param hashes the node's pool for slow hashes, shared by sign-in, sign-up and API clients
   */
  public static UseCases over(
      Vertx vertx,
      Stores stores,
      HookCache hooks,
      PluginRegistry plugins,
      HashPool hashes,
      PaybridgeConfig config,
      Clock clock) {
    Runnable wakeJobs = () -> vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
    Runnable wakeSync = () -> vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
    Throttles throttles = new Throttles(stores.attempts(), config.throttles());
    ClientSecrets secrets = new ClientSecrets(stores.tokenKeys(), hashes, clock);
    PaymentMethods paymentMethods =
        new PaymentMethods(stores.charges(), stores.accounts(), plugins);
    Charges charges =
        new Charges(
            stores.charges(),
            stores.jobs(),
            new ChargeAttempts(stores.charges(), stores.accounts(), plugins, wakeSync),
            config.nodeName());
    return new UseCases(
        new Tenants(stores.tenants(), hashes, secrets, throttles),
        new ApiClients(
            stores.tenants(),
            secrets,
            throttles,
            config.maxApiClients(),
            new ClientStatusCache(vertx, stores.tenants(), clock),
            clock),
        new GatewayAccounts(
            stores.accounts(), stores.receipts(), hooks, plugins, config.publicUrl(), wakeJobs),
        new Payments(stores.ledger()),
        new Receipts(stores.receipts(), stores.reprocessing(), stores.accounts(), wakeSync),
        new SyncTargets(
            stores.sync(),
            new TargetUrls(vertx, config.allowPrivateTargets()),
            config.maxSyncTargets(),
            wakeJobs),
        new Subscriptions(
            stores.subscriptions(),
            new SubscriptionRenewals(stores.accounts(), stores.subscriptions(), clock, wakeSync)),
        paymentMethods,
        charges,
        Cobot.over(
            vertx,
            stores.cobot(),
            config.cobot(),
            config.publicUrl(),
            stores.accounts(),
            plugins,
            stores.charges(),
            paymentMethods,
            charges,
            wakeJobs,
            clock),
        new ApiIdempotency(stores.idempotency()),
        new Purchases(
            stores.purchases(), stores.ledger(), stores.accounts(), plugins, wakeSync, wakeJobs),
        new Refunds(
            stores.refunds(),
            stores.accounts(),
            plugins,
            stores.jobs(),
            new RefundAttempts(stores.refunds(), stores.accounts(), plugins, wakeSync),
            config.nodeName()),
        new Checkouts(
            stores.checkouts(),
            stores.checkoutAttempts(),
            new CheckoutCaptures(stores.checkoutAttempts(), stores.accounts(), plugins, wakeSync),
            stores.jobs(),
            stores.accounts(),
            plugins,
            stores.ledger(),
            stores.receipts(),
            config.publicUrl(),
            config.nodeName()),
        stores.consoleSessions());
  }
}
