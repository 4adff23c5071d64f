package io.paybridge.bench;

import static io.paybridge.bench.BenchDatabase.forTenants;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Where the sync of a set of tenants stands in the database: their ledger entries, fan-out jobs,
 * deliveries, deliver jobs and targets, and the delivery attempts the nodes logged.
 */
final class SyncProgress {

  /**
   * Where the sync of a set of tenants stands.
   *
   * @param entries ledger entries recorded
   * @param fanOutJobs {@code sync} jobs not yet fanned out into deliveries
   * @param deliveries deliveries created
   * @param delivered deliveries in state {@code delivered}
   * @param deliverJobs {@code deliver} jobs left (done ones are deleted)
   * @param parkedJobs of which parked, waiting for their target to be enabled
   * @param enabledTargets live targets that are enabled
   */
  record SyncState(
      long entries,
      long fanOutJobs,
      long deliveries,
      long delivered,
      long deliverJobs,
      long parkedJobs,
      long enabledTargets) {

    static SyncState of(Row r) {
      long[] v = BenchDatabase.longs(r, 0, 1, 2, 3, 4, 5, 6);
      return new SyncState(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
  }

  /**
   * Delivery attempts of one node in an interval.
   *
   * @param attempts every attempt it logged
   * @param succeeded attempts answered 2xx
   * @param deliveries distinct deliveries it attempted
   * @param latencyP50Ms median of the attempts' latency as the node measured it (request to answer)
   * @param latencyP99Ms 99th percentile of the same
   */
  record NodeAttempts(
      String node,
      long attempts,
      long succeeded,
      long deliveries,
      double latencyP50Ms,
      double latencyP99Ms) {

    /** A row of {@code ATTEMPTS}: the node, its three counts, and the two latency percentiles. */
    static NodeAttempts of(Row r) {
      long[] counts = BenchDatabase.longs(r, 1, 2, 3);
      return new NodeAttempts(
          r.getString(0), counts[0], counts[1], counts[2], r.getInteger(4), r.getInteger(5));
    }
  }

  private static final String SYNC_STATE =
      """
      SELECT (SELECT count(*) FROM ledger_entries WHERE tenant_id = ANY($1)),
             (SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id = ANY($1)),
             (SELECT count(*) FROM deliveries WHERE tenant_id = ANY($1)),
             (SELECT count(*) FROM deliveries WHERE tenant_id = ANY($1) AND status = 'delivered'),
             (SELECT count(*) FROM jobs WHERE kind = 'deliver' AND tenant_id = ANY($1)),
             (SELECT count(*) FROM jobs WHERE kind = 'deliver' AND tenant_id = ANY($1)
                 AND status = 'parked'),
             (SELECT count(*) FROM sync_targets WHERE tenant_id = ANY($1) AND enabled
                 AND deleted_at IS NULL)
      """;

  /**
   * Attempts by node after one attempt id and up to another, for the tenants' deliveries. The
   * latency is what the node logged per attempt: from sending the request to the answer, including
   * any wait for a pooled connection.
   */
  private static final String ATTEMPTS =
      """
      SELECT coalesce(a.node, '(none)'), count(*),
             count(*) FILTER (WHERE a.status_code BETWEEN 200 AND 299),
             count(DISTINCT a.delivery_id),
             percentile_disc(0.5) WITHIN GROUP (ORDER BY a.latency_ms),
             percentile_disc(0.99) WITHIN GROUP (ORDER BY a.latency_ms)
        FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
       WHERE a.id > $1 AND a.id <= $2 AND d.tenant_id = ANY($3)
       GROUP BY 1 ORDER BY 1
      """;

  private final Pool pool;

  SyncProgress(Pool pool) {
    this.pool = pool;
  }

  /** Where the sync of these tenants stands. */
  Future<SyncState> syncState(Collection<UUID> tenants) {
    return forTenants(pool, SYNC_STATE, tenants).map(rows -> SyncState.of(rows.iterator().next()));
  }

  /** Deliveries of these tenants by status. */
  Future<Map<String, Long>> deliveriesByStatus(Collection<UUID> tenants) {
    return forTenants(
            pool,
            "SELECT status, count(*) FROM deliveries WHERE tenant_id = ANY($1)"
                + " GROUP BY status ORDER BY status",
            tenants)
        .map(SyncProgress::counts);
  }

  /** The newest delivery attempt's id (0: none yet); attempts are numbered in commit order. */
  Future<Long> lastAttemptId() {
    return pool.query("SELECT coalesce(max(id), 0) FROM delivery_attempts")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The newest ledger entry's id, 0 if there is none. */
  Future<Long> lastEntryId() {
    return pool.query("SELECT coalesce(max(id), 0) FROM ledger_entries")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * These tenants' ledger entries with an id over {@code after}: for each, its tenant and when it
   * was recorded (the recording transaction's {@code now()}), in microseconds since the epoch.
   */
  Future<List<Recorded>> recordedSince(Collection<UUID> tenants, long after) {
    return pool.preparedQuery(
            "SELECT id, tenant_id, (extract(epoch FROM recorded_at) * 1000000)::bigint"
                + " FROM ledger_entries WHERE id > $1 AND tenant_id = ANY($2)")
        .execute(Tuple.of(after).addArrayOfUUID(tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<Recorded> out = new ArrayList<>();
              rows.forEach(r -> out.add(new Recorded(r.getLong(0), r.getUUID(1), r.getLong(2))));
              return out;
            });
  }

  /** A ledger entry: its id, its tenant, and when it was recorded (epoch microseconds). */
  record Recorded(long id, UUID tenantId, long recordedMicros) {}

  /** Attempts logged for these tenants' deliveries with {@code after < id <= upTo}, by node. */
  Future<List<NodeAttempts>> attempts(Collection<UUID> tenants, long after, long upTo) {
    return pool.preparedQuery(ATTEMPTS)
        .collecting(Collectors.mapping(NodeAttempts::of, Collectors.toList()))
        .execute(Tuple.of(after, upTo, tenants.toArray(UUID[]::new)))
        .map(SqlResult::value);
  }

  /**
   * When each tenant's deliveries were delivered: the first and the last, in seconds since the
   * epoch by the database clock, one pair per tenant.
   */
  Future<List<double[]>> deliverySpans(Collection<UUID> tenants) {
    return forTenants(
            pool,
            "SELECT extract(epoch FROM min(delivered_at))::float8,"
                + " extract(epoch FROM max(delivered_at))::float8 FROM deliveries"
                + " WHERE tenant_id = ANY($1) AND delivered_at IS NOT NULL GROUP BY tenant_id",
            tenants)
        .map(
            rows -> {
              List<double[]> out = new ArrayList<>();
              rows.forEach(r -> out.add(new double[] {r.getDouble(0), r.getDouble(1)}));
              return out;
            });
  }

  /** Status codes of these tenants' delivery attempts with {@code after < id <= upTo}. */
  Future<Map<String, Long>> attemptStatuses(Collection<UUID> tenants, long after, long upTo) {
    return pool.preparedQuery(
            "SELECT coalesce(a.status_code::text, 'no answer'), count(*) FROM delivery_attempts a"
                + " JOIN deliveries d ON d.id = a.delivery_id"
                + " WHERE a.id > $1 AND a.id <= $2 AND d.tenant_id = ANY($3)"
                + " GROUP BY 1 ORDER BY 1")
        .execute(Tuple.of(after, upTo, tenants.toArray(UUID[]::new)))
        .map(SyncProgress::counts);
  }

  /**
   * The Standard Webhooks message ids the platform gives these tenants' ledger entries ({@code
   * pb_<entry id>}), to hold against what a receiver saw.
   */
  Future<Set<String>> messageIds(Collection<UUID> tenants) {
    return forTenants(pool, "SELECT id FROM ledger_entries WHERE tenant_id = ANY($1)", tenants)
        .map(
            rows -> {
              Set<String> out = new HashSet<>();
              rows.forEach(r -> out.add("pb_" + r.getLong(0)));
              return out;
            });
  }

  /**
   * Vacuums and analyzes the tables sync works on, then checkpoints: a timed phase then starts with
   * current planner statistics, no dead rows left by the phase before, and no checkpoint owed,
   * whichever phase came first.
   */
  Future<Void> settle() {
    return pool.query(
            "VACUUM (ANALYZE) jobs, deliveries, delivery_attempts, ledger_entries,"
                + " webhook_receipts, sync_targets")
        .execute()
        .compose(v -> pool.query("CHECKPOINT").execute())
        .mapEmpty();
  }

  /** A count by label: the first column labels, the second counts. */
  private static Map<String, Long> counts(RowSet<Row> rows) {
    Map<String, Long> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
    return out;
  }
}
