package io.paybridge.core.checkout;

import io.paybridge.core.db.Rows;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The SQL of captures and cancellations of checkouts: the jobs that carry them out ({@value
 * #CAPTURE} and {@value #CANCEL}, at most one of each outstanding per checkout, whoever queued it —
 * a webhook's follow-up or the tenant's request) and what their attempts write.
 *
 * <p>Every write an attempt makes names the attempt's job and claim token, so an attempt that
 * outlived its lease (a node paused past it, a gateway answering late) changes nothing: the worker
 * that took the job over decides.
 */
public final class CheckoutAttemptStore {

  /** The job that captures a checkout's authorized payment. */
  public static final String CAPTURE = "checkout_capture";

  /** The job that releases a checkout's authorization. */
  public static final String CANCEL = "checkout_cancel";

  /** A checkout as an attempt reads it, with the tenant that owns it. */
  public record Attempt(UUID tenantId, Checkout checkout) {}

  /**
   * A capture the tenant asked for.
   *
   * @param checkout the checkout as it stood when asked
   * @param job the capture job, claimed by the caller; null when none was queued (the checkout is
   *     not open, or a capture is already under way)
   * @param underWay whether a capture job was already outstanding
   */
  public record CaptureAsked(Checkout checkout, Job job, boolean underWay) {}

  private final Pool pool;

  public CheckoutAttemptStore(Pool pool) {
    this.pool = pool;
  }

  /** The checkout an attempt works on, or null. */
  public Future<Attempt> attempt(UUID id) {
    return pool.preparedQuery(
            "SELECT " + CheckoutStore.COLUMNS + ", tenant_id FROM checkouts WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Attempt(row.getUUID("tenant_id"), CheckoutStore.checkout(row, null));
            });
  }

  /**
   * Queues a capture of the tenant's open checkout, claimed by {@code owner} for {@code lease} so
   * the caller runs its first attempt at once; in one transaction with a lock on the checkout. No
   * job when the checkout is not open or has no reference yet, or when a capture is outstanding.
   *
   * @return null when the tenant has no such checkout
   */
  public Future<CaptureAsked> askCapture(UUID tenantId, UUID id, String owner, Duration lease) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT "
                        + CheckoutStore.COLUMNS
                        + " FROM checkouts WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
                .execute(Tuple.of(tenantId, id))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(null);
                      }
                      Checkout checkout = CheckoutStore.checkout(rows.iterator().next(), null);
                      if (!Checkout.OPEN.equals(checkout.status())
                          || checkout.reference() == null) {
                        return Future.succeededFuture(new CaptureAsked(checkout, null, false));
                      }
                      return conn.preparedQuery(
                              "INSERT INTO jobs (kind, tenant_id, payload, dedupe_key, status,"
                                  + " lease_owner, claim_token, run_at, lease_expires_at, attempts)"
                                  + " VALUES ($1, $2, $3, $4, 'running', $5, gen_random_uuid(),"
                                  + " now() + $6 * interval '1 millisecond',"
                                  + " now() + $6 * interval '1 millisecond', 1)"
                                  + " ON CONFLICT DO NOTHING RETURNING id, kind, tenant_id,"
                                  + " ref_id, payload, attempts, claim_token, created_at")
                          .execute(
                              Tuple.of(
                                  CAPTURE,
                                  tenantId,
                                  new JsonObject()
                                      .put("checkout", id.toString())
                                      .put("reason", "the tenant asked for the capture"),
                                  id.toString(),
                                  owner,
                                  lease.toMillis()))
                          .map(
                              jobs ->
                                  jobs.size() == 0
                                      ? new CaptureAsked(checkout, null, true)
                                      : new CaptureAsked(
                                          checkout, job(jobs.iterator().next()), false));
                    }));
  }

  /**
   * Books what a capture moved, fenced by the attempt's claim, with its sync job and the checkout's
   * new sums and status, in one statement. The entry is keyed as the gateway's webhook for the same
   * capture keys it, so whichever comes first books it and the other books nothing.
   *
   * @return whether the claim still held
   */
  public Future<Boolean> captured(Job job, UUID id, PaymentEvent booking) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + ", ck AS (SELECT id, tenant_id, gateway, customer_ref FROM checkouts"
                + " WHERE id = $3 AND EXISTS (SELECT 1 FROM claim)),"
                + " led AS (INSERT INTO ledger_entries (tenant_id, gateway, checkout_id, entry_key,"
                + " kind, amount_minor, currency, external_payment_id, customer_ref, occurred_at)"
                + " SELECT ck.tenant_id, ck.gateway, ck.id, $4, $5, $6, $7, $8,"
                + " COALESCE($9, ck.customer_ref), $10 FROM ck"
                + " ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING"
                + " RETURNING id, tenant_id, checkout_id, kind, amount_minor),"
                + " job AS (INSERT INTO jobs (kind, tenant_id, ref_id)"
                + " SELECT 'sync', tenant_id, id FROM led),"
                + " moved AS ("
                + CheckoutMoves.FROM_LED
                + ") SELECT count(*) FROM ck")
        .execute(
            Tuple.tuple()
                .addLong(job.id())
                .addUUID(job.claimToken())
                .addUUID(id)
                .addString(booking.entryKey())
                .addString(booking.kind().name())
                .addLong(booking.amountMinor())
                .addString(booking.currency())
                .addString(booking.externalPaymentId())
                .addString(booking.customerRef())
                .addOffsetDateTime(booking.occurredAt().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
  }

  /**
   * The gateway will never capture the checkout (declined, expired, voided): it failed, unless
   * money moved meanwhile. Fenced by the attempt's claim.
   *
   * @return whether the checkout changed
   */
  public Future<Boolean> failed(Job job, UUID id, String code, String message) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE checkouts SET status = 'failed', failure_code = $4, failure_message = $5,"
                + " last_error = NULL, updated_at = now()"
                + " WHERE id = $3 AND status = 'open' AND EXISTS (SELECT 1 FROM claim)")
        .execute(
            Tuple.of(
                job.id(), job.claimToken(), id, Rows.clip(code, 100), Rows.clip(message, 1000)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * The authorization was released: the checkout is cancelled, unless money moved meanwhile. Fenced
   * by the attempt's claim.
   *
   * @return whether the checkout changed
   */
  public Future<Boolean> cancelled(Job job, UUID id, String reason) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE checkouts SET status = 'cancelled', failure_code = 'cancelled',"
                + " failure_message = $4, last_error = NULL, updated_at = now()"
                + " WHERE id = $3 AND status IN ('open', 'failed') AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), id, Rows.clip(reason, 1000)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Notes an attempt that settled nothing (the gateway could not be asked, or says the payment
   * cannot be captured yet), fenced by the attempt's claim.
   */
  public Future<Boolean> note(Job job, UUID id, String error) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE checkouts SET last_error = $4, updated_at = now()"
                + " WHERE id = $3 AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), id, Rows.clip(error, 2000)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Job job(Row r) {
    return new Job(
        r.getLong("id"),
        r.getString("kind"),
        r.getUUID("tenant_id"),
        r.getLong("ref_id"),
        (JsonObject) r.getJson("payload"),
        r.getInteger("attempts"),
        r.getUUID("claim_token"),
        r.getOffsetDateTime("created_at"));
  }
}
