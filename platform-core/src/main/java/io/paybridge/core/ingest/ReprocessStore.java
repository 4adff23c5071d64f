package io.paybridge.core.ingest;

import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of processing stored receipts again: the delivery as it was received, booking it again
 * under the same keys (fenced by a job's claim when a job does it), the verdicts that follow, and
 * the held receipts that an account's new credentials release ({@link Receipts#REPROCESS_HELD}).
 */
public final class ReprocessStore {

  /** What processing a receipt again needs: the delivery as it was received. */
  public record Stored(
      long id,
      UUID tenantId,
      String gateway,
      String verdict,
      String eventId,
      Buffer body,
      String headers,
      String remote,
      String query,
      Instant receivedAt) {}

  /** Outcome of processing a receipt again. */
  public record Reprocessed(boolean updated, long newEntries) {}

  private final Pool pool;

  public ReprocessStore(Pool pool) {
    this.pool = pool;
  }

  /** The delivery behind a receipt of the tenant, as received, or {@code null}. */
  public Future<Stored> stored(UUID tenantId, long id) {
    return pool.preparedQuery(
            "SELECT id, tenant_id, gateway, verdict, event_id, raw_body, headers::text, remote,"
                + " query, received_at FROM webhook_receipts WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Stored(
                  r.getLong("id"),
                  r.getUUID("tenant_id"),
                  r.getString("gateway"),
                  r.getString("verdict"),
                  r.getString("event_id"),
                  r.getBuffer("raw_body"),
                  r.getString("headers"),
                  r.getString("remote"),
                  r.getString("query"),
                  r.getOffsetDateTime("received_at").toInstant());
            });
  }

  /**
   * Books a stored receipt again with the same keys (only what was not booked) and sets its
   * verdict; fenced by a job's claim when {@code jobId} is given. An event id another receipt
   * already has makes this receipt its duplicate.
   */
  public Future<Reprocessed> reprocess(
      long receiptId, GroupCommitRecorder.Receipt receipt, Long jobId, UUID claimToken) {
    List<Object> params = RecordSql.parameters(List.of(receipt));
    params.add(receiptId);
    params.add(jobId);
    params.add(claimToken);
    return pool.preparedQuery(RecordSql.REPROCESS)
        .execute(Tuple.wrap(params))
        .map(
            rows ->
                rows.size() == 0
                    ? new Reprocessed(false, 0)
                    : new Reprocessed(true, rows.iterator().next().getLong(1)))
        .recover(
            err -> {
              if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return markDuplicate(receipt.tenantId(), receiptId, receipt.parsed())
                    .map(new Reprocessed(true, 0));
              }
              return Future.failedFuture(err);
            });
  }

  private Future<Void> markDuplicate(UUID tenantId, long receiptId, ParsedWebhook parsed) {
    return pool.preparedQuery(
            "UPDATE webhook_receipts r SET verdict = 'duplicate', processed_at = now(),"
                + " reason = $3, duplicate_of = (SELECT id FROM webhook_receipts o"
                + " WHERE o.tenant_id = r.tenant_id AND o.gateway = r.gateway AND o.event_id = $4)"
                + " WHERE r.tenant_id = $1 AND r.id = $2")
        .execute(
            Tuple.of(
                tenantId,
                receiptId,
                ReceiptStore.duplicateReason(parsed.eventId()),
                parsed.eventId()))
        .mapEmpty();
  }

  /**
   * Marks a receipt rejected after processing it again, keeping its body for audit.
   *
   * @param cause the kind of refusal, or {@code null}
   */
  public Future<Void> markRejected(UUID tenantId, long receiptId, String reason, String cause) {
    return pool.preparedQuery(
            "UPDATE webhook_receipts SET verdict = 'rejected', reason = $3, hold = NULL, cause = $4,"
                + " processed_at = now() WHERE tenant_id = $1 AND id = $2 AND verdict <> 'recorded'")
        .execute(Tuple.of(tenantId, receiptId, ReceiptStore.clip(reason), cause))
        .mapEmpty();
  }

  /**
   * Queues the processing of an account's held receipts ({@link Receipts#REPROCESS_HELD}), within
   * the caller's transaction; at most one such job is outstanding per account, and none is queued
   * when nothing is held.
   */
  public static Future<Void> enqueueHeld(SqlClient client, UUID tenantId, String gateway) {
    return client
        .preparedQuery(
            "INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)"
                + " SELECT $1::text, $2::uuid, jsonb_build_object('gateway', $3::text),"
                + " $2::uuid::text || ':' || $3::text"
                + " WHERE EXISTS (SELECT 1 FROM webhook_receipts WHERE tenant_id = $2::uuid"
                + " AND gateway = $3::text AND verdict = 'held')"
                + " ON CONFLICT DO NOTHING")
        .execute(Tuple.of(Receipts.REPROCESS_HELD, tenantId, gateway))
        .mapEmpty();
  }

  /** Ids of the account's held receipts above {@code afterId}, oldest first. */
  public Future<List<Long>> held(UUID tenantId, String gateway, long afterId, int limit) {
    return pool.preparedQuery(
            "SELECT id FROM webhook_receipts WHERE tenant_id = $1 AND gateway = $2"
                + " AND verdict = 'held' AND id > $3 ORDER BY id LIMIT $4")
        .execute(Tuple.of(tenantId, gateway, afterId, limit))
        .map(
            rows -> {
              List<Long> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getLong(0)));
              return out;
            });
  }
}
