package io.paybridge.core;

import static io.paybridge.core.Await.await;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A throwaway database with the platform's schema, for a store's tests: its pool, a vault with a
 * fresh master key, tenants to own rows, and counts to check what was written.
 */
public final class TestDatabase implements AutoCloseable {

  private final Vertx vertx;
  private final Pool pool;
  private final CredentialVault vault;

  private TestDatabase(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.vault = new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k")));
  }

  /** A new database named after the test, migrated. */
  public static TestDatabase open(String name) {
    Vertx vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase(name);
    await(Migrations.migrate(vertx, db));
    return new TestDatabase(vertx, Database.pool(vertx, db, 4));
  }

  public Pool pool() {
    return pool;
  }

  public Vertx vertx() {
    return vertx;
  }

  public CredentialVault vault() {
    return vault;
  }

  /** A new tenant; its id. */
  public UUID tenant() {
    UUID id = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'T', $2, 'x')")
            .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  /** The single number a {@code SELECT count(*) …} answers. */
  public long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Override
  public void close() {
    await(pool.close());
    await(vertx.close());
  }
}
