package io.paybridge.core.ingest;

import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records verified webhooks with group commit: while a statement is under way, arriving webhooks
 * queue, and the next statement records all of them at once. At low load every webhook gets its own
 * statement immediately; under load the batches grow and the database does one commit for many
 * webhooks. A caller's future completes only after its webhook's commit, so nothing is acknowledged
 * that is not durable.
 *
 * <p>Waiting webhooks are taken round robin by tenant ({@link TenantQueue}), so one tenant's flood
 * does not queue in front of another tenant's webhooks.
 *
 * <p>One recorder belongs to one event-loop context (one per HTTP verticle instance) and is only
 * touched from it, so it needs no locks.
 */
public final class GroupCommitRecorder {

  private static final Logger LOG = Logger.getLogger(GroupCommitRecorder.class.getName());

  /**
   * A webhook to record: its events are booked, or it is kept as held or ignored with its reason.
   *
   * @param cancelUnknown whether a recurring charge for a subscription not recorded before is to be
   *     cancelled and refunded at the gateway (a job, written in the same statement)
   * @param headers the request's headers as kept with the receipt (JSON, see {@link
   *     ReceiptHeaders}), or {@code null}
   * @param remote the sender's address, or {@code null}
   * @param query the request's query string, or {@code null}
   */
  public record Receipt(
      UUID tenantId,
      String gateway,
      ParsedWebhook parsed,
      Buffer rawBody,
      boolean cancelUnknown,
      String headers,
      String remote,
      String query) {
    public Receipt(UUID tenantId, String gateway, ParsedWebhook parsed, Buffer rawBody) {
      this(tenantId, gateway, parsed, rawBody, false, null, null, null);
    }

    public Receipt(
        UUID tenantId,
        String gateway,
        ParsedWebhook parsed,
        Buffer rawBody,
        boolean cancelUnknown) {
      this(tenantId, gateway, parsed, rawBody, cancelUnknown, null, null, null);
    }

    /** What a new receipt of this delivery means: recorded, held or ignored. */
    Outcome fresh() {
      return parsed.isHeld()
          ? Outcome.HELD
          : parsed.isIgnored() ? Outcome.IGNORED : Outcome.RECORDED;
    }

    String key() {
      return tenantId + "\u0000" + gateway + "\u0000" + parsed.eventId();
    }
  }

  private record Pending(
      Receipt receipt, Promise<Outcome> promise, boolean shared, BooleanSupplier senderGone) {}

  /** Never gone: deliveries run again from the receipt log, and callers that wait to the end. */
  private static final BooleanSupplier STAYS = () -> false;

  /**
   * Told after a commit that recorded something new, and so created sync jobs, or queued a
   * delivery's follow-ups.
   */
  @FunctionalInterface
  public interface AfterCommit {
    /**
     * @param otherJobs whether the statement may also have queued other jobs (a cancellation of an
     *     unknown subscription: a new receipt on an account that asks for those; a capture or
     *     cancellation a delivery asked for)
     */
    void recorded(boolean otherJobs);
  }

  /** Told of every statement that ran: how many webhooks it carried and how long it took. */
  @FunctionalInterface
  public interface BatchObserver {
    void statement(int webhooks, long nanos);
  }

  private final Context context;
  private final Pool pool;
  private final int maxBatch;
  private final int maxInFlight;
  private final int parallelAt;
  private final BatchObserver batches;
  private final AfterCommit afterNewRecords;
  private final TenantShares shares;
  private final TenantQueue<Pending> queue = new TenantQueue<>();
  private int inFlight;

  /**
   * @param context the event-loop context that owns this recorder
   * @param maxBatch most webhooks in one statement
   * @param maxInFlight most statements under way at once
   * @param parallelAt webhooks that must be waiting before a statement starts beside one under way
   * @param batches told the size and duration of each statement (metrics)
   * @param afterNewRecords run after a commit that recorded something new (and so created jobs)
   */
  public GroupCommitRecorder(
      Context context,
      Pool pool,
      int maxBatch,
      int maxInFlight,
      int parallelAt,
      BatchObserver batches,
      AfterCommit afterNewRecords) {
    this(
        context,
        pool,
        maxBatch,
        maxInFlight,
        parallelAt,
        batches,
        afterNewRecords,
        TenantShares.UNBOUNDED);
  }

