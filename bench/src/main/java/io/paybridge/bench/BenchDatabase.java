package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmark's own look at the database, beside the node: the durability settings in force, the
 * server's WAL brought to its steady state, and the rows the ingest path wrote for the benchmark's
 * tenants, which must equal the webhooks the node acknowledged; its {@link #statistics()} and
 * {@link #sync()} read the rest.
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

  private final Vertx vertx;
  private final Pool pool;
  private final ServerStatistics statistics;
  private final SyncProgress sync;

  private BenchDatabase(Vertx vertx, PgConnectOptions connect) {
    this.vertx = vertx;
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(3))
            .connectingTo(connect)
            .using(vertx)
            .build();
    this.statistics = new ServerStatistics(pool);
    this.sync = new SyncProgress(pool);
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
      db.statistics.createStatementStatistics().await(DB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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

  /** The rows these tenants' webhooks left. */
  Future<Rows> rows(Collection<UUID> tenants) {
    return forTenants(pool, COUNTS, tenants)
        .map(rows -> rows.iterator().next())
        .map(r -> new Rows(r.getLong(0), r.getLong(1)));
  }

  /** Rows ever inserted into {@code jobs} (all tenants), as PostgreSQL's statistics tell now. */
  Future<Long> jobsWritten() {
    return pool.query(JOBS_WRITTEN).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** What the server's statistics views tell of the work done. */
  ServerStatistics statistics() {
    return statistics;
  }

  /** Where the sync of the benchmark's tenants stands. */
  SyncProgress sync() {
    return sync;
  }

  /** Starts writing what the server does, second by second, to the run folder. */
  DatabaseTimeline startTimeline(Path runFolder, boolean waits) throws IOException {
    return DatabaseTimeline.start(vertx, pool, runFolder, waits);
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

  /** Runs {@code sql} with the ids of {@code tenants} as its {@code $1}. */
  static Future<RowSet<Row>> forTenants(Pool pool, String sql, Collection<UUID> tenants) {
    return pool.preparedQuery(sql).execute(Tuple.of(tenants.toArray(UUID[]::new)));
  }

  /** The {@code bigint} columns of a row, in the order given. */
  static long[] longs(Row row, int... columns) {
    long[] out = new long[columns.length];
    for (int i = 0; i < columns.length; i++) {
      out[i] = row.getLong(columns[i]);
    }
    return out;
  }
}
