package io.paybridge.core.sync;

import io.paybridge.core.job.Job;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQL of the delivery dispatcher, which claims and records deliveries in batches rather than
 * one at a time. A claim is ONE statement that takes due {@code deliver} jobs tenant by tenant, at
 * most a given number per tenant, and returns with each everything its attempt needs: the delivery,
 * its target and the ledger entry. A batch of outcomes is ONE transaction that finishes the jobs,
 * sets the deliveries' state, logs the attempts and marks entries synced; every row it writes is
 * conditioned on the attempt's claim token, and a delivered delivery is never set back, as for the
 * attempts recorded one at a time ({@link DeliveryWrites}).
 *
 * <p>A target's secret is opened once and kept while its sealed form is unchanged: a rotated or
 * replaced secret has a new ciphertext and is opened again.
 */
public final class DeliveryBatchStore {

  /** A claimed delivery job with what its attempt needs; {@code delivery} null when it is gone. */
  public record Claimed(Job job, SyncStore.Delivery delivery, Payment payment) {}

  /**
   * One finished attempt to record: the attempt and what becomes of its job, due again after {@code
   * retryAfter} or, when that is {@code null}, removed (delivered).
   */
  public record Outcome(
      Job job, SyncStore.Delivery delivery, SyncStore.Attempt attempt, Duration retryAfter) {}

  /**
   * What a batch did: the jobs still held under the attempt's claim (so finished by the batch) and
   * the deliveries whose state it set (not those delivered meanwhile).
   */
  public record Recorded(Set<Long> heldJobs, Set<Long> recordedDeliveries) {}

  static final String CLAIM =
      """
      WITH RECURSIVE tenants AS (
        (SELECT tenant_id FROM jobs
          WHERE kind = 'deliver' AND status IN ('pending', 'running')
          ORDER BY tenant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT j.tenant_id FROM jobs j
                 WHERE j.kind = 'deliver' AND j.status IN ('pending', 'running')
                   AND j.tenant_id > tenants.tenant_id
                 ORDER BY j.tenant_id LIMIT 1)
          FROM tenants WHERE tenants.tenant_id IS NOT NULL
      ), rooms AS (
        SELECT t.tenant_id,
               least(coalesce(r.room, $3), greatest(1, ceil($2::numeric / count(*) OVER ())))::int
                 AS room
          FROM tenants t LEFT JOIN unnest($4::uuid[], $5::int[]) AS r(tenant_id, room)
            ON r.tenant_id = t.tenant_id
         WHERE t.tenant_id IS NOT NULL
      ), due AS (
        SELECT p.id FROM rooms CROSS JOIN LATERAL (
          SELECT z.id, row_number() OVER (ORDER BY z.run_at, z.id) AS rn FROM (
            -- In the index's order (tenant, run_at), so the scan stops at the room: a tie-break
            -- on id would sort every due job of the tenant (all of a re-enabled backlog share
            -- one run_at) before taking a few.
            SELECT j.id, j.run_at FROM jobs j
             WHERE j.kind = 'deliver' AND j.tenant_id = rooms.tenant_id
               AND j.status IN ('pending', 'running') AND j.run_at <= now()
             ORDER BY j.run_at LIMIT rooms.room
             FOR UPDATE SKIP LOCKED) z) p
         WHERE rooms.room > 0
         -- Round by round; within a round, tenants from $7 on first, then the rest: a claim that
         -- cannot take one of every tenant's does not always favour the lowest ids.
         ORDER BY p.rn, rooms.tenant_id < $7, rooms.tenant_id LIMIT $2
      ), claimed AS (
        UPDATE jobs j
           SET status = 'running', lease_owner = $1, claim_token = gen_random_uuid(),
               run_at = now() + $6 * interval '1 millisecond',
               lease_expires_at = now() + $6 * interval '1 millisecond',
               attempts = j.attempts + 1, wake_requested = false
         -- By id from an array, not a join to due: the planner cannot know how few rows a claim
         -- takes and, sized by $2, hashed the whole jobs and deliveries tables for every claim.
         WHERE j.id = ANY (ARRAY(SELECT id FROM due))
        RETURNING j.id, j.kind, j.tenant_id, j.ref_id, j.attempts, j.claim_token, j.created_at
      )
      SELECT c.id AS job_id, c.kind AS job_kind, c.tenant_id AS job_tenant, c.ref_id,
             c.attempts AS job_attempts, c.claim_token, c.created_at AS job_created,
             d.id AS delivery_id, d.entry_id, d.status AS delivery_status,
             d.retry_until < now() AS expired,
             t.id AS target_id, t.tenant_id AS target_tenant, t.type, t.url, t.config, t.key_id,
             t.enabled, t.disabled_reason, t.created_at AS target_created,
             t.deleted_at IS NOT NULL AS deleted, t.revision,
             l.id AS l_id, l.gateway, l.kind AS l_kind, l.amount_minor, l.currency,
             l.external_payment_id, l.external_subscription_id, l.customer_ref, l.email,
             l.contact, l.fee_minor, l.occurred_at, l.recorded_at, l.period_end, l.synced_at,
             l.entry_key
        FROM claimed c
        LEFT JOIN deliveries d ON d.id = c.ref_id
        LEFT JOIN sync_targets t ON t.id = d.target_id
        LEFT JOIN ledger_entries l ON l.id = d.entry_id AND l.tenant_id = d.tenant_id
      """;

