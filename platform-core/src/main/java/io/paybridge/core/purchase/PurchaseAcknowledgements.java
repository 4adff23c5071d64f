package io.paybridge.core.purchase;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PurchaseVerification;
import io.vertx.core.Future;
import java.util.logging.Logger;

/**
 * The {@code purchase_acknowledge} job: tells the store that a booked purchase was delivered, so
 * the store does not refund it (Google Play refunds a purchase nobody acknowledged within three
 * days). Acknowledging is idempotent at the store, so the job is tried again after every failure
 * that may pass (no answer, a timeout, a 5xx, 408, 429, a concurrent update) and given up, dead
 * with the store's reason, after one that will not. The write that records the acknowledgement, and
 * forgets the token it took, is fenced by the job's claim.
 */
public final class PurchaseAcknowledgements implements JobHandler {

  private static final Logger LOG = Logger.getLogger(PurchaseAcknowledgements.class.getName());

  private final PurchaseStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;

  public PurchaseAcknowledgements(
      PurchaseStore store, GatewayAccountStore accounts, PluginRegistry plugins) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    String gateway = job.payload().getString("gateway");
    String purchaseRef = job.payload().getString("purchaseRef");
    if (!(plugins.get(gateway) instanceof PurchaseVerification verification)) {
      return Future.succeededFuture(
          new JobResult.Dead("'" + gateway + "' acknowledges no purchases"));
    }
    GatewayPlugin plugin = plugins.get(gateway);
    return store
        .acknowledgement(job.tenantId(), gateway, purchaseRef)
        .compose(
            acknowledgement -> {
              if (acknowledgement == null) {
                return Future.succeededFuture(JobResult.done());
              }
              return accounts
                  .find(job.tenantId(), gateway)
                  .compose(
                      account -> {
                        if (account == null) {
                          return Future.succeededFuture(
                              (JobResult)
                                  new JobResult.Dead(
                                      "the tenant disconnected "
                                          + plugin.displayName()
                                          + " before the purchase was acknowledged"));
                        }
                        return verification
                            .acknowledgePurchase(acknowledgement, account.credentials())
                            .compose(v -> store.acknowledged(job, gateway, purchaseRef))
                            .map(
                                changed -> {
                                  if (!changed) {
                                    LOG.info(
                                        () ->
                                            "purchase acknowledgement job "
                                                + job.id()
                                                + " found the purchase acknowledged, or lost its"
                                                + " claim; it changed nothing");
                                  }
                                  return JobResult.done();
                                })
                            .recover(PurchaseAcknowledgements::failure);
                      });
            });
  }

  /** Tried again while the store may still take it; dead, with the store's reason, once not. */
  private static Future<JobResult> failure(Throwable err) {
    if (err instanceof GatewayApiException gateway && !gateway.retryable()) {
      return Future.succeededFuture(new JobResult.Dead(gateway.getMessage()));
    }
    return Future.succeededFuture(JobResult.retry(String.valueOf(err.getMessage())));
  }
}
