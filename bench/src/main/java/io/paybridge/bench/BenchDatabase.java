package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmark's own look at the database, beside the node: the durability settings in force, the
 * rows the ingest path wrote for the benchmark's tenants, which must equal the webhooks the node
 * acknowledged, and the state of their sync deliveries and jobs.
 */
final class BenchDatabase {

  private static final long DB_TIMEOUT_SECONDS = 60;

  /**
   * Rows a webhook leaves for good: its receipt and its ledger entry, for a set of tenants. (Its
   * sync job is consumed by the node's job workers once done, so jobs are counted as written
   * instead: see {@link #jobsWritten()}.)
   */
  record Rows(long receipts, long ledgerEntries) {
    Rows minus(Rows other) {
      return new Rows(receipts - other.receipts, ledgerEntries - other.ledgerEntries);
    }

    /** Every acknowledged webhook left exactly one receipt and one ledger entry. */
    boolean match(long acknowledged) {
      return receipts == acknowledged && ledgerEntries == acknowledged;
    }
  }

  private static final String SETTINGS =
      """
      SELECT name, setting FROM pg_settings
      WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'wal_compression',
                     'shared_buffers', 'max_wal_size', 'min_wal_size', 'wal_init_zero', 'checkpoint_timeout',
                     'commit_delay', 'max_connections', 'backend_flush_after', 'bgwriter_lru_maxpages')
      ORDER BY name
      """;

  private static final String COUNTS =
      """
      SELECT (SELECT count(*) FROM webhook_receipts WHERE tenant_id = ANY($1)),
             (SELECT count(*) FROM ledger_entries WHERE tenant_id = ANY($1))
      """;