  private static final String RECORD =
      """
      WITH o AS (
        SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::int[],
                             $6::text[], $7::int[], $8::text[], $9::bigint[])
          AS o(job, token, delivery, status, code, error, latency, node, retry_ms)
      ), done AS (
        DELETE FROM jobs j USING o
         WHERE j.id = o.job AND j.claim_token = o.token AND j.status = 'running'
           AND o.retry_ms IS NULL
        RETURNING j.id
      ), retried AS (
        UPDATE jobs j
           SET status = 'pending', run_at = now() + o.retry_ms * interval '1 millisecond',
               lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL,
               last_error = left(o.error, 2000)
          FROM o
         WHERE j.id = o.job AND j.claim_token = o.token AND j.status = 'running'
           AND o.retry_ms IS NOT NULL
        RETURNING j.id
      ), held AS (
        SELECT o.* FROM o WHERE o.job IN (SELECT id FROM done UNION ALL SELECT id FROM retried)
      ), d AS (
        UPDATE deliveries x
           SET status = h.status, attempts = x.attempts + 1, last_status = h.code,
               last_error = h.error, last_latency_ms = h.latency, updated_at = now(),
               delivered_at = CASE WHEN h.status = 'delivered' THEN now() END
          FROM held h
         WHERE x.id = h.delivery AND x.status <> 'delivered'
        RETURNING x.id, x.entry_id, h.status, h.code, h.error, h.latency, h.node
      ), logged AS (
        INSERT INTO delivery_attempts (delivery_id, status_code, latency_ms, error, node)
        SELECT id, code, latency, error, node FROM d
      ), synced AS (
        UPDATE ledger_entries l SET synced_at = now()
         WHERE l.id IN (SELECT entry_id FROM d WHERE status = 'delivered')
           AND l.synced_at IS NULL
           AND NOT EXISTS (
             SELECT 1 FROM deliveries x JOIN sync_targets t ON t.id = x.target_id
              WHERE x.entry_id = l.id AND x.status <> 'delivered' AND t.deleted_at IS NULL
                AND x.id NOT IN (SELECT id FROM d WHERE status = 'delivered'))
      )
      SELECT (SELECT array_agg(id) FROM done) AS done, (SELECT array_agg(id) FROM retried) AS retried,
             (SELECT array_agg(id) FROM d) AS recorded
      """;

  private static final int MAX_OPENED = 10_000;

  private final Pool pool;
  private final CredentialVault vault;
  private final Map<UUID, Opened> targets = new ConcurrentHashMap<>();

  /** A target's configuration as opened from its sealed form. */
  private record Opened(Buffer sealed, String keyId, JsonObject config) {}

  public DeliveryBatchStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /**
   * Claims up to {@code max} due deliveries for {@code owner} under a lease, at most {@code
   * defaultRoom} of one tenant's ({@code rooms} gives some tenants another number, 0 to skip them),
   * and never more of one tenant than its share of {@code max} among the tenants with work. When
   * more tenants have work than the claim can take one of each, which go first starts at a random
   * tenant id, so that over a few claims every tenant is served.
   */
  public Future<List<Claimed>> claim(
      int max, String owner, Duration lease, int defaultRoom, Map<UUID, Integer> rooms) {
    return claim(max, owner, lease, defaultRoom, rooms, UUID.randomUUID());
  }

