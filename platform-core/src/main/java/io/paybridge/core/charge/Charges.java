package io.paybridge.core.charge;

import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * What a tenant does to take money from a customer who is not there: charge the customer's stored
 * payment method, once per idempotency key however often the request is sent, and look the charge
 * up later.
 *
 * <p>A new charge is written with its job already claimed by this node, in one transaction, and its
 * first attempt runs at once so the answer usually says how it ended. An attempt the gateway leaves
 * open (a timeout, a 5xx, a payment still processing) keeps the charge pending; the job queue tries
 * again with backoff, with the same gateway idempotency key and parameters, until the gateway
 * settles it. A request repeated with the same key returns that charge as it stands; the same key
 * with a different request is refused.
 */
public final class Charges {

  /** How long one attempt holds its job: well beyond a gateway call's timeout. */
  public static final Duration LEASE = Duration.ofMinutes(2);

  private static final int MAX_KEY = 255;
  private static final int MAX_DESCRIPTION = 500;

  private final ChargeStore store;
  private final JobQueue jobs;
  private final ChargeAttempts attempts;
  private final String node;

  /**
   * @param node this node's name, written as the first attempt's lease owner
   */
  public Charges(ChargeStore store, JobQueue jobs, ChargeAttempts attempts, String node) {
    this.store = store;
    this.jobs = jobs;
    this.attempts = attempts;
    this.node = node;
  }

  /**
   * Charges the customer's stored method, or returns the charge an earlier request with the same
   * {@code idempotencyKey} made. Fails with {@link io.paybridge.core.usecase.InvalidInput} for
   * malformed input and {@link Refused} when the customer has no stored method (404) or the key was
   * used for another request (409).
   */
  public Future<Charge> create(UUID tenantId, String idempotencyKey, NewCharge request) {
    String currency =
        request.currency() == null ? null : request.currency().toUpperCase(Locale.ROOT);
    return new Checks()
        .require(
            Checks.lengthWithin(idempotencyKey, 1, MAX_KEY),
            "Idempotency-Key",
            "the 'Idempotency-Key' header must be 1 to " + MAX_KEY + " characters")
        .require(
            Checks.lengthWithin(request.customerRef(), 1, PaymentMethods.MAX_REF),
            "customerRef",
            PaymentMethods.refMessage())
        .require(
            request.amountMinor() != null && request.amountMinor() > 0,
            "amount",
            "'amount' must be a positive whole number of the currency's minor units")
        .require(isCurrency(currency), "currency", "'currency' must be an ISO 4217 code")
        .require(
            request.description() == null || request.description().length() <= MAX_DESCRIPTION,
            "description",
            "'description' must be at most " + MAX_DESCRIPTION + " characters")
        .verdict()
        .compose(
            v -> {
              NewCharge normalized =
                  new NewCharge(
                      request.customerRef(),
                      request.amountMinor(),
                      currency,
                      request.description());
              return store
                  .create(
                      tenantId, idempotencyKey, fingerprint(normalized), normalized, node, LEASE)
                  .compose(created -> answer(tenantId, created, normalized));
            });
  }

  /** The job handler that tries pending charges again, for the node's job worker. */
  public ChargeAttempts attempts() {
    return attempts;
  }

  /** The tenant's charge; fails with {@link Refused} (not found) when there is none. */
  public Future<Charge> get(UUID tenantId, UUID id) {
    return store
        .find(tenantId, id)
        .compose(
            c ->
                c != null
                    ? Future.succeededFuture(c)
                    : Future.failedFuture(Refused.notFound("not_found", "no charge " + id)));
  }

  private Future<Charge> answer(UUID tenantId, ChargeStore.Created created, NewCharge request) {
    if (created == null) {
      return Future.failedFuture(PaymentMethods.noMethod(request.customerRef()));
    }
    if (!created.fingerprint().equals(fingerprint(request))) {
      return Future.failedFuture(
          Refused.conflict(
              "idempotency_key_reused",
              "this Idempotency-Key was used for a different charge request; use a new key for a"
                  + " new charge"));
    }
    if (!created.fresh()) {
      return Future.succeededFuture(created.charge());
    }
    UUID id = created.charge().id();
    // The first attempt, now; what it cannot settle the job queue tries again after a backoff.
    return attempts
        .handle(created.firstAttempt())
        .recover(err -> Future.succeededFuture(JobResult.retry(String.valueOf(err))))
        .compose(
            result ->
                jobs.finish(
                    created.firstAttempt(),
                    result,
                    result instanceof JobResult.Retry r && r.after() != null
                        ? r.after()
                        : Backoff.DEFAULT.after(1)))
        .recover(err -> Future.succeededFuture(false))
        .compose(finished -> store.find(tenantId, id));
  }

  private static boolean isCurrency(String code) {
    try {
      return code != null && code.length() == 3 && Money.currency(code).equals(code);
    } catch (MalformedWebhookException e) {
      return false;
    }
  }

  /** What identifies a request under its key: the same body again is the same charge. */
  static String fingerprint(NewCharge r) {
    String canonical =
        r.customerRef()
            + "\n"
            + r.amountMinor()
            + "\n"
            + r.currency()
            + "\n"
            + (r.description() == null ? "" : r.description());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
