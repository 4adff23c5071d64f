package io.paybridge.core.charge;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.StoredPaymentMethods;
import io.paybridge.spi.StoredPaymentMethods.ChargeOutcome;
import io.paybridge.spi.StoredPaymentMethods.OffSessionCharge;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The {@code charge} job: one attempt at a pending charge. Sends the gateway the charge under its
 * idempotency key ({@code paybridge-charge-<id>}, the same on every attempt, so a retry after a
 * timeout returns the first attempt's result instead of charging twice) and settles the charge as
 * the gateway answers: a success books the payment, a decline or refusal fails the charge, and an
 * open answer (no answer, a 5xx, a payment still processing) is tried again later. Every write is
 * fenced by the job's claim.
 */
public final class ChargeAttempts implements JobHandler {

  /** How long a payment the gateway reports as processing is left before asking again. */
  static final Duration PROCESSING_RECHECK = Duration.ofMinutes(1);

  private static final Logger LOG = Logger.getLogger(ChargeAttempts.class.getName());

  private final ChargeStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final Runnable entriesBooked;

  /**
   * @param entriesBooked told when a success booked a ledger entry, so sync fans it out now
   */
  public ChargeAttempts(
      ChargeStore store,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      Runnable entriesBooked) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
    this.entriesBooked = entriesBooked;
  }

  /** The gateway idempotency key of a charge: fixed by its id for every attempt. */
  public static String idempotencyKey(UUID chargeId) {
    return "paybridge-charge-" + chargeId;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    UUID id = UUID.fromString(job.payload().getString("charge"));
    return store
        .attempt(id)
        .compose(
            attempt -> {
              if (attempt == null || !Charge.PENDING.equals(attempt.charge().status())) {
                return Future.succeededFuture(JobResult.done());
              }
              return run(job, attempt);
            });
  }

  private Future<JobResult> run(Job job, ChargeStore.Attempt attempt) {
    Charge charge = attempt.charge();
    GatewayPlugin plugin = plugins.get(charge.gateway());
    if (!(plugin instanceof StoredPaymentMethods capability)) {
      return settle(
          job,
          charge,
          ChargeOutcome.failed(
              null,
              "unsupported_gateway",
              "'" + charge.gateway() + "' cannot charge stored methods"));
    }
    OffSessionCharge request =
        new OffSessionCharge(
            idempotencyKey(charge.id()),
            charge.customerRef(),
            attempt.customer(),
            attempt.paymentMethod(),
            charge.amountMinor(),
            charge.currency(),
            charge.description(),
            Map.of("paybridge_charge", charge.id().toString()),
            charge.gatewayPaymentId());
    return accounts
        .find(attempt.tenantId(), plugin.id())
        .compose(
            account -> {
              if (account == null) {
                return settle(
                    job,
                    charge,
                    ChargeOutcome.failed(
                        charge.gatewayPaymentId(),
                        "gateway_not_connected",
                        "the tenant disconnected " + plugin.displayName()));
              }
              return capability
                  .charge(request, account.credentials())
                  .compose(outcome -> outcome(job, charge, outcome))
                  .recover(err -> failure(job, charge, err));
            });
  }

  private Future<JobResult> outcome(Job job, Charge charge, ChargeOutcome outcome) {
    if (outcome.status() == StoredPaymentMethods.Status.PENDING) {
      return store
          .note(
              job, charge.id(), outcome.gatewayPaymentId(), "the gateway is processing the payment")
          .map(noted -> new JobResult.Retry(PROCESSING_RECHECK, "processing at the gateway"));
    }
    return settle(job, charge, outcome);
  }

  /**
   * A refusal the gateway made final fails the charge (nothing moved: the request never became a
   * payment); anything else leaves the outcome open, to be asked again under the same key.
   */
  private Future<JobResult> failure(Job job, Charge charge, Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return settle(
          job,
          charge,
          ChargeOutcome.failed(charge.gatewayPaymentId(), "gateway_refused", g.getMessage()));
    }
    String error = String.valueOf(err.getMessage());
    return store
        .note(job, charge.id(), null, error)
        .map(noted -> (JobResult) JobResult.retry(error));
  }

  private Future<JobResult> settle(Job job, Charge charge, ChargeOutcome outcome) {
    return store
        .settle(job, charge.id(), outcome)
        .map(
            changed -> {
              if (!changed) {
                LOG.info(
                    () ->
                        "charge "
                            + charge.id()
                            + " was settled by another attempt; this one changed nothing");
              } else if (outcome.booking() != null) {
                entriesBooked.run();
              }
              return JobResult.done();
            });
  }
}
