package io.paybridge.core.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Versioned schema migrations applied at start-up. Each node runs them; a transaction-scoped
 * advisory lock makes concurrent starts of a cluster apply each version exactly once.
 */
public final class Migrations {

  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
  private static final long LOCK_ID = 0x5061_7962_7269_6467L; // "Paybridg"

  /** In order. A migration, once released, is never edited: a change is a new version. */
  static final List<String> VERSIONS =
      List.of(
          "V1__backbone.sql",
          "V2__job_leases.sql",
          "V3__sync.sql",
          "V4__attempt_node.sql",
          "V5__renewals.sql",
          "V6__webhook_log.sql",
          "V7__unknown_subscriptions.sql",
          "V8__renewal_entries.sql",
          "V9__wake_running_jobs.sql",
          "V10__receipts_for_every_delivery.sql");

  private Migrations() {}

  /** Applies every migration this node knows and the database has not seen. */
  public static Future<Void> migrate(Pool pool) {
    return pool.withTransaction(
        conn ->
            conn.query("SELECT pg_advisory_xact_lock(" + LOCK_ID + ")")
                .execute()
                .compose(
                    v ->
                        conn.query(
                                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                    + "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
                            .execute())
                .compose(v -> conn.query("SELECT version FROM schema_migrations").execute())
                .compose(
                    rows -> {
                      Set<String> applied = new HashSet<>();
                      for (Row r : rows) {
                        applied.add(r.getString(0));
                      }
                      Future<Void> chain = Future.succeededFuture();
                      for (String version : VERSIONS) {
                        if (!applied.contains(version)) {
                          chain = chain.compose(x -> apply(conn, version));
                        }
                      }
                      return chain;
                    }));
  }

  private static Future<Void> apply(SqlConnection conn, String version) {
    String sql = load(version);
    LOG.info(() -> "applying migration " + version);
    return conn.query(sql)
        .execute()
        .compose(
            v ->
                conn.preparedQuery("INSERT INTO schema_migrations (version) VALUES ($1)")
                    .execute(Tuple.of(version)))
        .mapEmpty();
  }

  private static String load(String version) {
    String path = "db/migration/" + version;
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
