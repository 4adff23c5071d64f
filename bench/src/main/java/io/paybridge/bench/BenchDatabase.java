package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark's own look at the database, beside the node: the durability settings in force, and
 * the rows the ingest path wrote for the benchmark's tenants, which must equal the webhooks the
 * node acknowledged.
 */
final class BenchDatabase {

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
      WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
                     'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'commit_delay', 'max_connections')
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

  private final Pool pool;

  BenchDatabase(Vertx vertx, PgConnectOptions connect) {
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(connect)
            .using(vertx)
            .build();
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
