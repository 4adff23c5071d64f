package io.paybridge.core.ingest;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.ingest.DeliveryCheck.Malformed;
import io.paybridge.core.ingest.DeliveryCheck.Rejected;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What a tenant does with its webhook receipts: list them, read one with its body and what it
 * booked, and process one again. Processing again runs the gateway's plugin over the delivery as it
 * was received (freshness judged at the time it arrived) and books, under the same keys, only what
 * was not booked. Held receipts are processed again by themselves, once, when the account's
 * credentials are saved: a {@value #REPROCESS_HELD} job, fenced by its claim. Deliveries kept
 * before the account had its signing secret are verified then, as received: booked once when they
 * verify, refused when they do not, and left held while the secret is still missing.
 */
public final class Receipts {

  /** The job kind that processes an account's held receipts again. */
  public static final String REPROCESS_HELD = "reprocess_held";

  private static final Logger LOG = Logger.getLogger(Receipts.class.getName());

  /** Held receipts processed per round of the job. */
  private static final int HELD_BATCH = 100;

  /** What processing a receipt again decided. */
  public record Outcome(String verdict, String reason, long newEntries) {}

  /** A receipt that cannot be processed again, and why (for a 409 answer). */
  public static final class NotReprocessable extends RuntimeException {
    public NotReprocessable(String message) {
      super(message, null, false, false);
    }
  }

  private final ReceiptStore store;
  private final ReprocessStore reprocessing;
  private final GatewayAccountStore accounts;
  private final DeliveryCheck check;
  private final Runnable wakeSync;

  /**
   * @param wakeSync told when processing booked something new, so its sync starts now
   */
  public Receipts(
      ReceiptStore store,
      ReprocessStore reprocessing,
      GatewayAccountStore accounts,
      Runnable wakeSync) {
    this.store = store;
    this.reprocessing = reprocessing;
    this.accounts = accounts;
    this.check = new DeliveryCheck(store);
    this.wakeSync = wakeSync;
  }

  /** The tenant's receipts below {@code startingAfter}, newest first. */
  public Future<Page<ReceiptStore.Receipt, Long>> list(
      UUID tenantId, ReceiptStore.Filter filter, Long startingAfter, int limit) {
    return store.list(tenantId, filter, startingAfter, limit);
  }

  /** A page of the tenant's receipts, newest first, after or before the one the request names. */
  public Future<Page<ReceiptStore.Receipt, Long>> list(
      UUID tenantId, ReceiptStore.Filter filter, PageRequest<Long> request) {
    return store.list(tenantId, filter, request);
  }

  /** A receipt of the tenant, or {@code null}. */
  public Future<ReceiptStore.Detail> get(UUID tenantId, long id) {
    return store.get(tenantId, id);
  }

  /** How many receipts each of the tenant's accounts holds. */
  public Future<java.util.Map<String, Long>> heldCounts(UUID tenantId) {
    return store.heldCounts(tenantId);
  }

  /**
   * Processes one receipt of the tenant again; {@code null} when it has no such receipt. Fails with
   * {@link NotReprocessable} when there is nothing to process (a duplicate, a body no longer kept,
   * an account since removed) and with {@link GatewayApiException} when the gateway's API is
   * unavailable now.
   */
  public Future<Outcome> reprocess(UUID tenantId, long id) {
    return reprocessing
        .stored(tenantId, id)
        .compose(
            stored -> {
              if (stored == null) {
                return Future.succeededFuture(null);
              }
              return reprocess(stored, null, null);
            });
  }

  private Future<Outcome> reprocess(ReprocessStore.Stored stored, Long jobId, UUID claim) {
    if ("duplicate".equals(stored.verdict())) {
      return Future.failedFuture(
          new NotReprocessable(
              "receipt " + stored.id() + " repeats an earlier delivery: process that one again"));
    }
    if (stored.body() == null) {
      return Future.failedFuture(
          new NotReprocessable(
              "receipt "
                  + stored.id()
                  + " has no body to process: it was refused before it could be authenticated,"
                  + " or its body passed the retention period"));
    }
    return accounts
        .find(stored.tenantId(), stored.gateway())
        .compose(
            account -> {
              if (account == null) {
                return Future.failedFuture(
                    new NotReprocessable("no " + stored.gateway() + " account is connected"));
              }
              WebhookRequest request = request(account, stored);
              return check
                  .check(account, request)
                  .compose(result -> apply(account, stored, result, jobId, claim));
            });
  }

  private Future<Outcome> apply(
      GatewayAccount account,
      ReprocessStore.Stored stored,
      DeliveryCheck.Result result,
      Long jobId,
      UUID claim) {
    if (result instanceof DeliveryCheck.Unverified waiting) {
      // Still no secret to verify it with: it stays as it is, held.
      return Future.succeededFuture(new Outcome(stored.verdict(), waiting.reason(), 0));
    }
    if (result instanceof Rejected rejected) {
      String reason = rejected.verdict().reason();
      return reprocessing
          .markRejected(
              stored.tenantId(), stored.id(), reason, IngestHandler.cause(rejected.verdict()))
          .map(new Outcome("rejected", reason, 0));
    }
    if (result instanceof Malformed malformed) {
      String reason = "malformed: " + malformed.reason();
      return reprocessing
          .markRejected(stored.tenantId(), stored.id(), reason, IngestHandler.MALFORMED)
          .map(new Outcome("rejected", reason, 0));
    }
    ParsedWebhook parsed = ((DeliveryCheck.Parsed) result).parsed();
    GroupCommitRecorder.Receipt receipt =
        new GroupCommitRecorder.Receipt(
            stored.tenantId(),
            account.gateway(),
            parsed,
            stored.body(),
            account.cancelsUnknownSubscriptions(),
            stored.headers(),
            stored.remote(),
            stored.query());
    return reprocessing
        .reprocess(stored.id(), receipt, jobId, claim)
        .map(
            done -> {
              if (done.newEntries() > 0) {
                wakeSync.run();
              }
              String verdict =
                  "recorded".equals(stored.verdict())
                      ? "recorded"
                      : receipt.fresh().name().toLowerCase(java.util.Locale.ROOT);
              return new Outcome(verdict, parsed.reason(), done.newEntries());
            });
  }

  /** The delivery as it arrived, to be judged at the time it arrived. */
  private static WebhookRequest request(GatewayAccount account, ReprocessStore.Stored stored) {
    MultiMap query = MultiMap.caseInsensitiveMultiMap();
    if (stored.query() != null) {
      io.netty.handler.codec.http.QueryStringDecoder decoder =
          new io.netty.handler.codec.http.QueryStringDecoder(stored.query(), false);
      decoder.parameters().forEach(query::add);
    }
    return new WebhookRequest(
        "POST",
        "/hooks/" + account.hookKey() + "/" + account.gateway(),
        ReceiptHeaders.decode(stored.headers()),
        query,
        Buffer.buffer(stored.body().getBytes()),
        stored.remote(),
        stored.receivedAt());
  }

  /** The job that processes an account's held receipts again, oldest first. */
  public JobHandler reprocessHeld() {
    return job -> {
      String gateway = job.payload() == null ? null : job.payload().getString("gateway");
      if (gateway == null) {
        return Future.succeededFuture(new JobResult.Dead("job names no gateway"));
      }
      return heldRound(job, gateway, 0L)
          .recover(
              err -> {
                if (err instanceof NotReprocessable n) {
                  return Future.succeededFuture(new JobResult.Dead(n.getMessage()));
                }
                return Future.succeededFuture(JobResult.retry(String.valueOf(err.getMessage())));
              });
    };
  }

  private Future<JobResult> heldRound(Job job, String gateway, long afterId) {
    return reprocessing
        .held(job.tenantId(), gateway, afterId, HELD_BATCH)
        .compose(
            ids -> {
              if (ids.isEmpty()) {
                return Future.succeededFuture(JobResult.done());
              }
              Future<Void> chain = Future.succeededFuture();
              for (Long id : ids) {
                chain = chain.compose(v -> reprocessHeldOne(job, id));
              }
              long last = ids.get(ids.size() - 1);
              return chain.compose(
                  v ->
                      ids.size() < HELD_BATCH
                          ? Future.succeededFuture(JobResult.done())
                          : heldRound(job, gateway, last));
            });
  }

  private Future<Void> reprocessHeldOne(Job job, long id) {
    return reprocessing
        .stored(job.tenantId(), id)
        .compose(
            stored -> {
              if (stored == null || !"held".equals(stored.verdict())) {
                return Future.succeededFuture();
              }
              return reprocess(stored, job.id(), job.claimToken())
                  .map(
                      outcome -> {
                        LOG.fine(
                            () ->
                                "held receipt "
                                    + id
                                    + " processed again: "
                                    + outcome.verdict()
                                    + ", "
                                    + outcome.newEntries()
                                    + " new entries");
                        return (Void) null;
                      });
            });
  }

  /** Ids of the receipts an account holds, oldest first (for operators and tests). */
  public Future<List<Long>> held(UUID tenantId, String gateway) {
    return reprocessing.held(tenantId, gateway, 0L, 1000);
  }
}