  /**
   * A recorder whose queue {@link #offer offers} share between tenants: {@code queueCapacity}
   * webhooks waiting for all tenants together, at least {@code tenantMinShare} for each.
   */
  public GroupCommitRecorder(
      Context context,
      Pool pool,
      int maxBatch,
      int maxInFlight,
      int parallelAt,
      BatchObserver batches,
      AfterCommit afterNewRecords,
      int queueCapacity,
      int tenantMinShare) {
    this(
        context,
        pool,
        maxBatch,
        maxInFlight,
        parallelAt,
        batches,
        afterNewRecords,
        new TenantShares(queueCapacity, tenantMinShare));
  }

  private GroupCommitRecorder(
      Context context,
      Pool pool,
      int maxBatch,
      int maxInFlight,
      int parallelAt,
      BatchObserver batches,
      AfterCommit afterNewRecords,
      TenantShares shares) {
    this.shares = shares;
    this.context = context;
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.parallelAt = parallelAt;
    this.batches = batches;
    this.afterNewRecords = afterNewRecords;
  }

  /**
   * Records a webhook; the future tells whether it was new ({@code RECORDED}, or {@code HELD} and
   * {@code IGNORED} for deliveries that book nothing yet) or already received ({@code DUPLICATE}),
   * and fails when the database could not commit it.
   */
  public Future<Outcome> record(Receipt receipt) {
    return enqueue(receipt, false, STAYS);
  }

  /**
   * Records a webhook as {@link #record} does, if its tenant holds less than its share of the queue
   * ({@link TenantShares}); otherwise the future fails at once with {@link QueueShareExceeded} and
   * nothing is recorded. For gateways' deliveries, which are delivered again when refused.
   */
  public Future<Outcome> offer(Receipt receipt) {
    return enqueue(receipt, true, STAYS);
  }

  /**
   * Offers a webhook as {@link #offer(Receipt)} does, and leaves it out if, by the time a statement
   * would take it, {@code senderGone} says its sender has hung up: nobody waits for that answer and
   * the gateway delivers it again, so an overloaded node does not spend its database time on
   * webhooks already given up on. The future then fails with {@link SenderGone}; nothing was
   * recorded or acknowledged.
   */
  public Future<Outcome> offer(Receipt receipt, BooleanSupplier senderGone) {
    return enqueue(receipt, true, senderGone);
  }

  /**
   * The refusal an {@link #offer} of {@code tenant}'s would meet now, as its tenant already holds
   * its share of the queue, or {@code null}: lets the caller refuse before verifying and parsing.
   * Always {@code null} off the recorder's event loop, where the offer itself decides.
   */
  public QueueShareExceeded refusalNow(UUID tenant) {
    if (context != io.vertx.core.Vertx.currentContext()) {
      return null;
    }
    return shares.full(tenant) ? new QueueShareExceeded(shares.shareOf(tenant)) : null;
  }

  private Future<Outcome> enqueue(Receipt receipt, boolean shared, BooleanSupplier senderGone) {
    Promise<Outcome> promise = Promise.promise();
    Pending pending = new Pending(receipt, promise, shared, senderGone);
    if (Context.isOnEventLoopThread() && context == io.vertx.core.Vertx.currentContext()) {
      enqueue(pending);
    } else {
      context.runOnContext(v -> enqueue(pending));
    }
    return promise.future();
  }

  private void enqueue(Pending pending) {
    UUID tenant = pending.receipt().tenantId();
    if (!pending.shared()) {
      shares.add(tenant);
    } else if (!shares.admit(tenant)) {
      pending.promise().fail(new QueueShareExceeded(shares.shareOf(tenant)));
      return;
    }
    queue.add(tenant, pending);
    drain();
  }

