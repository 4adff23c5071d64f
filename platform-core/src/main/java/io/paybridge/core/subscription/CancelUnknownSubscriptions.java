package io.paybridge.core.subscription;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.logging.Logger;

/**
 * The {@code cancel_refund} job: a recurring charge arrived for a subscription the tenant does not
 * know, on an account set to cancel such subscriptions. Cancels it at the gateway and refunds the
 * charge (plugin capability {@link CancelAndRefund}, idempotent), then marks the subscription
 * cancelled. The refund itself is booked when the gateway's refund webhook arrives, as any refund.
 */
public final class CancelUnknownSubscriptions implements JobHandler {

  public static final String KIND = "cancel_refund";

  private static final Logger LOG = Logger.getLogger(CancelUnknownSubscriptions.class.getName());

  private final SubscriptionStore subscriptions;
  private final PluginRegistry plugins;
  private final GatewayAccountStore accounts;

  public CancelUnknownSubscriptions(
      SubscriptionStore subscriptions, PluginRegistry plugins, GatewayAccountStore accounts) {
    this.subscriptions = subscriptions;
    this.plugins = plugins;
    this.accounts = accounts;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    JsonObject p = job.payload();
    GatewayPlugin plugin = plugins.get(p.getString("gateway"));
    if (!(plugin instanceof CancelAndRefund capability)) {
      return Future.succeededFuture(
          new JobResult.Dead("the gateway cannot cancel a subscription and refund its charge"));
    }
    PaymentEvent charge =
        PaymentEvent.builder(
                EventKind.RECURRING_CHARGED,
                p.getString("entryKey"),
                OffsetDateTime.parse(p.getString("occurredAt")).toInstant())
            .amount(p.getLong("amountMinor"), p.getString("currency"))
            .externalPaymentId(p.getString("payment"))
            .externalSubscriptionId(p.getString("subscription"))
            .customerRef(p.getString("customerRef"))
            .build();
    return accounts
        .find(job.tenantId(), plugin.id())
        .compose(
            account -> {
              if (account == null) {
                return Future.succeededFuture(
                    new JobResult.Dead("the gateway account was removed"));
              }
              return capability
                  .cancelAndRefund(charge, account.credentials())
                  .compose(
                      v ->
                          subscriptions.markCancelled(
                              job, job.tenantId(), plugin.id(), charge.externalSubscriptionId()))
                  .map(
                      written -> {
                        if (!written) {
                          // The cancel and refund were asked under the gateway's idempotency
                          // keys; the worker that holds the job now records them.
                          return JobResult.retry("job " + job.id() + " lost its claim");
                        }
                        LOG.info(
                            () ->
                                "cancelled unknown subscription "
                                    + charge.externalSubscriptionId()
                                    + " at "
                                    + plugin.id()
                                    + " and refunded "
                                    + charge.externalPaymentId());
                        return JobResult.done();
                      });
            })
        .recover(
            err ->
                Future.succeededFuture(
                    err instanceof GatewayApiException g && !g.retryable()
                        ? new JobResult.Dead(g.getMessage())
                        : JobResult.retry(String.valueOf(err.getMessage()))));
  }
}
