package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Sync's stores on a database of their own, with what sync tests set up: tenants, their targets,
 * recorded entries (each with its sync job, as the ingest path writes them), and fan-outs.
 */
final class SyncFixture {

  final Vertx vertx;
  final Pool pool;
  final SyncStore store;
  final JobQueue queue;

  private SyncFixture(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.store =
        new SyncStore(pool, new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1"))));
    this.queue = new JobQueue(pool);
  }

  static SyncFixture start(String database) {
    return start(database, new VertxOptions());
  }

  /**
   * As {@link #start(String)}, on a Vert.x built with {@code options} (a name resolver of its own).
   */
  static SyncFixture start(String database, VertxOptions options) {
    Vertx vertx = Vertx.vertx(options);
    PgConnectOptions db = PgFixture.newDatabase(database);
    await(Migrations.migrate(vertx, db));
    return new SyncFixture(vertx, Database.pool(vertx, db, 8));
  }

  void close() {
    await(pool.close());
    await(vertx.close());
  }

  long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  UUID tenant() {
    UUID id = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'T', $2, 'x')")
            .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  SyncStore.Target webhook(UUID tenant, String url) {
    return await(
        store.createTarget(
            tenant,
            "webhook",
            url,
            new JsonObject().put("secret", StandardWebhooks.newSecret()),
            Integer.MAX_VALUE));
  }

  /** Records {@code n} entries for a tenant, each with its sync job, as the ingest path does. */
  List<Long> record(UUID tenant, int n, boolean withAmount) {
    List<Long> ids = new ArrayList<>();
    for (Row r :
        await(
            pool.preparedQuery(
                    "WITH rec AS (INSERT INTO webhook_receipts (tenant_id, gateway, event_id,"
                        + " event_type, raw_body) SELECT $1, 'stripe', 'evt_' || gen_random_uuid(),"
                        + " 'test', '\\x7b7d' FROM generate_series(1, $2) g RETURNING id),"
                        + " led AS (INSERT INTO ledger_entries (tenant_id, gateway, receipt_id,"
                        + " entry_key, kind, amount_minor, currency, customer_ref, occurred_at)"
                        + " SELECT $1, 'stripe', id, 'k' || id, 'PAYMENT',"
                        + " CASE WHEN $3 THEN 100 END, CASE WHEN $3 THEN 'USD' END, 'c1', now()"
                        + " FROM rec RETURNING id),"
                        + " job AS (INSERT INTO jobs (kind, tenant_id, ref_id)"
                        + " SELECT 'sync', $1, id FROM led)"
                        + " SELECT id FROM led")
                .execute(Tuple.of(tenant, n, withAmount)))) {
      ids.add(r.getLong(0));
    }
    return ids;
  }

  /** Runs fan-out batches until one finds nothing; the entries it took. */
  Future<Integer> drain(int batch) {
    return store
        .fanOutDue(batch)
        .compose(
            r ->
                r.entries() == 0
                    ? Future.succeededFuture(0)
                    : drain(batch).map(n -> n + r.entries()));
  }

  /** The delivery of an entry to a target, once fanned out. */
  SyncStore.Delivery delivery(long entryId, UUID targetId) {
    long id =
        await(
                pool.preparedQuery(
                        "SELECT id FROM deliveries WHERE entry_id = $1 AND target_id = $2")
                    .execute(Tuple.of(entryId, targetId)))
            .iterator()
            .next()
            .getLong(0);
    return await(store.delivery(id));
  }
}