  /**
   * Rows ever inserted into {@code jobs}, from PostgreSQL's statistics: done jobs are deleted by
   * the node's workers, but their insertion is counted. Backends report their counts at most once a
   * second while busy and within about ten seconds of going idle, so a reading lags a little.
   */
  private static final String JOBS_WRITTEN =
      "SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'jobs'";

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
      long enabledTargets) {}

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
      double latencyP99Ms) {}

  /**
   * Row changes of one table: inserted, updated (of which HOT, i.e. without touching any index),
   * deleted.
   */
  record TableActivity(long inserted, long updated, long hotUpdated, long deleted) {
    TableActivity minus(TableActivity o) {
      return new TableActivity(
          inserted - o.inserted,
          updated - o.updated,
          hotUpdated - o.hotUpdated,
          deleted - o.deleted);
    }
  }

  /**
   * The database's work counters: transactions of the benchmark's database, WAL of the server, and
   * row changes of the tables sync writes. Backends publish their counts at the end of a
   * transaction at most once a second, and within about ten seconds of going idle, so a reading
   * lags that much.
   */
  record Activity(
      long commits,
      long walRecords,
      long walBytes,
      long walSyncs,
      double walSyncMillis,
      Map<String, TableActivity> tables) {
    Activity minus(Activity o) {
      Map<String, TableActivity> diff = new LinkedHashMap<>();
      tables.forEach(
          (name, t) ->
              diff.put(name, t.minus(o.tables.getOrDefault(name, new TableActivity(0, 0, 0, 0)))));
      return new Activity(
          commits - o.commits,
          walRecords - o.walRecords,
          walBytes - o.walBytes,
          walSyncs - o.walSyncs,
          walSyncMillis - o.walSyncMillis,
          diff);
    }
  }

  /** One statement's share of the server's work, from {@code pg_stat_statements}. */
  record StatementStats(String query, long calls, double totalMillis, long rows) {

    /**
     * Prints the statements under a heading, each with its share of their execution time and its
     * calls per {@code unit} ({@code units} of them in the window measured).
     */
    static void print(List<StatementStats> statements, long units, String unit) {
      if (statements.isEmpty()) {
        return;
      }
      double all = statements.stream().mapToDouble(StatementStats::totalMillis).sum();
      System.out.println(
          "   statements by PostgreSQL execution time (pg_stat_statements; top "
              + statements.size()
              + "):");
      for (StatementStats st : statements) {
        String text = st.query().replaceAll("\\s+", " ").strip();
        System.out.printf(
            Locale.ROOT,
            "     %5.1f %% %8.0f ms %6.2f calls/%s %7.3f ms/call %7.1f rows/call  %s%n",
            100 * st.totalMillis() / all,
            st.totalMillis(),
            (double) st.calls() / Math.max(1, units),
            unit,
            st.calls() == 0 ? 0 : st.totalMillis() / st.calls(),
            st.calls() == 0 ? 0 : (double) st.rows() / st.calls(),
            text.length() > 120 ? text.substring(0, 120) + "…" : text);
      }
    }
  }

  /** The tables a delivery writes, in the order it writes them. */
  static final List<String> SYNC_TABLES =
      List.of("jobs", "deliveries", "delivery_attempts", "ledger_entries");

  private static final String ACTIVITY =
      """
      SELECT d.xact_commit, w.wal_records, w.wal_bytes::bigint, w.wal_sync, w.wal_sync_time
        FROM pg_stat_database d, pg_stat_wal w
       WHERE d.datname = current_database()
      """;

  private static final String TABLE_ACTIVITY =
      """
      SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
        FROM pg_stat_user_tables WHERE relname = ANY($1)
      """;

  private static final String TOP_STATEMENTS =
      """
      SELECT query, calls, total_exec_time, rows FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT $1
      """;

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

  private final Vertx vertx;
  private final Pool pool;

  BenchDatabase(Vertx vertx, PgConnectOptions connect) {
    this.vertx = vertx;
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(3))
            .connectingTo(connect)
            .using(vertx)
            .build();
  }

  /**
   * Connects to the benchmark's server, creates the {@code pg_stat_statements} view when the run
   * asked for it, prints the settings in force, refuses a server that does not make every commit
   * durable, and brings its WAL segments to their steady state ({@link #warmWalSegments()});
   * blocking.
   */
  static BenchDatabase openDurable(Vertx vertx, DurablePostgres pg, BenchSettings settings)
      throws TimeoutException {
    BenchDatabase db = new BenchDatabase(vertx, pg.connectOptions());
    if (settings.pgStatements()) {
      db.createStatementStatistics().await(DB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    Map<String, String> inForce = db.settings().await(DB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    System.out.println(
        "PostgreSQL settings: "
            + inForce
            + (settings.pgSettings().isEmpty() ? "" : "; asked for " + settings.pgSettings())
            + (settings.pgStatements() ? "; pg_stat_statements on" : ""));
    if (!"on".equals(inForce.get("fsync")) || !"on".equals(inForce.get("synchronous_commit"))) {
      throw new IllegalStateException(
          "the benchmark needs a durable server (fsync and synchronous_commit on)");
    }
    long walStarted = System.nanoTime();
    long walMegabytes = db.warmWalSegments().await(DB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    System.out.printf(
        Locale.ROOT,
        "PostgreSQL: %d MB of WAL written and checkpointed in %.1f s, so that segments are"
            + " recycled as on a server that has run a while%n",
        walMegabytes,
        (System.nanoTime() - walStarted) / 1e9);
    return db;
  }

  /** The server settings that decide what a commit costs. */
  Future<Map<String, String>> settings() {
    return pool.query(SETTINGS)
        .execute()
        .map(
            rows -> {
              Map<String, String> out = new LinkedHashMap<>();
              for (Row r : rows) {
                out.put(r.getString(0), r.getString(1));
              }
              return out;
            });
  }

  /** Webhook receipts in the table, all tenants'. */
  Future<Long> receiptCount() {
    return pool.query("SELECT count(*) FROM webhook_receipts")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Rows> rows(Collection<UUID> tenants) {
    return pool.preparedQuery(COUNTS)
        .execute(Tuple.of(tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Rows(r.getLong(0), r.getLong(1));
            });
  }

  /** Rows ever inserted into {@code jobs} (all tenants), as PostgreSQL's statistics tell now. */
  Future<Long> jobsWritten() {
    return pool.query(JOBS_WRITTEN).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Transactions committed, WAL written and rows changed so far, as the statistics tell now. */
  Future<Activity> activity() {
    return pool.query(ACTIVITY)
        .execute()
        .compose(
            totals ->
                pool.preparedQuery(TABLE_ACTIVITY)
                    .execute(Tuple.of(SYNC_TABLES.toArray(String[]::new)))
                    .map(
                        rows -> {
                          Map<String, TableActivity> tables = new LinkedHashMap<>();
                          for (Row r : rows) {
                            tables.put(
                                r.getString(0),
                                new TableActivity(
                                    r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)));
                          }
                          Row t = totals.iterator().next();
                          return new Activity(
                              t.getLong(0),
                              t.getLong(1),
                              t.getLong(2),
                              t.getLong(3),
                              t.getDouble(4),
                              tables);
                        }));
  }

  /** Starts writing what the server does, second by second, to the run folder. */
  DatabaseTimeline startTimeline(Path runFolder, boolean waits) throws IOException {
    return DatabaseTimeline.start(vertx, pool, runFolder, waits);
  }

  /** Creates the {@code pg_stat_statements} view, once the server has loaded the library. */
  Future<Void> createStatementStatistics() {
    return pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().mapEmpty();
  }

  /** Forgets the statement statistics gathered so far. */
  Future<Void> resetStatementStatistics() {
    return pool.query("SELECT pg_stat_statements_reset()").execute().mapEmpty();
  }

  /** The statements that took the most execution time since the last reset. */
  Future<List<StatementStats>> topStatements(int count) {
    return pool.preparedQuery(TOP_STATEMENTS)
        .execute(Tuple.of(count))
        .map(
            rows -> {
              List<StatementStats> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new StatementStats(r.getString(0), r.getLong(1), r.getDouble(2), r.getLong(3)));
              }
              return out;
            });
  }

  /** Where the sync of these tenants stands. */
  Future<SyncState> syncState(Collection<UUID> tenants) {
    return pool.preparedQuery(SYNC_STATE)
        .execute(Tuple.of(tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new SyncState(
                  r.getLong(0),
                  r.getLong(1),
                  r.getLong(2),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6));
            });
  }

  /** Deliveries of these tenants by status. */
  Future<Map<String, Long>> deliveriesByStatus(Collection<UUID> tenants) {
    return pool.preparedQuery(
            "SELECT status, count(*) FROM deliveries WHERE tenant_id = ANY($1)"
                + " GROUP BY status ORDER BY status")
        .execute(Tuple.of(tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
              return out;
            });
  }

  /** The newest delivery attempt's id (0: none yet); attempts are numbered in commit order. */
  Future<Long> lastAttemptId() {
    return pool.query("SELECT coalesce(max(id), 0) FROM delivery_attempts")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Attempts logged for these tenants' deliveries with {@code after < id <= upTo}, by node. */
  Future<List<NodeAttempts>> attempts(Collection<UUID> tenants, long after, long upTo) {
    return pool.preparedQuery(ATTEMPTS)
        .execute(Tuple.of(after, upTo, tenants.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<NodeAttempts> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new NodeAttempts(
                        r.getString(0),
                        r.getLong(1),
                        r.getLong(2),
                        r.getLong(3),
                        r.getInteger(4),
                        r.getInteger(5)));
              }
              return out;
            });
  }

  /**
   * When each tenant's deliveries were delivered: the first and the last, in seconds since the
   * epoch by the database clock, one pair per tenant.
   */
  Future<List<double[]>> deliverySpans(Collection<UUID> tenants) {
    return pool.preparedQuery(
            "SELECT extract(epoch FROM min(delivered_at))::float8,"
                + " extract(epoch FROM max(delivered_at))::float8 FROM deliveries"
                + " WHERE tenant_id = ANY($1) AND delivered_at IS NOT NULL GROUP BY tenant_id")
        .execute(Tuple.of(tenants.toArray(UUID[]::new)))
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
        .map(
            rows -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
              return out;
            });
  }

  /**
   * The Standard Webhooks message ids the platform gives these tenants' ledger entries ({@code
   * pb_<entry id>}), to hold against what a receiver saw.
   */
  Future<Set<String>> messageIds(Collection<UUID> tenants) {
    return pool.preparedQuery("SELECT id FROM ledger_entries WHERE tenant_id = ANY($1)")
        .execute(Tuple.of(tenants.toArray(UUID[]::new)))
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

  /**
   * Brings a fresh cluster's WAL to the state of a server that has run a while: writes as much WAL
   * as {@code max_wal_size} allows (logical messages, which touch no table) and checkpoints, so
   * that the segments are there to be recycled. A fresh cluster otherwise creates, and fills with
   * zeros, a new 16 MB segment for every 16 MB of WAL until its first checkpoints have built that
   * pool, holding the WAL write lock while it does: about one segment a second at the rates
   * measured here, which costs commits tens of milliseconds. pgbench and the platform both run
   * after it. Answers the megabytes written.
   */
  private Future<Long> warmWalSegments() {
    return pool.query("SELECT setting::bigint FROM pg_settings WHERE name = 'max_wal_size'")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(
            megabytes ->
                pool.preparedQuery(
                        "SELECT count(pg_logical_emit_message(false, 'paybridge-bench',"
                            + " repeat('0', 1048576))) FROM generate_series(1, $1)")
                    .execute(Tuple.of(megabytes))
                    .compose(v -> pool.query("CHECKPOINT").execute())
                    .map(megabytes));
  }

  /**
   * Empties the three ingest tables (pgbench's rows, and anything that refers to them: none of it
   * the platform's, this cluster is the benchmark's own) and checkpoints, so the platform starts
   * from the same empty tables pgbench started from.
   */
  Future<Void> reset() {
    return pool.query("TRUNCATE webhook_receipts, ledger_entries, jobs CASCADE")
        .execute()
        .compose(v -> pool.query("CHECKPOINT").execute())
        .mapEmpty();
  }

  Future<Void> close() {
    return pool.close();
  }
}
