package io.paybridge.core.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A tenant-visible log of deliveries that left no receipt: rejected (and why), malformed, ignored,
 * duplicate. Written off the acknowledgement path (a failed write never changes the answer) and
 * capped per account per minute, so a flood of forged deliveries cannot fill the database. Accepted
 * deliveries are their receipts.
 */
public final class WebhookLog {

  /** Entries kept per account and minute; the rest are counted in metrics and the node log only. */
  static final int PER_ACCOUNT_PER_MINUTE = 60;

  private static final Logger LOG = Logger.getLogger(WebhookLog.class.getName());

  private final Pool pool;
  private final Map<String, AtomicInteger> budget = new ConcurrentHashMap<>();
  private volatile long minute;

  public WebhookLog(Pool pool) {
    this.pool = pool;
  }

  /** Records an outcome, unless this account's budget for the minute is spent. */
  public void record(
      UUID tenantId,
      String gateway,
      String outcome,
      String reason,
      String eventId,
      String eventType,
      String remote) {
    long now = System.currentTimeMillis() / 60_000;
    if (now != minute) {
      minute = now;
      budget.clear();
    }
    if (budget.computeIfAbsent(tenantId + "/" + gateway, k -> new AtomicInteger()).incrementAndGet()
        > PER_ACCOUNT_PER_MINUTE) {
      return;
    }
    pool.preparedQuery(
            "INSERT INTO webhook_log (tenant_id, gateway, outcome, reason, event_id, event_type, remote)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(
            Tuple.of(
                tenantId, gateway, outcome, clip(reason), clip(eventId), clip(eventType), remote))
        .onFailure(err -> LOG.fine(() -> "webhook log not written: " + err));
  }

  /** The tenant's recent log entries, newest first. */
  public Future<List<JsonObject>> recent(UUID tenantId, int limit) {
    return pool.preparedQuery(
            "SELECT id, gateway, outcome, reason, event_id, event_type, remote, received_at"
                + " FROM webhook_log WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2")
        .execute(Tuple.of(tenantId, limit))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              for (Row r : rows) {
                OffsetDateTime at = r.getOffsetDateTime("received_at");
                out.add(
                    new JsonObject()
                        .put("id", String.valueOf(r.getLong("id")))
                        .put("gateway", r.getString("gateway"))
                        .put("outcome", r.getString("outcome"))
                        .put("reason", r.getString("reason"))
                        .put("eventId", r.getString("event_id"))
                        .put("eventType", r.getString("event_type"))
                        .put("remote", r.getString("remote"))
                        .put("receivedAt", at.toInstant().toString()));
              }
              return out;
            });
  }

  /** Deletes entries older than the retention; run periodically. */
  public Future<Integer> expire(java.time.Duration retention) {
    return pool.preparedQuery(
            "DELETE FROM webhook_log WHERE received_at < now() - $1 * interval '1 second'")
        .execute(Tuple.of(retention.toSeconds()))
        .map(rows -> rows.rowCount());
  }

  private static String clip(String s) {
    return s == null || s.length() <= 500 ? s : s.substring(0, 500);
  }
}
