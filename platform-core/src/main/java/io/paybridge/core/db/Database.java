package io.paybridge.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds the node's connection pool, and asks the database whether it answers. */
public final class Database {

  private Database() {}

  /**
   * A pool with the prepared-statement cache on (the ingest statement is prepared once per
   * connection) and pipelining, sized by configuration.
   */
  public static Pool pool(Vertx vertx, PgConnectOptions connect, int size) {
    PgConnectOptions options =
        new PgConnectOptions(connect)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setPipeliningLimit(16)
            .setReconnectAttempts(0);
    return PgBuilder.pool()
        .with(
            new PoolOptions()
                .setMaxSize(size)
                .setMaxWaitQueueSize(10_000)
                .setConnectionTimeout(10)
                .setName("paybridge")
                .setShared(false))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /** Whether the database answers within {@code timeout}: a trivial query, for readiness. */
  public static Future<Void> ping(Pool pool, Duration timeout) {
    return pool.query("SELECT 1")
        .execute()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** Connect options from a {@code postgresql://} URL. */
  public static PgConnectOptions fromUrl(String url) {
    String normalized = url.startsWith("jdbc:") ? url.substring(5) : url;
    return PgConnectOptions.fromUri(normalized);
  }
}
