package io.paybridge.core.subscription;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.job.Job;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Renewals;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.UUID;

/**
 * Asks a gateway for a subscription's current state (plugin capability {@link Renewals}) and
 * records it: the renewal step of the subscription lifecycle. A period end that moved forward is
 * recorded as a renewal and synced to the tenant as {@code subscription.renewed}. Called by the API
 * now and by the renewal scanner's jobs.
 */
public final class SubscriptionRenewals {

  private final GatewayAccountStore accounts;
  private final SubscriptionStore subscriptions;
  private final Clock clock;
  private final Runnable wakeWorkers;

  /**
   * @param wakeWorkers called after a renewal was recorded with its sync job, so that job workers
   *     deliver the {@code subscription.renewed} event now rather than at their next poll
   */
  public SubscriptionRenewals(
      GatewayAccountStore accounts,
      SubscriptionStore subscriptions,
      Clock clock,
      Runnable wakeWorkers) {
    this.accounts = accounts;
    this.subscriptions = subscriptions;
    this.clock = clock;
    this.wakeWorkers = wakeWorkers;
  }

  /**
   * Fetches and records one subscription's state.
   *
   * @return the subscription as recorded; fails with an {@link ApiError} when the tenant has no
   *     account at the gateway (404), the gateway cannot report renewals (409) or the gateway's API
   *     failed (502, saying whether a retry may help)
   */
  public Future<Subscription> refresh(UUID tenantId, GatewayPlugin plugin, String subscriptionId) {
    return refresh(tenantId, plugin, subscriptionId, null);
  }

  /**
   * {@link #refresh} for the renewal job: what it records is fenced by the job's claim.
   *
   * @return the subscription as recorded, or null when the job lost its claim and nothing was
   *     written
   */
  public Future<Subscription> refresh(
      UUID tenantId, GatewayPlugin plugin, String subscriptionId, Job fence) {
    return accounts
        .find(tenantId, plugin.id())
        .compose(
            account -> {
              if (account == null) {
                return Future.failedFuture(
                    ApiError.notFound("no " + plugin.id() + " account is connected"));
              }
              if (!(plugin instanceof Renewals renewals)) {
                return Future.failedFuture(
                    new ApiError(
                        409,
                        "renewals_unsupported",
                        plugin.displayName() + " does not report subscription periods"));
              }
              return renewals.subscription(subscriptionId, account.credentials());
            })
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof GatewayApiException g
                        ? new ApiError(
                            502,
                            g.retryable() ? "gateway_unavailable" : "gateway_refused",
                            g.getMessage())
                        : err instanceof InvalidCredentialsException c
                            ? new ApiError(
                                409,
                                "account_incomplete",
                                "the gateway account lacks what renewals need: " + c.getMessage())
                            : err))
        .compose(
            state ->
                subscriptions.recordGatewayState(
                    tenantId,
                    plugin.id(),
                    subscriptionId,
                    state.active(),
                    state.currentPeriodEnd(),
                    clock.instant(),
                    fence))
        .map(
            recorded -> {
              if (recorded == null) {
                return null;
              }
              if (recorded.renewed()) {
                wakeWorkers.run();
              }
              return recorded.subscription();
            });
  }
}
