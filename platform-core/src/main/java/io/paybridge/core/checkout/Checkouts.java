package io.paybridge.core.checkout;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.Captures;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What a tenant's app backend does to take a payment its customer completes in the app or the
 * browser: start a checkout at a gateway, once per idempotency key however often the request is
 * sent; read it with the webhook receipts and ledger entries it produced; list them; capture one
 * the customer authorized; and name the payment the customer's client created itself.
 *
 * <p>Starting sends the gateway plugin's {@link io.paybridge.spi.Checkouts#start} the idempotency
 * key {@code paybridge-checkout-<id>}, the same on every try. A start the gateway did not answer (a
 * timeout, a 5xx) leaves the checkout {@code failed_to_start} and the request fails as unavailable;
 * the same request sent again with the same Idempotency-Key tries again under the same gateway key,
 * so the gateway opens one payment at most. A start the gateway refuses fails the checkout. The
 * same key with another request is refused.
 */
public final class Checkouts {

  /**
   * How long a request holds a checkout's start, and a capture its job: beyond any call timeout.
   */
  public static final Duration LEASE = Duration.ofMinutes(2);

  private static final int RECEIPTS_SHOWN = 100;

  /** A start the gateway could not answer now; sending the request again tries again. */
  public static final class NotStarted extends RuntimeException {
    private final transient Checkout checkout;

    NotStarted(Checkout checkout, Throwable cause) {
      super(
          "the gateway could not be reached to open checkout "
              + checkout.id()
              + "; send the same request with the same Idempotency-Key again to try again",
          cause,
          false,
          false);
      this.checkout = checkout;
    }

    public Checkout checkout() {
      return checkout;
    }
  }

  /**
   * How a capture request ended.
   *
   * @param checkout the checkout after it
   * @param pending whether the capture goes on in the background (the gateway could not be asked
   *     now, or a capture was already under way): read the checkout again later
   */
  public record CaptureResult(Checkout checkout, boolean pending) {}

  private final CheckoutStore store;
  private final CheckoutAttemptStore attempts;
  private final CheckoutCaptures captures;
  private final JobQueue jobs;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final LedgerStore ledger;
  private final ReceiptStore receipts;
  private final String publicUrl;
  private final String node;

  /**
   * @param publicUrl the base of the tenant's webhook URLs, given to gateways that take one per
   *     payment
   * @param node this node's name, written as a capture's lease owner
   */
  public Checkouts(
      CheckoutStore store,
      CheckoutAttemptStore attempts,
      CheckoutCaptures captures,
      JobQueue jobs,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      LedgerStore ledger,
      ReceiptStore receipts,
      String publicUrl,
      String node) {
    this.store = store;
    this.attempts = attempts;
    this.captures = captures;
    this.jobs = jobs;
    this.accounts = accounts;
    this.plugins = plugins;
    this.ledger = ledger;
    this.receipts = receipts;
    this.publicUrl = publicUrl;
    this.node = node;
  }

  /** The gateway idempotency key of a checkout's start: fixed by its id for every try. */
  public static String idempotencyKey(UUID checkoutId) {
    return "paybridge-checkout-" + checkoutId;
  }

  /** The job handler of captures and cancellations, for the node's job worker. */
  public CheckoutCaptures captures() {
    return captures;
  }

  /**
   * What is wrong with a checkout request, every field at fault in the order of the request's
   * fields; empty when it may be started. Reads nothing but the plugins.
   */
  public List<InvalidInput.Problem> check(String idempotencyKey, NewCheckout request) {
    return CheckoutRules.check(
        idempotencyKey, request, request.gateway() == null ? null : plugins.get(request.gateway()));
  }

