package io.paybridge.core.sync;

import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The writes of one delivery attempt, one at a time: its outcome and attempt log, giving a delivery
 * up, and disabling a target whose receiver said it is gone. Every write is fenced by the claim of
 * the job that made the attempt ({@link JobQueue#WITH_CLAIM}), and a delivered delivery is never
 * set back. The delivery dispatcher records the common outcomes in batches instead ({@link
 * DeliveryBatchStore}), under the same two rules.
 */
public final class DeliveryWrites {

  private final Pool pool;

  public DeliveryWrites(Pool pool) {
    this.pool = pool;
  }

  /**
   * Sets the delivery's state after an attempt and logs the attempt, fenced by the claim of the job
   * that made it; a delivered delivery is never set back.
   */
  private static final String RECORD_ATTEMPT =
      JobQueue.WITH_CLAIM
          + """
          , d AS (
            UPDATE deliveries
               SET status = $4, attempts = attempts + 1, last_status = $5, last_error = $6,
                   last_latency_ms = $7, updated_at = now(),
                   delivered_at = CASE WHEN $4 = 'delivered' THEN now() END
             WHERE id = $3 AND status <> 'delivered' AND EXISTS (SELECT 1 FROM claim)
            RETURNING id
          ), logged AS (
            INSERT INTO delivery_attempts (delivery_id, status_code, latency_ms, error, node)
            SELECT id, $5, $7, $6, $8 FROM d
          )
          SELECT count(*) FROM d""";

  /**
   * Marks ledger entry {@code $3} synced once every live target has it, fenced by the claim of the
   * job whose attempt delivered it.
   */
  private static final String MARK_SYNCED =
      JobQueue.WITH_CLAIM
          + """
           UPDATE ledger_entries SET synced_at = now()
           WHERE id = $3 AND synced_at IS NULL AND EXISTS (SELECT 1 FROM claim)
             AND NOT EXISTS (
               SELECT 1 FROM deliveries x JOIN sync_targets t ON t.id = x.target_id
                WHERE x.entry_id = $3 AND x.status <> 'delivered' AND t.deleted_at IS NULL)""";

  /** Gives a delivery up (dead), fenced by the claim of the job that decided it. */
  private static final String GIVE_UP =
      JobQueue.WITH_CLAIM
          + """
           UPDATE deliveries SET status = 'dead', last_error = $4, updated_at = now()
           WHERE id = $3 AND status <> 'delivered' AND EXISTS (SELECT 1 FROM claim)""";

  /**
   * Disables a target its receiver said is gone, fenced by the claim of the job that heard it, and
   * only as the attempt saw it ({@code $6}, the target's revision the claim read): a 410 to a
   * request sent before the tenant enabled the target again changes nothing.
   */
  private static final String DISABLE_TARGET =
      JobQueue.WITH_CLAIM
          + """
           UPDATE sync_targets SET enabled = false, disabled_reason = $5, revision = revision + 1
           WHERE tenant_id = $3 AND id = $4 AND deleted_at IS NULL AND revision = $6
             AND EXISTS (SELECT 1 FROM claim)""";

  /**
   * Records an attempt of {@code job} to deliver {@code d}: sets the delivery's state and logs the
   * attempt, and marks a delivered entry synced once every live target has it. Every write is
   * fenced by the job's claim, and a delivered delivery stays delivered: a late attempt (its job
   * timed out and was claimed again, or the delivery was delivered meanwhile) changes nothing.
   *
   * <p>A delivered attempt first locks its ledger entry, so that two deliveries of one entry
   * completing at once run one after the other and the second sees the first: otherwise each would
   * see the other still pending and neither would mark the entry synced.
   *
   * @return whether the attempt was recorded ({@code false}: it came too late and changed nothing)
   */
  public Future<Boolean> recordAttempt(Job job, SyncStore.Delivery d, SyncStore.Attempt attempt) {
    return pool.withTransaction(
        conn ->
            lockEntryIfDelivered(conn, d, attempt)
                .compose(
                    locked ->
                        conn.preparedQuery(RECORD_ATTEMPT)
                            .execute(
                                claimed(job)
                                    .addLong(d.id())
                                    .addString(attempt.status())
                                    .addInteger(attempt.statusCode())
                                    .addString(attempt.error())
                                    .addInteger((int) attempt.latencyMs())
                                    .addString(attempt.node())))
                .map(rows -> rows.iterator().next().getLong(0) == 1)
                .compose(
                    recorded ->
                        recorded && attempt.succeeded()
                            ? conn.preparedQuery(MARK_SYNCED)
                                .execute(claimed(job).addLong(d.entryId()))
                                .map(true)
                            : Future.succeededFuture(recorded)));
  }

  private static Future<Void> lockEntryIfDelivered(
      SqlConnection conn, SyncStore.Delivery d, SyncStore.Attempt a) {
    return a.succeeded()
        ? conn.preparedQuery("SELECT 1 FROM ledger_entries WHERE id = $1 FOR NO KEY UPDATE")
            .execute(Tuple.of(d.entryId()))
            .mapEmpty()
        : Future.succeededFuture();
  }

  /**
   * Marks a delivery dead without an attempt (its target went away, its window closed), fenced by
   * the claim of {@code job}.
   *
   * @return whether it was given up ({@code false}: the claim was lost or it was delivered)
   */
  public Future<Boolean> giveUp(Job job, long deliveryId, String reason) {
    return pool.preparedQuery(GIVE_UP)
        .execute(claimed(job).addLong(deliveryId).addString(reason))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Disables a target whose receiver answered that it is gone, fenced by the claim of {@code job};
   * its deliveries wait until it is enabled again. {@code target} is the target as the attempt read
   * it: if the tenant has changed it since (enabled it again, disabled or removed it), it is left
   * as the tenant set it.
   *
   * @return whether it was disabled ({@code false}: the claim was lost, the target removed, or
   *     changed since the attempt read it)
   */
  public Future<Boolean> disableTarget(Job job, SyncStore.Target target, String reason) {
    return pool.preparedQuery(DISABLE_TARGET)
        .execute(
            claimed(job)
                .addUUID(target.tenantId())
                .addUUID(target.id())
                .addString(reason)
                .addLong(target.revision()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The parameters {@code $1} and {@code $2} of a statement fenced by the job's claim. */
  private static Tuple claimed(Job job) {
    return Tuple.of(job.id(), job.claimToken());
  }
}
