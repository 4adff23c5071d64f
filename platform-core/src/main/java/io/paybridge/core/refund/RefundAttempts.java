package io.paybridge.core.refund;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.paybridge.spi.Refunds.Status;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The {@code refund} job: one attempt at an open refund. Sends the gateway the refund under its
 * idempotency key ({@code paybridge-refund-<refund id>}, the same on every attempt, so a retry
 * after a timeout returns the first attempt's refund instead of refunding twice) and settles the
 * refund as the gateway answers: a success books it, a refusal fails it, a refund the gateway is
 * still working on is asked about again later, and no answer (a timeout, a 5xx) is tried again with
 * the same key. Every write is fenced by the job's claim.
 */
public final class RefundAttempts implements JobHandler {

  /** How long a refund the gateway reports as pending is left before asking again. */
  static final Duration PENDING_RECHECK = Duration.ofMinutes(5);

  /** How long a refund whose gateway was disconnected waits before it is tried again. */
  static final Duration RECONNECT_RECHECK = Duration.ofHours(1);

  private static final Logger LOG = Logger.getLogger(RefundAttempts.class.getName());

  private final RefundStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final Runnable entriesBooked;

  /**
   * @param entriesBooked told when a success booked a ledger entry, so sync fans it out now
   */
  public RefundAttempts(
      RefundStore store,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      Runnable entriesBooked) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
    this.entriesBooked = entriesBooked;
  }

  /**
   * The gateway idempotency key of a refund: fixed by the refund request's id for every attempt,
   * and different for every refund request, so two partial refunds of one payment are two refunds.
   */
  public static String idempotencyKey(UUID refundId) {
    return "paybridge-refund-" + refundId;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    UUID id = UUID.fromString(job.payload().getString("refund"));
    return store
        .attempt(id)
        .compose(
            attempt ->
                attempt == null || !attempt.refund().open()
                    ? Future.succeededFuture(JobResult.done())
                    : run(job, attempt));
  }

  private Future<JobResult> run(Job job, OpenRefund attempt) {
    Refund refund = attempt.refund();
    GatewayPlugin plugin = plugins.get(refund.gateway());
    if (!(plugin instanceof io.paybridge.spi.Refunds capability)) {
      return settle(
          job,
          refund,
          RefundOutcome.failed(
              null,
              "refunds_not_supported",
              Refunds.notSupported(plugin == null ? refund.gateway() : plugin.displayName())));
    }
    RefundRequest request =
        new RefundRequest(
            refund.id().toString(),
            attempt.idempotencyKey(),
            attempt.paymentEntryKey(),
            attempt.externalPaymentId(),
            refund.amountMinor(),
            refund.currency(),
            attempt.customerRef(),
            refund.reason(),
            Refund.PENDING.equals(refund.status()) ? refund.gatewayRefundId() : null);
    return accounts
        .find(attempt.tenantId(), plugin.id())
        .compose(
            account -> {
              if (account == null) {
                return disconnected(job, refund, plugin);
              }
              return capability
                  .refund(request, account.credentials())
                  .compose(outcome -> outcome(job, refund, outcome))
                  .recover(err -> failure(job, refund, err));
            });
  }

  /**
   * The tenant disconnected the gateway. Before any attempt reached the gateway (this is the first)
   * the refund fails: nothing went back. After one did, its answer may have been lost after the
   * gateway refunded, so the refund stays open and is asked about again under the same key once the
   * account is connected again.
   */
  private Future<JobResult> disconnected(Job job, Refund refund, GatewayPlugin plugin) {
    String reason = "the tenant disconnected " + plugin.displayName();
    if (job.attempts() <= 1 && Refund.REQUESTED.equals(refund.status())) {
      return settle(job, refund, RefundOutcome.failed(null, "gateway_not_connected", reason));
    }
    return store
        .note(job, refund.id(), reason)
        .map(noted -> noted ? new JobResult.Retry(RECONNECT_RECHECK, reason) : lost(job, refund));
  }

  private Future<JobResult> outcome(Job job, Refund refund, RefundOutcome outcome) {
    if (outcome.status() == Status.PENDING) {
      return store
          .settle(job, refund.id(), outcome)
          .map(
              changed ->
                  changed
                      ? new JobResult.Retry(PENDING_RECHECK, "pending at the gateway")
                      : lost(job, refund));
    }
    return settle(job, refund, outcome);
  }

  /**
   * A refusal the gateway made final fails the refund (nothing went back); anything else leaves the
   * outcome open, to be asked again under the same key.
   */
  private Future<JobResult> failure(Job job, Refund refund, Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return settle(
          job,
          refund,
          RefundOutcome.failed(refund.gatewayRefundId(), "gateway_refused", g.getMessage()));
    }
    String error = String.valueOf(err.getMessage());
    return store
        .note(job, refund.id(), error)
        .map(noted -> noted ? JobResult.retry(error) : lost(job, refund));
  }

  private Future<JobResult> settle(Job job, Refund refund, RefundOutcome outcome) {
    return store
        .settle(job, refund.id(), outcome)
        .map(
            changed -> {
              if (!changed) {
                LOG.info(
                    () ->
                        "refund "
                            + refund.id()
                            + " was settled by another attempt; this one changed nothing");
              } else if (outcome.booking() != null) {
                entriesBooked.run();
              }
              return JobResult.done();
            });
  }

  /** The attempt lost its claim: the worker that holds the job now decides; this one is done. */
  private static JobResult lost(Job job, Refund refund) {
    LOG.info(() -> "refund " + refund.id() + ": job " + job.id() + " lost its claim");
    return JobResult.done();
  }
}
