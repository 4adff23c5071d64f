package io.paybridge.core.checkout;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.Captures;
import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The {@value CheckoutAttemptStore#CAPTURE} and {@value CheckoutAttemptStore#CANCEL} jobs: one
 * attempt at capturing or releasing an open checkout's authorization through the gateway plugin's
 * {@link Captures}, under an idempotency key fixed by the checkout ({@code
 * paybridge-capture-<checkout>}, {@code paybridge-cancel-<checkout>}), so a retry after a timeout
 * captures once. A webhook's follow-up queues them in the transaction that records the webhook; the
 * tenant's capture request queues one claimed and runs its first attempt at once.
 *
 * <p>A capture books what the gateway says it captured, keyed as the gateway's webhook for the same
 * capture keys it (one entry whichever comes first); a capture the gateway says must wait (no
 * approval yet, an open fraud review) is noted and left to the gateway's next event; one it will
 * never make fails the checkout. A gateway that cannot be reached is asked again with backoff. A
 * refusal of the request itself ends the job as dead, noted on the checkout. Every write is fenced
 * by the job's claim; a checkout no longer open is left alone.
 */
public final class CheckoutCaptures implements JobHandler {

  private static final Logger LOG = Logger.getLogger(CheckoutCaptures.class.getName());

  private final CheckoutAttemptStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final Runnable entriesBooked;

  /**
   * @param entriesBooked told when a capture booked a ledger entry, so sync fans it out now
   */
  public CheckoutCaptures(
      CheckoutAttemptStore store,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      Runnable entriesBooked) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
    this.entriesBooked = entriesBooked;
  }

  /** The gateway idempotency key of a checkout's capture: the same on every attempt. */
  public static String captureKey(UUID checkoutId) {
    return "paybridge-capture-" + checkoutId;
  }

  /** The gateway idempotency key of a checkout's cancellation: the same on every attempt. */
  public static String cancelKey(UUID checkoutId) {
    return "paybridge-cancel-" + checkoutId;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    UUID id;
    try {
      id = UUID.fromString(job.payload().getString("checkout"));
    } catch (RuntimeException e) {
      return Future.succeededFuture(new JobResult.Dead("the job names no checkout"));
    }
    return store
        .attempt(id)
        .compose(
            attempt -> {
              if (attempt == null
                  || !attempt.tenantId().equals(job.tenantId())
                  || !Checkout.OPEN.equals(attempt.checkout().status())
                  || attempt.checkout().reference() == null) {
                // Settled meanwhile (paid, cancelled, failed), or not the job's tenant's.
                return Future.succeededFuture(JobResult.done());
              }
              return run(job, attempt.checkout());
            });
  }

  private Future<JobResult> run(Job job, Checkout checkout) {
    boolean capture = CheckoutAttemptStore.CAPTURE.equals(job.kind());
    GatewayPlugin plugin = plugins.get(checkout.gateway());
    if (!(plugin instanceof Captures captures)) {
      return dead(job, checkout, "'" + checkout.gateway() + "' cannot capture or cancel payments");
    }
    CaptureRequest request =
        new CaptureRequest(
            checkout.id().toString(),
            checkout.reference(),
            capture ? captureKey(checkout.id()) : cancelKey(checkout.id()),
            checkout.customerRef(),
            checkout.amountMinor(),
            checkout.currency());
    return accounts
        .find(job.tenantId(), checkout.gateway())
        .compose(
            account -> {
              if (account == null) {
                return dead(job, checkout, "the tenant disconnected " + plugin.displayName());
              }
              Future<JobResult> attempt =
                  capture
                      ? captures
                          .capture(request, account.credentials())
                          .compose(outcome -> captured(job, checkout, outcome))
                      : captures
                          .cancel(request, account.credentials())
                          .compose(v -> cancelled(job, checkout));
              return attempt.recover(err -> failure(job, checkout, err));
            });
  }

  private Future<JobResult> captured(Job job, Checkout checkout, CaptureOutcome outcome) {
    return switch (outcome.status()) {
      case CAPTURED ->
          store
              .captured(job, checkout.id(), outcome.booking())
              .map(
                  held -> {
                    if (held) {
                      entriesBooked.run();
                    } else {
                      lostClaim(job);
                    }
                    return JobResult.done();
                  });
      case WAITING ->
          store
              .note(
                  job,
                  checkout.id(),
                  "the capture waits: " + outcome.code() + ": " + outcome.message())
              .map(noted -> JobResult.done());
      case FAILED ->
          store
              .failed(job, checkout.id(), outcome.code(), outcome.message())
              .map(changed -> JobResult.done());
    };
  }

  private Future<JobResult> cancelled(Job job, Checkout checkout) {
    String reason = job.payload().getString("reason", "the authorization was released");
    return store.cancelled(job, checkout.id(), reason).map(changed -> JobResult.done());
  }

  /**
   * A refusal of the request itself ends the job (nothing more to try), noted on the checkout; any
   * other failure leaves the outcome open, to be asked again under the same key.
   */
  private Future<JobResult> failure(Job job, Checkout checkout, Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return dead(job, checkout, g.getMessage());
    }
    String error = String.valueOf(err.getMessage());
    return store.note(job, checkout.id(), error).map(noted -> (JobResult) JobResult.retry(error));
  }

  private Future<JobResult> dead(Job job, Checkout checkout, String error) {
    return store
        .note(job, checkout.id(), error)
        .map(noted -> (JobResult) new JobResult.Dead(error));
  }

  private static void lostClaim(Job job) {
    LOG.info(
        () ->
            "job "
                + job.id()
                + " lost its claim before booking its capture; the worker holding it books it");
  }
}
