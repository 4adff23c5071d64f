package io.paybridge.core.sync;

import static io.paybridge.core.db.Rows.instant;

import io.paybridge.core.job.JobQueue;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of sync targets and deliveries. A target's secret or headers are sealed by the vault
 * (bound to the tenant and the target id) and opened only to deliver.
 *
 * <p>The writes of delivery attempts, which share the claim fence ({@link JobQueue#WITH_CLAIM}) and
 * the rule that a delivered delivery never goes back, are in {@link DeliveryWrites} (one at a time)
 * and {@link DeliveryBatchStore} (the dispatcher's batches).
 */
public final class SyncStore {

  /**
   * Job kinds of sync: a recorded entry to fan out (written with the entry, done in batches by
   * {@link SyncFanOut}), and one delivery to one target (run by the job workers).
   */
  public static final String FAN_OUT = "sync";

  public static final String DELIVER = "deliver";

  /**
   * The wake condition of a parked delivery job ({@link io.paybridge.core.job.JobResult.Parked}):
   * the job is parked only if its target is still disabled when it is parked. The target row is
   * locked whatever its state, and its state read after the lock: an enable under way at that
   * moment is waited for and its committed state seen. (Filtering on {@code t.enabled} before the
   * lock would not wait: the row, disabled in the statement's snapshot, is dropped before it is
   * locked, and a job could be parked just after the enable's wake-up had looked for it, behind an
   * enabled target, for good.) With the unpark that an enable runs, no delivery is parked after its
   * target came back.
   */
  public static final String TARGET_ENABLED_AGAIN =
      "coalesce((SELECT t.enabled FROM deliveries d JOIN sync_targets t ON t.id = d.target_id"
          + " WHERE d.id = jobs.ref_id FOR SHARE OF t), false)";

  /** A sync target with its configuration opened. */
  public record Target(
      UUID id,
      UUID tenantId,
      String type,
      String url,
      JsonObject config,
      boolean enabled,
      String disabledReason,
      OffsetDateTime createdAt,
      boolean deleted,
      long revision) {}

  /** A delivery, its target and the ledger entry it carries. */
  public record Delivery(
      long id, UUID tenantId, long entryId, String status, boolean expired, Target target) {}

  private static final String TARGET_COLUMNS =
      "t.id, t.tenant_id, t.type, t.url, t.config, t.key_id, t.enabled, t.disabled_reason,"
          + " t.created_at, t.deleted_at IS NOT NULL AS deleted, t.revision";

  private static final String DELIVERY_COLUMNS =
      "d.id, d.target_id, d.entry_id, d.status, d.attempts, d.last_status, d.last_error,"
          + " d.last_latency_ms, d.retry_until, d.created_at, d.updated_at, d.delivered_at";

  private final Pool pool;
  private final CredentialVault vault;
  private final DeliveryWrites writes;
  private final DeliveryBatchStore batches;

  public SyncStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
    this.writes = new DeliveryWrites(pool);
    this.batches = new DeliveryBatchStore(pool, vault);
  }

  /** The writes of single delivery attempts, fenced by their job's claim. */
  public DeliveryWrites writes() {
    return writes;
  }

  /** The batched claims and outcomes of the delivery dispatcher. */
  public DeliveryBatchStore batches() {
    return batches;
  }

  /**
   * Adds a target unless the tenant has {@code max} live ones already ({@code null} then).
   * Creations for one tenant take turns on its row ({@code FOR NO KEY UPDATE}, which inserts that
   * reference the tenant do not wait for), so two of them cannot both count {@code max - 1}.
   */
  public Future<Target> createTarget(
      UUID tenantId, String type, String url, JsonObject config, int max) {
    UUID id = UUID.randomUUID();
    CredentialVault.Sealed sealed = vault.seal(tenantId, sealContext(id), config);
    Buffer sealedConfig = Buffer.buffer(sealed.ciphertext());
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(tenantId))
                .compose(
                    locked ->
                        conn.preparedQuery(
                                "INSERT INTO sync_targets AS t (id, tenant_id, type, url, config,"
                                    + " key_id) SELECT $1, $2, $3, $4, $5, $6 WHERE (SELECT count(*)"
                                    + " FROM sync_targets WHERE tenant_id = $2 AND deleted_at IS"
                                    + " NULL) < $7 RETURNING "
                                    + TARGET_COLUMNS)
                            .execute(
                                Tuple.of(id, tenantId, type, url, sealedConfig, sealed.keyId())
                                    .addInteger(max)))
                .map(rows -> rows.size() == 0 ? null : target(rows.iterator().next())));
  }

  public Future<List<Target>> listTargets(UUID tenantId) {
    return pool.preparedQuery(
            "SELECT "
                + TARGET_COLUMNS
                + " FROM sync_targets t WHERE t.tenant_id = $1 AND t.deleted_at IS NULL"
                + " ORDER BY t.created_at")
        .execute(Tuple.of(tenantId))
        .map(
            rows -> {
              List<Target> out = new ArrayList<>();
              rows.forEach(r -> out.add(target(r)));
              return out;
            });
  }

  /**
   * Removes a target: deliveries not yet made to it are given up (dead), since nobody is there to
   * receive them.
   */
  public Future<Boolean> deleteTarget(UUID tenantId, UUID targetId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE sync_targets SET deleted_at = now(), enabled = false, revision = revision + 1"
                        + " WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
                .execute(Tuple.of(tenantId, targetId))
                .compose(
                    rows -> {
                      if (rows.rowCount() == 0) {
                        return Future.succeededFuture(false);
                      }
                      return conn.preparedQuery(
                              "UPDATE deliveries SET status = 'dead', last_error = 'target deleted',"
                                  + " updated_at = now() WHERE target_id = $1"
                                  + " AND status IN ('pending', 'failed')")
                          .execute(Tuple.of(targetId))
                          .map(true);
                    }));
  }

  /**
   * Enables a target. Enabling wakes the deliveries that waited for it: nothing that arrived while
   * it was disabled is lost.
   */
  public Future<Boolean> enable(UUID tenantId, UUID targetId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE sync_targets SET enabled = true, disabled_reason = NULL, revision = revision + 1"
                        + " WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
                .execute(Tuple.of(tenantId, targetId))
                .compose(
                    rows ->
                        rows.rowCount() == 0
                            ? Future.succeededFuture(false)
                            : JobQueue.unpark(conn, tenantId, DELIVER).map(true)));
  }

  /** Disables a target at the tenant's request; its deliveries wait until it is enabled. */
  public Future<Boolean> disable(UUID tenantId, UUID targetId, String reason) {
    return pool.preparedQuery(
            "UPDATE sync_targets SET enabled = false, disabled_reason = $3, revision = revision + 1"
                + " WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
        .execute(Tuple.of(tenantId, targetId, reason))
        .map(rows -> rows.rowCount() == 1);
  }

  /** What one fan-out statement did. */
  public record FanOutResult(int entries, int deliveries) {}

  /**
   * Fans out up to {@code max} recorded entries in ONE statement, so one transaction: takes their
   * due {@code sync} jobs ({@code FOR UPDATE SKIP LOCKED}: nodes running it at once share the
   * work), creates one delivery, and its job, per live target of each entry's tenant, and deletes
   * the sync jobs. Targets of the customer-transaction type only take entries with an amount and a
   * customer. Either all of it commits or none of it does, so a sync job needs no lease; creating
   * deliveries is idempotent besides.
   */
  public Future<FanOutResult> fanOutDue(int max) {
    return pool.preparedQuery(
            "WITH due AS ("
                + " SELECT id FROM jobs WHERE kind = '"
                + FAN_OUT
                + "' AND status IN ('pending', 'running') AND run_at <= now()"
                + " ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED"
                + "), taken AS ("
                + " DELETE FROM jobs j WHERE j.id = ANY (ARRAY(SELECT id FROM due))"
                + " RETURNING j.tenant_id, j.ref_id"
                + "), d AS ("
                + " INSERT INTO deliveries (tenant_id, target_id, entry_id)"
                + " SELECT t.tenant_id, t.id, l.id FROM taken"
                + " JOIN ledger_entries l ON l.id = taken.ref_id AND l.tenant_id = taken.tenant_id"
                + " JOIN sync_targets t ON t.tenant_id = taken.tenant_id AND t.deleted_at IS NULL"
                + " WHERE t.type = 'webhook'"
                + " OR (l.amount_minor IS NOT NULL AND l.customer_ref IS NOT NULL)"
                + " ON CONFLICT (target_id, entry_id) DO NOTHING RETURNING id, tenant_id"
                + "), j AS ("
                + " INSERT INTO jobs (kind, tenant_id, ref_id) SELECT '"
                + DELIVER
                + "', tenant_id, id FROM d RETURNING 1"
                + ") SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM j)")
        .execute(Tuple.of(max))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new FanOutResult((int) (long) r.getLong(0), (int) (long) r.getLong(1));
            });
  }

  /** A delivery with its target, or {@code null} when it no longer exists. */
  public Future<Delivery> delivery(long deliveryId) {
    return pool.preparedQuery(
            "SELECT d.id AS delivery_id, d.tenant_id AS delivery_tenant, d.entry_id, d.status,"
                + " d.retry_until < now() AS expired, "
                + TARGET_COLUMNS
                + " FROM deliveries d JOIN sync_targets t ON t.id = d.target_id WHERE d.id = $1")
        .execute(Tuple.of(deliveryId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Delivery(
                  r.getLong("delivery_id"),
                  r.getUUID("delivery_tenant"),
                  r.getLong("entry_id"),
                  r.getString("status"),
                  r.getBoolean("expired"),
                  target(r));
            });
  }

  /**
   * How one attempt to deliver went.
   *
   * @param status {@code delivered} or {@code failed}
   * @param statusCode the target's HTTP status, {@code null} when it gave none
   * @param error what went wrong, {@code null} when delivered
   * @param node the node that made the attempt
   */
  public record Attempt(
      String status, Integer statusCode, long latencyMs, String error, String node) {

    public static Attempt delivered(int statusCode, long latencyMs, String node) {
      return new Attempt(DELIVERED, statusCode, latencyMs, null, node);
    }

    public static Attempt failed(Integer statusCode, long latencyMs, String error, String node) {
      return new Attempt("failed", statusCode, latencyMs, error, node);
    }

    boolean succeeded() {
      return DELIVERED.equals(status);
    }
  }

  private static final String DELIVERED = "delivered";

  /**
   * Deliveries of a tenant with an id below {@code before} (all when {@code null}), newest first,
   * optionally by status; the page's key is the id to continue below.
   */
  public Future<Page<DeliveryView, Long>> deliveries(
      UUID tenantId, String status, Long before, int limit) {
    return deliveries(tenantId, status, null, new PageRequest<>(before, null, limit));
  }

  /**
   * A page of a tenant's deliveries, newest first, after or before the one the request names,
   * optionally of one status and to one target.
   */
  public Future<Page<DeliveryView, Long>> deliveries(
      UUID tenantId, String status, UUID targetId, PageRequest<Long> request) {
    boolean back = request.backwards();
    return pool.preparedQuery(
            "SELECT "
                + DELIVERY_COLUMNS
                + " FROM deliveries d WHERE d.tenant_id = $1 AND ($2::text IS NULL OR d.status = $2)"
                + " AND ($3::uuid IS NULL OR d.target_id = $3)"
                + " AND ($4::bigint IS NULL OR d.id "
                + (back ? ">" : "<")
                + " $4) ORDER BY d.id "
                + (back ? "ASC" : "DESC")
                + " LIMIT $5")
        .execute(Tuple.of(tenantId, status, targetId, request.from(), request.limit() + 1))
        .map(
            rows -> {
              List<DeliveryView> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(deliveryView(r)));
              return Page.of(fetched, request, DeliveryView::id);
            });
  }

  /**
   * Sends a delivery again: back to pending with a new retry window and a due job. Works for
   * failed, dead and delivered ones (a receiver that lost data asks again).
   *
   * @return the delivery, or {@code null} when the tenant has no such delivery
   */
  public Future<DeliveryView> replay(UUID tenantId, long deliveryId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE deliveries d SET status = 'pending', retry_until = now() + interval '3 days',"
                        + " updated_at = now() FROM sync_targets t WHERE d.id = $2 AND d.tenant_id = $1"
                        + " AND t.id = d.target_id AND t.deleted_at IS NULL RETURNING "
                        + DELIVERY_COLUMNS)
                .execute(Tuple.of(tenantId, deliveryId))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture((DeliveryView) null);
                      }
                      DeliveryView out = deliveryView(rows.iterator().next());
                      return conn.preparedQuery(
                              "DELETE FROM jobs WHERE kind = $1 AND ref_id = $2"
                                  + " AND status IN ('dead', 'parked', 'pending')")
                          .execute(Tuple.of(DELIVER, deliveryId))
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          "INSERT INTO jobs (kind, tenant_id, ref_id) SELECT $1, $2, $3"
                                              + " WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1"
                                              + " AND ref_id = $3)")
                                      .execute(Tuple.of(DELIVER, tenantId, deliveryId)))
                          .map(out);
                    }));
  }

  private Target target(Row r) {
    UUID id = r.getUUID("id");
    UUID tenantId = r.getUUID("tenant_id");
    JsonObject config =
        vault.open(
            tenantId, sealContext(id), r.getBuffer("config").getBytes(), r.getString("key_id"));
    return new Target(
        id,
        tenantId,
        r.getString("type"),
        r.getString("url"),
        config,
        r.getBoolean("enabled"),
        r.getString("disabled_reason"),
        r.getOffsetDateTime("created_at"),
        r.getBoolean("deleted"),
        r.getLong("revision"));
  }

  static String sealContext(UUID targetId) {
    return "sync-target:" + targetId;
  }

  private static DeliveryView deliveryView(Row r) {
    return new DeliveryView(
        r.getLong("id"),
        r.getUUID("target_id"),
        r.getLong("entry_id"),
        r.getString("status"),
        r.getInteger("attempts"),
        r.getInteger("last_status"),
        r.getString("last_error"),
        r.getInteger("last_latency_ms"),
        instant(r, "retry_until"),
        instant(r, "created_at"),
        instant(r, "updated_at"),
        instant(r, "delivered_at"));
  }
}
