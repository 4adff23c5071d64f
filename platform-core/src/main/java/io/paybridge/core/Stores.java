package io.paybridge.core;

import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.checkout.CheckoutAttemptStore;
import io.paybridge.core.checkout.CheckoutStore;
import io.paybridge.core.cobot.CobotStore;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.idempotency.IdempotencyStore;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.ReprocessStore;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.purchase.PurchaseStore;
import io.paybridge.core.refund.RefundStore;
import io.paybridge.core.security.TokenKeyStore;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.tenant.ConsoleSessionStore;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.throttle.AttemptStore;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.sqlclient.Pool;

/**
 * The stores of one node over its pool: the only classes with SQL, one per aggregate, returning
 * records. The composition root builds them once and hands each use case, job handler and the
 * ingest path the stores it works on; nothing above them sees the pool.
 */
public record Stores(
    TenantStore tenants,
    GatewayAccountStore accounts,
    LedgerStore ledger,
    SubscriptionStore subscriptions,
    SyncStore sync,
    ReceiptStore receipts,
    ReprocessStore reprocessing,
    ChargeStore charges,
    CobotStore cobot,
    IdempotencyStore idempotency,
    JobQueue jobs,
    AttemptStore attempts,
    TokenKeyStore tokenKeys,
    PurchaseStore purchases,
    RefundStore refunds,
    CheckoutStore checkouts,
    CheckoutAttemptStore checkoutAttempts,
    ConsoleSessionStore consoleSessions) {

  /** The stores over a pool; secrets are sealed and opened by {@code vault}. */
  public static Stores on(Pool pool, CredentialVault vault, PluginRegistry plugins) {
    return new Stores(
        new TenantStore(pool),
        new GatewayAccountStore(pool, vault, plugins),
        new LedgerStore(pool),
        new SubscriptionStore(pool),
        new SyncStore(pool, vault),
        new ReceiptStore(pool),
        new ReprocessStore(pool),
        new ChargeStore(pool, vault),
        new CobotStore(pool, vault),
        new IdempotencyStore(pool, vault),
        new JobQueue(pool),
        new AttemptStore(pool),
        new TokenKeyStore(pool, vault),
        new PurchaseStore(pool, vault),
        new RefundStore(pool),
        new CheckoutStore(pool, vault),
        new CheckoutAttemptStore(pool),
        new ConsoleSessionStore(pool));
  }
}