  /**
   * As {@link #claim(int, String, Duration, int, Map)}, with the tenants from {@code from} (by id)
   * taken first in each round and the lower ids after them.
   */
  Future<List<Claimed>> claim(
      int max, String owner, Duration lease, int defaultRoom, Map<UUID, Integer> rooms, UUID from) {
    return pool.preparedQuery(CLAIM)
        .execute(claimArguments(max, owner, lease, defaultRoom, rooms, from))
        .map(
            rows -> {
              List<Claimed> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(claimed(r));
              }
              return out;
            });
  }

  /** The arguments of {@link #CLAIM}, in its order. */
  static Tuple claimArguments(
      int max, String owner, Duration lease, int defaultRoom, Map<UUID, Integer> rooms, UUID from) {
    UUID[] tenants = rooms.keySet().toArray(UUID[]::new);
    Integer[] room = new Integer[tenants.length];
    for (int i = 0; i < tenants.length; i++) {
      room[i] = rooms.get(tenants[i]);
    }
    return Tuple.of(owner, max, defaultRoom)
        .addArrayOfUUID(tenants)
        .addArrayOfInteger(room)
        .addLong(lease.toMillis())
        .addUUID(from);
  }

  /**
   * Records finished attempts in one transaction. Delivered entries are locked first, in id order,
   * so that two batches delivering the same entry to different targets run one after the other and
   * the second sees the first (else neither would mark it synced).
   */
  public Future<Recorded> record(List<Outcome> outcomes) {
    int n = outcomes.size();
    Long[] jobs = new Long[n];
    UUID[] tokens = new UUID[n];
    Long[] deliveries = new Long[n];
    String[] statuses = new String[n];
    Integer[] codes = new Integer[n];
    String[] errors = new String[n];
    Integer[] latencies = new Integer[n];
    String[] nodes = new String[n];
    Long[] retries = new Long[n];
    List<Long> delivered = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Outcome o = outcomes.get(i);
      jobs[i] = o.job().id();
      tokens[i] = o.job().claimToken();
      deliveries[i] = o.delivery().id();
      statuses[i] = o.attempt().status();
      codes[i] = o.attempt().statusCode();
      errors[i] = o.attempt().error();
      latencies[i] = (int) Math.min(Integer.MAX_VALUE, o.attempt().latencyMs());
      nodes[i] = o.attempt().node();
      retries[i] = o.retryAfter() == null ? null : o.retryAfter().toMillis();
      if (o.attempt().succeeded()) {
        delivered.add(o.delivery().entryId());
      }
    }
    Long[] entries = delivered.stream().distinct().sorted().toArray(Long[]::new);
    Tuple params =
        Tuple.tuple()
            .addArrayOfLong(jobs)
            .addArrayOfUUID(tokens)
            .addArrayOfLong(deliveries)
            .addArrayOfString(statuses)
            .addArrayOfInteger(codes)
            .addArrayOfString(errors)
            .addArrayOfInteger(latencies)
            .addArrayOfString(nodes)
            .addArrayOfLong(retries);
    return pool.withTransaction(
        conn ->
            (entries.length == 0
                    ? Future.<Void>succeededFuture()
                    : conn.preparedQuery(
                            "SELECT 1 FROM ledger_entries WHERE id = ANY($1) ORDER BY id"
                                + " FOR NO KEY UPDATE")
                        .execute(Tuple.of(entries))
                        .<Void>mapEmpty())
                .compose(v -> conn.preparedQuery(RECORD).execute(params))
                .map(
                    rows -> {
                      Row r = rows.iterator().next();
                      Set<Long> held = ids(r, "done");
                      held.addAll(ids(r, "retried"));
                      return new Recorded(held, ids(r, "recorded"));
                    }));
  }

  private static Set<Long> ids(Row r, String column) {
    Long[] ids = r.getArrayOfLongs(column);
    Set<Long> out = new HashSet<>();
    if (ids != null) {
      out.addAll(List.of(ids));
    }
    return out;
  }

  private Claimed claimed(Row r) {
    Job job =
        new Job(
            r.getLong("job_id"),
            r.getString("job_kind"),
            r.getUUID("job_tenant"),
            r.getLong("ref_id"),
            null,
            r.getInteger("job_attempts"),
            r.getUUID("claim_token"),
            r.getOffsetDateTime("job_created"));
    if (r.getLong("delivery_id") == null) {
      return new Claimed(job, null, null);
    }
    SyncStore.Delivery delivery =
        new SyncStore.Delivery(
            r.getLong("delivery_id"),
            job.tenantId(),
            r.getLong("entry_id"),
            r.getString("delivery_status"),
            r.getBoolean("expired"),
            target(r));
    return new Claimed(
        job, delivery, r.getLong("l_id") == null ? null : LedgerStore.payment(r, "l_id", "l_kind"));
  }

  private SyncStore.Target target(Row r) {
    UUID id = r.getUUID("target_id");
    UUID tenantId = r.getUUID("target_tenant");
    Buffer sealed = r.getBuffer("config");
    String keyId = r.getString("key_id");
    Opened opened = targets.get(id);
    if (opened == null || !opened.sealed().equals(sealed) || !opened.keyId().equals(keyId)) {
      JsonObject config = vault.open(tenantId, SyncStore.sealContext(id), sealed.getBytes(), keyId);
      opened = new Opened(sealed, keyId, config);
      if (targets.size() >= MAX_OPENED) {
        targets.clear(); // a bound, not an eviction policy: the targets in use are opened again
      }
      targets.put(id, opened);
    }
    return new SyncStore.Target(
        id,
        tenantId,
        r.getString("type"),
        r.getString("url"),
        opened.config().copy(),
        r.getBoolean("enabled"),
        r.getString("disabled_reason"),
        r.getOffsetDateTime("target_created"),
        r.getBoolean("deleted"),
        r.getLong("revision"));
  }
}