  /**
   * Starts a checkout, or returns the one an earlier request with the same {@code idempotencyKey}
   * started (trying its start again when the gateway could not be reached then). Fails with {@link
   * io.paybridge.core.usecase.InvalidInput} naming every field at fault, {@link Refused} when the
   * gateway is not connected (422), the key was used for another request (409) or another request
   * with the key is starting it now (409), and {@link NotStarted} when the gateway could not
   * answer.
   */
  public Future<Checkout> create(UUID tenantId, String idempotencyKey, NewCheckout request) {
    NewCheckout normalized = CheckoutRules.normalized(request);
    List<InvalidInput.Problem> problems = check(idempotencyKey, request);
    return (problems.isEmpty()
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new InvalidInput(problems)))
        .compose(v -> accounts.find(tenantId, normalized.gateway()))
        .compose(
            account -> {
              if (account == null) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "gateway_not_connected",
                        "the tenant has not connected '" + normalized.gateway() + "'"));
              }
              String fingerprint = CheckoutRules.fingerprint(normalized);
              return store
                  .create(tenantId, idempotencyKey, fingerprint, normalized, LEASE)
                  .compose(created -> answer(tenantId, account, created, fingerprint));
            });
  }

  private Future<Checkout> answer(
      UUID tenantId, GatewayAccount account, CheckoutStore.Created created, String fingerprint) {
    Checkout checkout = created.checkout();
    if (!created.fingerprint().equals(fingerprint)) {
      return Future.failedFuture(
          Refused.conflict(
              "idempotency_key_reused",
              "this Idempotency-Key was used for a different checkout request; use a new key for a"
                  + " new checkout"));
    }
    if (created.startToken() != null) {
      return start(tenantId, account, checkout, created.startToken());
    }
    if (!Checkout.STARTING.equals(checkout.status())
        && !Checkout.FAILED_TO_START.equals(checkout.status())) {
      return Future.succeededFuture(checkout);
    }
    return store
        .reclaim(tenantId, checkout.id(), LEASE)
        .compose(
            token ->
                token != null
                    ? start(tenantId, account, checkout, token)
                    : Future.failedFuture(
                        Refused.conflict(
                            "checkout_starting",
                            "a request with this Idempotency-Key is opening checkout "
                                + checkout.id()
                                + " at the gateway now; send it again in a moment")));
  }

  private Future<Checkout> start(
      UUID tenantId, GatewayAccount account, Checkout checkout, UUID token) {
    io.paybridge.spi.Checkouts capability = (io.paybridge.spi.Checkouts) account.plugin();
    CheckoutRequest request =
        new CheckoutRequest(
            checkout.id().toString(),
            idempotencyKey(checkout.id()),
            checkout.customerRef(),
            checkout.amountMinor(),
            checkout.currency(),
            checkout.description(),
            publicUrl + "/hooks/" + account.hookKey() + "/" + account.gateway(),
            checkout.returnUrl());
    Future<io.paybridge.spi.Checkouts.StartedCheckout> started;
    try {
      started = capability.start(request, account.credentials());
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    return started
        .compose(
            opened ->
                store
                    .started(tenantId, checkout.id(), token, opened.reference(), opened.client())
                    .recover(
                        err ->
                            err instanceof PgException pg && "23505".equals(pg.getSqlState())
                                ? store.refused(
                                    tenantId,
                                    checkout.id(),
                                    token,
                                    "reference_in_use",
                                    "the gateway's reference "
                                        + opened.reference()
                                        + " belongs to another checkout")
                                : Future.failedFuture(err)))
        .recover(err -> notStarted(tenantId, checkout, token, err))
        .compose(
            written ->
                written != null
                    ? Future.succeededFuture(written)
                    : store.find(tenantId, checkout.id()));
  }

  /**
   * A refusal the gateway made final fails the checkout; anything else (no answer, a 5xx, a plugin
   * fault) may pass, so the checkout waits for the request to be sent again.
   */
  private Future<Checkout> notStarted(UUID tenantId, Checkout checkout, UUID token, Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return store.refused(
          tenantId,
          checkout.id(),
          token,
          g instanceof PermanentGatewayException ? "account_incomplete" : "gateway_refused",
          g.getMessage());
    }
    return store
        .notStarted(tenantId, checkout.id(), token, String.valueOf(err.getMessage()))
        .compose(
            noted -> Future.failedFuture(new NotStarted(noted != null ? noted : checkout, err)));
  }

  /** The tenant's checkout with its receipts and entries; fails with {@link Refused} (404). */
  public Future<CheckoutDetail> get(UUID tenantId, UUID id) {
    return store
        .find(tenantId, id)
        .compose(
            checkout -> {
              if (checkout == null) {
                return Future.failedFuture(notFound(id));
              }
              return receipts
                  .ofCheckout(tenantId, id, RECEIPTS_SHOWN)
                  .compose(
                      shown ->
                          ledger
                              .ofCheckout(tenantId, id)
                              .map(entries -> new CheckoutDetail(checkout, shown, entries)));
            });
  }

  /**
   * The tenant's checkouts after {@code startingAfter}, newest first; fails with {@link
   * io.paybridge.core.usecase.InvalidInput} for an unknown status or a {@code startingAfter} that
   * is not one of the tenant's checkouts.
   */
  public Future<Page<Checkout, UUID>> list(
      UUID tenantId, CheckoutStore.Filter filter, UUID startingAfter, int limit) {
    Future<Void> checked =
        new Checks()
            .require(
                filter.status() == null || Checkout.STATUSES.contains(filter.status()),
                "status",
                "'status' must be one of " + String.join(", ", Checkout.STATUSES))
            .verdict();
    return checked
        .compose(
            v ->
                startingAfter == null
                    ? Future.succeededFuture(true)
                    : store.find(tenantId, startingAfter).map(c -> c != null))
        .compose(
            known ->
                known
                    ? store.list(tenantId, filter, startingAfter, limit)
                    : new Checks()
                        .require(
                            false,
                            "starting_after",
                            "'starting_after' is not one of your checkouts")
                        .verdict()
                        .map(v -> (Page<Checkout, UUID>) null));
  }

  /**
   * Captures what the customer authorized for an open checkout: the first attempt now, the rest by
   * the job queue. Fails with {@link Refused}: 404 for no such checkout, 422 when its gateway
   * cannot capture or refuses, 409 when it is not open or the gateway says it must wait.
   */
  public Future<CaptureResult> capture(UUID tenantId, UUID id) {
    return store
        .find(tenantId, id)
        .compose(
            found -> {
              if (found == null) {
                return Future.failedFuture(notFound(id));
              }
              if (!(plugins.get(found.gateway()) instanceof Captures)) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "unsupported_gateway",
                        "'" + found.gateway() + "' captures its payments by itself"));
              }
              return attempts.askCapture(tenantId, id, node, LEASE);
            })
        .compose(asked -> captureAsked(tenantId, asked));
  }

  private Future<CaptureResult> captureAsked(
      UUID tenantId, CheckoutAttemptStore.CaptureAsked asked) {
    Checkout checkout = asked.checkout();
    if (asked.job() == null) {
      if (asked.underWay()) {
        return Future.succeededFuture(new CaptureResult(checkout, true));
      }
      return CheckoutRules.alreadySettled(checkout);
    }
    return captures
        .handle(asked.job())
        .recover(err -> Future.succeededFuture(JobResult.retry(String.valueOf(err))))
        .compose(
            result ->
                jobs.finish(
                        asked.job(),
                        result,
                        result instanceof JobResult.Retry r && r.after() != null
                            ? r.after()
                            : Backoff.DEFAULT.after(1))
                    .recover(err -> Future.succeededFuture(false))
                    .compose(finished -> store.find(tenantId, checkout.id()))
                    .compose(after -> CheckoutRules.captureAnswer(after, result)));
  }

  /**
   * Names the payment the customer's client created itself at the gateway (a wallet's intent), so
   * its webhooks book for this checkout. Once: the same id again changes nothing, another is
   * refused (409), as is one another checkout has.
   */
  public Future<Checkout> registerIntent(UUID tenantId, UUID id, String intentId) {
    return new Checks()
        .require(
            Checks.lengthWithin(intentId, 1, 255) && CheckoutRules.isPrintable(intentId),
            "intentId",
            "'intentId' must be 1 to 255 printable characters")
        .verdict()
        .compose(v -> store.registerReference(tenantId, id, intentId))
        .recover(
            err ->
                err instanceof PgException pg && "23505".equals(pg.getSqlState())
                    ? Future.failedFuture(
                        Refused.conflict(
                            "intent_in_use", "intent " + intentId + " belongs to another checkout"))
                    : Future.failedFuture(err))
        .compose(
            registered ->
                registered != null
                    ? Future.succeededFuture(registered)
                    : store
                        .find(tenantId, id)
                        .compose(
                            c ->
                                Future.failedFuture(
                                    c == null ? notFound(id) : CheckoutRules.notRegistrable(c))));
  }

  static Refused notFound(UUID id) {
    return Refused.notFound("not_found", "no checkout " + id);
  }
}