  /**
   * Starts statements: one whenever none is under way, and further ones (up to the in-flight limit)
   * only once {@code parallelAt} webhooks wait, so batches stay large enough to be cheap.
   */
  private void drain() {
    while (!queue.isEmpty()
        && (inFlight == 0 || (inFlight < maxInFlight && queue.size() >= parallelAt))) {
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        Pending next = queue.poll();
        shares.left(next.receipt().tenantId());
        if (next.senderGone().getAsBoolean()) {
          next.promise().fail(SenderGone.INSTANCE);
        } else {
          batch.add(next);
        }
      }
      if (batch.isEmpty()) {
        continue;
      }
      inFlight++;
      execute(batch)
          .onComplete(
              v -> {
                inFlight--;
                drain();
              });
    }
  }

  /** Runs one batch; completes every promise in it. Never fails itself. */
  private Future<Void> execute(List<Pending> batch) {
    // The same delivery twice in one batch: record the first, answer the rest as duplicates.
    Map<String, Pending> firsts = new HashMap<>();
    Map<Pending, List<Pending>> followers = new HashMap<>();
    List<Pending> unique = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      Pending first = firsts.putIfAbsent(p.receipt.key(), p);
      if (first == null) {
        unique.add(p);
      } else {
        followers.computeIfAbsent(first, k -> new ArrayList<>()).add(p);
      }
    }
    long started = System.nanoTime();
    List<Receipt> receipts = new ArrayList<>(unique.size());
    for (Pending p : unique) {
      receipts.add(p.receipt);
    }
    return pool.preparedQuery(RecordSql.STATEMENT)
        .execute(RecordSql.tuple(receipts))
        .map(
            rows -> {
              batches.statement(unique.size(), System.nanoTime() - started);
              Set<Integer> fresh = new HashSet<>();
              boolean booked = false;
              boolean otherJobs = false;
              for (Row row : rows) {
                int i = row.getInteger(0);
                fresh.add(i);
                Receipt receipt = unique.get(i).receipt;
                boolean followsUp = !receipt.parsed().followUps().isEmpty();
                booked |= !receipt.parsed().events().isEmpty() || followsUp;
                otherJobs |= receipt.cancelUnknown() || followsUp;
              }
              if (booked) {
                afterNewRecords.recorded(otherJobs);
              }
              for (int i = 0; i < unique.size(); i++) {
                Pending p = unique.get(i);
                p.promise.tryComplete(fresh.contains(i) ? p.receipt.fresh() : Outcome.DUPLICATE);
                for (Pending f : followers.getOrDefault(p, List.of())) {
                  f.promise.tryComplete(Outcome.DUPLICATE);
                }
              }
              return (Void) null;
            })
        .recover(
            err -> {
              if (unique.size() > 1 && err instanceof PgException) {
                // The server refused the data, not the connection: one bad webhook must not
                // keep the others from being recorded. Record each alone.
                LOG.log(
                    Level.WARNING,
                    "batch of {0} refused ({1}); recording one by one",
                    new Object[] {unique.size(), err.getMessage()});
                List<Future<Void>> singles = new ArrayList<>();
                for (Pending p : unique) {
                  List<Pending> alone = new ArrayList<>();
                  alone.add(p);
                  alone.addAll(followers.getOrDefault(p, List.of()));
                  singles.add(execute(alone));
                }
                return Future.join(singles).<Void>mapEmpty().otherwiseEmpty();
              }
              if (err instanceof PgException) {
                LOG.log(
                    Level.SEVERE,
                    "webhook "
                        + unique.get(0).receipt.parsed().eventId()
                        + " refused by the database",
                    err);
              } else {
                LOG.log(
                    Level.WARNING,
                    "database unavailable for a batch of {0}: {1}",
                    new Object[] {unique.size(), String.valueOf(err)});
              }
              for (Pending p : batch) {
                p.promise.tryFail(err);
              }
              return Future.succeededFuture();
            });
  }
}
