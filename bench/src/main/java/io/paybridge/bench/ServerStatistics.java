package io.paybridge.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What PostgreSQL's statistics views tell of the work a measured stretch cost: transactions, WAL,
 * the row changes of the tables sync writes, and (with {@code pg_stat_statements}) the statements
 * that took the server's time.
 */
final class ServerStatistics {

  /**
   * Row changes of one table: inserted, updated (of which HOT, i.e. without touching any index),
   * deleted.
   */
  record TableActivity(long inserted, long updated, long hotUpdated, long deleted) {

    static TableActivity of(Row r) {
      return new TableActivity(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
    }

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

    /** The totals of the {@code ACTIVITY} query's row, with the tables' row changes. */
    static Activity of(Row t, Map<String, TableActivity> tables) {
      return new Activity(
          t.getLong(0), t.getLong(1), t.getLong(2), t.getLong(3), t.getDouble(4), tables);
    }

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
  record StatementStats(String query, long calls, double totalMillis, long rows, long blocks) {

    static StatementStats of(Row r) {
      return new StatementStats(
          r.getString(0), r.getLong(1), r.getDouble(2), r.getLong(3), r.getLong(4));
    }

    /**
     * Prints the statements under a heading, each with its share of their execution time, its
     * buffer pages touched per call (hit or read: a scan past dead index entries shows here) and
     * its calls per {@code unit} ({@code units} of them in the window measured).
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
            "     %5.1f %% %8.0f ms %6.2f calls/%s %7.3f ms/call %7.1f rows/call %8.1f blocks/call"
                + "  %s%n",
            100 * st.totalMillis() / all,
            st.totalMillis(),
            (double) st.calls() / Math.max(1, units),
            unit,
            st.calls() == 0 ? 0 : st.totalMillis() / st.calls(),
            st.calls() == 0 ? 0 : (double) st.rows() / st.calls(),
            st.calls() == 0 ? 0 : (double) st.blocks() / st.calls(),
            text.length() > 120 ? text.substring(0, 120) + "…" : text);
      }
    }
  }

  /** The tables a delivery writes, in the order it writes them. */
  private static final List<String> SYNC_TABLES =
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
      SELECT query, calls, total_exec_time, rows, shared_blks_hit + shared_blks_read
        FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT $1
      """;

  private final Pool pool;

  ServerStatistics(Pool pool) {
    this.pool = pool;
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
                          rows.forEach(r -> tables.put(r.getString(0), TableActivity.of(r)));
                          return Activity.of(totals.iterator().next(), tables);
                        }));
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
        .collecting(Collectors.mapping(StatementStats::of, Collectors.toList()))
        .execute(Tuple.of(count))
        .map(SqlResult::value);
  }
}
