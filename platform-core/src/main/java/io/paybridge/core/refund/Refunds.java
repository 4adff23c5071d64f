package io.paybridge.core.refund;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What a tenant does to give a customer money back: refund one payment, in full or in part, through
 * the payment's gateway, once per request key however often the request is sent, never more than is
 * left of the payment; and read a payment's refunds.
 *
 * <p>A refund is opened with its job already claimed by this node, in the transaction that checks
 * what is left of the payment under a lock on it, and its first attempt runs at once, so the answer
 * usually says how it ended. An attempt the gateway leaves open (no answer, a 5xx, a refund still
 * processing) keeps the refund open; the job queue tries again with the same gateway idempotency
 * key until the gateway settles it. The ledger books the refund when the gateway confirms it, by
 * its answer or its webhook, once.
 */
public final class Refunds {

  /** How long one attempt holds its job: well beyond a gateway call's timeout. */
  public static final Duration LEASE = Duration.ofMinutes(2);

  /** The longest request key and reason a refund keeps. */
  public static final int MAX_KEY = 255;

  public static final int MAX_REASON = 255;

  private final RefundStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final JobQueue jobs;
  private final RefundAttempts attempts;
  private final String node;

  /**
   * @param node this node's name, written as the first attempt's lease owner
   */
  public Refunds(
      RefundStore store,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      JobQueue jobs,
      RefundAttempts attempts,
      String node) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
    this.jobs = jobs;
    this.attempts = attempts;
    this.node = node;
  }

  /** The job handler that tries open refunds again, for the node's job worker. */
  public RefundAttempts attempts() {
    return attempts;
  }

  /** Whether the gateway's plugin refunds through the gateway's API. */
  public static boolean refundsByApi(GatewayPlugin plugin) {
    return plugin instanceof io.paybridge.spi.Refunds;
  }

  /** Why a refund cannot be asked of a gateway whose plugin does not refund by API. */
  public static String notSupported(String gateway) {
    return gateway
        + " offers no refund by amount through its API that Paybridge calls; refund the payment in "
        + gateway
        + "'s own dashboard, and its refund webhook books it";
  }

  /**
   * Refunds {@code amount} (null: all that is left) of the tenant's payment, or returns the refund
   * an earlier request with the same {@code requestKey} opened. Fails with {@link InvalidInput} for
   * malformed input and with {@link Refused}: no such payment (404); a gateway that cannot refund
   * by API (409); an entry that is not money received, a gateway not connected, more than is left
   * (naming {@code amount}), or the key used for another request (422).
   */
  public Future<Refund> create(
      UUID tenantId, long paymentId, String requestKey, Long amount, String reason) {
    return new Checks()
        .require(
            Checks.lengthWithin(requestKey, 1, MAX_KEY),
            "Idempotency-Key",
            "the 'Idempotency-Key' header must be 1 to " + MAX_KEY + " characters")
        .require(
            amount == null || amount > 0,
            "amount",
            "'amount' must be a positive whole number of the currency's minor units")
        .require(
            reason == null || Checks.lengthWithin(reason, 1, MAX_REASON),
            "reason",
            "'reason' must be 1 to " + MAX_REASON + " characters")
        .verdict()
        .compose(v -> store.payment(tenantId, paymentId))
        .compose(
            payment -> {
              if (payment == null) {
                return Future.failedFuture(noPayment(paymentId));
              }
              GatewayPlugin plugin = plugins.get(payment.gateway());
              if (plugin == null || !refundsByApi(plugin)) {
                return Future.failedFuture(
                    Refused.conflict(
                        "refunds_not_supported",
                        notSupported(plugin == null ? payment.gateway() : plugin.displayName())));
              }
              return accounts
                  .find(tenantId, plugin.id())
                  .compose(
                      account ->
                          account != null
                              ? open(tenantId, paymentId, requestKey, amount, reason)
                              : Future.failedFuture(
                                  Refused.unprocessable(
                                      "gateway_not_connected",
                                      "no "
                                          + plugin.id()
                                          + " account is connected to refund this payment"
                                          + " through")));
            });
  }

  private Future<Refund> open(
      UUID tenantId, long paymentId, String requestKey, Long amount, String reason) {
    String fingerprint = fingerprint(paymentId, amount, reason);
    return store
        .open(tenantId, paymentId, requestKey, fingerprint, amount, reason, node, LEASE)
        .compose(opened -> answer(tenantId, opened, fingerprint, paymentId));
  }

  private Future<Refund> answer(UUID tenantId, Opened opened, String fingerprint, long paymentId) {
    if (opened instanceof Opened.Earlier earlier) {
      return earlier.fingerprint().equals(fingerprint)
          ? Future.succeededFuture(earlier.refund())
          : Future.failedFuture(
              Refused.unprocessable(
                  "idempotency_key_reused",
                  "this Idempotency-Key was used for a different refund request; use a new key"
                      + " for a new refund"));
    }
    if (opened instanceof Opened.NoPayment) {
      return Future.failedFuture(noPayment(paymentId));
    }
    if (opened instanceof Opened.NotRefundable nr) {
      return Future.failedFuture(
          Refused.unprocessable(
              "not_refundable",
              "payment "
                  + paymentId
                  + " is a "
                  + nr.kind()
                  + " entry: only money received (PAYMENT, RECURRING_CHARGED) can be refunded"));
    }
    if (opened instanceof Opened.Exceeds exceeds) {
      return Future.failedFuture(
          Refused.unprocessable(
              "amount_exceeds_refundable",
              exceeds.left() == 0
                  ? "'amount' cannot be refunded: nothing is left of payment " + paymentId
                  : "'amount' is more than the "
                      + exceeds.left()
                      + " "
                      + exceeds.currency()
                      + " minor units left to refund of payment "
                      + paymentId,
              "amount"));
    }
    Opened.Made made = (Opened.Made) opened;
    UUID id = made.refund().id();
    // The first attempt, now; what it cannot settle the job queue tries again after a backoff.
    return attempts
        .handle(made.firstAttempt())
        .recover(err -> Future.succeededFuture(JobResult.retry(String.valueOf(err))))
        .compose(
            result ->
                jobs.finish(
                    made.firstAttempt(),
                    result,
                    result instanceof JobResult.Retry r && r.after() != null
                        ? r.after()
                        : Backoff.DEFAULT.after(1)))
        .recover(err -> Future.succeededFuture(false))
        .compose(finished -> store.find(tenantId, id));
  }

  /** The tenant's refund; fails with {@link Refused} (not found) when there is none. */
  public Future<Refund> get(UUID tenantId, UUID id) {
    return store
        .find(tenantId, id)
        .compose(
            r ->
                r != null
                    ? Future.succeededFuture(r)
                    : Future.failedFuture(Refused.notFound("not_found", "no refund " + id)));
  }

  /**
   * A page of the payment's refunds, newest first. Fails with {@link Refused} (not found) when the
   * tenant has no such payment, or (422, naming the parameter) when the page starts after or ends
   * before something that is not one of its refunds.
   */
  public Future<Page<Refund, UUID>> list(UUID tenantId, long paymentId, PageRequest<UUID> request) {
    return store
        .payment(tenantId, paymentId)
        .compose(
            payment -> {
              if (payment == null) {
                return Future.failedFuture(noPayment(paymentId));
              }
              if (request.from() == null) {
                return store.list(tenantId, paymentId, request);
              }
              String field = request.backwards() ? "ending_before" : "starting_after";
              return store
                  .find(tenantId, request.from())
                  .compose(
                      cursor ->
                          cursor != null && cursor.paymentId() == paymentId
                              ? store.list(tenantId, paymentId, request)
                              : Future.failedFuture(
                                  Refused.unprocessable(
                                      "invalid_cursor",
                                      "'"
                                          + field
                                          + "' must be the id of a refund of payment "
                                          + paymentId,
                                      field)));
            });
  }

  private static Refused noPayment(long paymentId) {
    return Refused.notFound("not_found", "no payment " + paymentId);
  }

  /** What identifies a request under its key: the same body again is the same refund. */
  static String fingerprint(long paymentId, Long amount, String reason) {
    String canonical =
        paymentId + "\n" + (amount == null ? "" : amount) + "\n" + (reason == null ? "" : reason);
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
