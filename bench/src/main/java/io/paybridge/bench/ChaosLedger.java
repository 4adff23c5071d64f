package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the database holds for the chaos suite's webhooks, read straight from the platform's tables
 * (receipts, ledger entries, deliveries) to check the platform's answers against its records.
 */
final class ChaosLedger {

  /**
   * The records of a set of acknowledged webhooks.
   *
   * @param receipts receipts of those events
   * @param entryIds ids of the ledger entries booked from them
   * @param deliveries those entries' deliveries by status
   * @param maxAttempts the most attempts any of those deliveries took
   */
  record Records(
      long receipts, List<Long> entryIds, Map<String, Long> deliveries, long maxAttempts) {
    long delivered() {
      return deliveries.getOrDefault("delivered", 0L);
    }

    long allDeliveries() {
      return deliveries.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static final String RECEIPTS =
      "SELECT count(*) FROM webhook_receipts WHERE tenant_id = ANY($1) AND gateway = 'stripe'"
          + " AND event_id = ANY($2)";
  private static final String ENTRIES =
      "SELECT e.id FROM ledger_entries e JOIN webhook_receipts r ON r.id = e.receipt_id"
          + " WHERE r.tenant_id = ANY($1) AND r.gateway = 'stripe' AND r.event_id = ANY($2)";
  private static final String DELIVERIES =
      "SELECT status, count(*), max(attempts) FROM deliveries WHERE tenant_id = ANY($1) AND entry_id = ANY($2)"
          + " GROUP BY status";
  private static final String STUCK =
      """
      SELECT d.id, d.entry_id, d.status, d.attempts, d.last_status, d.last_error, d.updated_at,
             t.enabled, t.disabled_reason, j.id, j.status, j.attempts, j.run_at, j.wake_requested,
             j.lease_owner, j.last_error
        FROM deliveries d JOIN sync_targets t ON t.id = d.target_id
        LEFT JOIN jobs j ON j.kind = 'deliver' AND j.ref_id = d.id
       WHERE d.tenant_id = ANY($1) AND d.entry_id = ANY($2) AND d.status <> 'delivered'
       ORDER BY d.id LIMIT 20
      """;
  private static final String ENTRY_KEYS =
      "SELECT tenant_id::text || '/' || gateway || '/' || entry_key, external_payment_id"
          + " FROM ledger_entries WHERE tenant_id = ANY($1)";

  private final Pool pool;

  ChaosLedger(Vertx vertx, PgConnectOptions connect) {
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(connect)
            .using(vertx)
            .build();
  }

  /** What the database holds for the events {@code eventIds} of {@code tenants}. */
  Future<Records> records(Collection<UUID> tenants, Collection<String> eventIds) {
    UUID[] t = tenants.toArray(UUID[]::new);
    String[] e = eventIds.toArray(String[]::new);
    Future<Long> receipts =
        pool.preparedQuery(RECEIPTS)
            .execute(Tuple.of((Object) t, (Object) e))
            .map(rows -> rows.iterator().next().getLong(0));
    Future<List<Long>> entries =
        pool.preparedQuery(ENTRIES)
            .execute(Tuple.of((Object) t, (Object) e))
            .map(
                rows -> {
                  List<Long> ids = new ArrayList<>();
                  rows.forEach(r -> ids.add(r.getLong(0)));
                  return ids;
                });
    return Future.all(receipts, entries)
        .compose(
            all ->
                pool.preparedQuery(DELIVERIES)
                    .execute(Tuple.of((Object) t, (Object) entries.result().toArray(Long[]::new)))
                    .map(
                        rows -> {
                          Map<String, Long> byStatus = new HashMap<>();
                          long maxAttempts = 0;
                          for (Row r : rows) {
                            byStatus.put(r.getString(0), r.getLong(1));
                            maxAttempts = Math.max(maxAttempts, r.getLong(2));
                          }
                          return new Records(
                              receipts.result(), entries.result(), byStatus, maxAttempts);
                        }));
  }

  /**
   * The deliveries of {@code entryIds} not delivered, each with its target's state and its job's
   * (at most 20), one line each: what an operator would look at when a fault did not recover.
   */
  Future<List<String>> stuck(Collection<UUID> tenants, Collection<Long> entryIds) {
    return pool.preparedQuery(STUCK)
        .execute(
            Tuple.of((Object) tenants.toArray(UUID[]::new), (Object) entryIds.toArray(Long[]::new)))
        .map(
            rows -> {
              List<String> lines = new ArrayList<>();
              for (Row r : rows) {
                lines.add(
                    String.format(
                        java.util.Locale.ROOT,
                        "delivery %d (entry %d) %s after %d attempts, last %s %s, updated %s;"
                            + " target %s%s; job %s %s, %s attempts, due %s, wake %s, lease %s,"
                            + " last error %s",
                        r.getLong(0),
                        r.getLong(1),
                        r.getString(2),
                        r.getInteger(3),
                        r.getValue(4),
                        r.getString(5),
                        r.getValue(6),
                        r.getBoolean(7) ? "enabled" : "disabled",
                        r.getString(8) == null ? "" : " (" + r.getString(8) + ")",
                        r.getValue(9),
                        r.getString(10),
                        r.getValue(11),
                        r.getValue(12),
                        r.getValue(13),
                        r.getString(14),
                        r.getString(15)));
              }
              return lines;
            });
  }

  /**
   * Every ledger entry of {@code tenants} as two keys: its entry key (unique per tenant and
   * gateway) and its gateway payment id (one payment per webhook in this suite); a key seen twice
   * is money booked twice.
   */
  Future<List<List<String>>> entryKeys(Collection<UUID> tenants) {
    return pool.preparedQuery(ENTRY_KEYS)
        .execute(Tuple.of((Object) tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<String> keys = new ArrayList<>();
              List<String> payments = new ArrayList<>();
              for (Row r : rows) {
                keys.add(r.getString(0));
                payments.add(r.getString(1));
              }
              return List.of(keys, payments);
            });
  }

  /**
   * Of the deliveries whose message ids ({@code pb_<entry id>}) the sink accepted, how many the
   * platform does not mark delivered: a late write that undid a delivery, or a success never
   * recorded.
   */
  Future<Long> receivedNotDelivered(Collection<UUID> tenants, Collection<String> messageIds) {
    Long[] entries =
        messageIds.stream()
            .filter(id -> id.startsWith("pb_"))
            .map(id -> Long.parseLong(id.substring(3)))
            .toArray(Long[]::new);
    return pool.preparedQuery(
            "SELECT count(*) FROM deliveries WHERE tenant_id = ANY($1) AND entry_id = ANY($2)"
                + " AND status <> 'delivered'")
        .execute(Tuple.of((Object) tenants.toArray(UUID[]::new), (Object) entries))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** How many of {@code tenants}' sync targets are disabled now. */
  Future<Long> disabledTargets(Collection<UUID> tenants) {
    return pool.preparedQuery(
            "SELECT count(*) FROM sync_targets WHERE tenant_id = ANY($1) AND NOT enabled")
        .execute(Tuple.of((Object) tenants.toArray(UUID[]::new)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The database's size on disk, and the ledger entries it holds (all tenants). */
  Future<long[]> sizeAndEntries() {
    return pool.query(
            "SELECT pg_database_size(current_database()), (SELECT count(*) FROM ledger_entries)")
        .execute()
        .map(rows -> rows.iterator().next())
        .map(r -> new long[] {r.getLong(0), r.getLong(1)});
  }

  Future<Void> close() {
    return pool.close();
  }
}
