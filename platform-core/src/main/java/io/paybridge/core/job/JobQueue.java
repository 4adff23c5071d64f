package io.paybridge.core.job;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the durable job queue. PostgreSQL is the only store of work: jobs are rows, claimed in
 * batches with {@code FOR UPDATE SKIP LOCKED} so workers on every node share them without waiting
 * on each other, under a lease stamped by the database clock. A claim moves {@code run_at} to the
 * lease's expiry, so the job of a worker that died is due again when its lease runs out. Every
 * write after the claim names the claim token, so a worker whose lease expired cannot undo the work
 * of the one that took over.
 */
public final class JobQueue {

  /**
   * Kinds that have claimers of their own (the sync fan-out and the delivery dispatcher): a claim
   * for none of them reads only the index of the other kinds, which a backlog of deliveries does
   * not fill.
   */
  private static final List<String> OWN_CLAIMERS = List.of("deliver", "sync");

  private static final String CLAIM = claim("");

  private static final String CLAIM_OTHERS = claim(" AND kind NOT IN ('deliver', 'sync')");

  private static String claim(String only) {
    return """
      WITH due AS (
        SELECT id FROM jobs
        WHERE status IN ('pending', 'running') AND run_at <= now() AND kind = ANY($1)"""
        + only
        + """

        ORDER BY run_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j
         SET status = 'running', lease_owner = $3, claim_token = gen_random_uuid(),
             run_at = now() + $4 * interval '1 millisecond',
             lease_expires_at = now() + $4 * interval '1 millisecond',
             attempts = j.attempts + 1, wake_requested = false
       WHERE j.id = ANY (ARRAY(SELECT id FROM due))
      RETURNING j.id, j.kind, j.tenant_id, j.ref_id, j.payload, j.attempts, j.claim_token, j.created_at
      """;
  }

  /**
   * The head of a statement fenced by a job's claim, as every write of a job's attempt is: a {@code
   * claim} that has a row only while job {@code $1} is running under claim token {@code $2}. It
   * locks the job's row, so the claim cannot pass to another worker (whose claim skips locked rows)
   * before the write commits; a write conditioned on {@code EXISTS (SELECT 1 FROM claim)} changes
   * nothing once the claim is lost.
   */
  public static final String WITH_CLAIM =
      "WITH claim AS (SELECT 1 FROM jobs WHERE id = $1 AND claim_token = $2 AND status = 'running'"
          + " FOR SHARE)\n";

  private final Pool pool;

  public JobQueue(Pool pool) {
    this.pool = pool;
  }

  /** Adds a job, due now or after a delay, within the caller's transaction when one is given. */
  public static Future<Long> enqueue(
      SqlClient client,
      String kind,
      UUID tenantId,
      Long refId,
      JsonObject payload,
      Duration delay) {
    return client
        .preparedQuery(
            "INSERT INTO jobs (kind, tenant_id, ref_id, payload, run_at)"
                + " VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond') RETURNING id")
        .execute(Tuple.of(kind, tenantId, refId, payload, delay.toMillis()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Adds a job already claimed by {@code owner}, within the caller's transaction: the caller runs
   * the first attempt itself, at once, fenced by the returned claim like any worker's; should the
   * caller die, the job is due to every worker when the lease runs out.
   */
  public static Future<Job> enqueueClaimed(
      SqlClient client,
      String kind,
      UUID tenantId,
      JsonObject payload,
      String owner,
      Duration lease) {
    return client
        .preparedQuery(
            "INSERT INTO jobs (kind, tenant_id, payload, status, lease_owner, claim_token, run_at,"
                + " lease_expires_at, attempts)"
                + " VALUES ($1, $2, $3, 'running', $4, gen_random_uuid(),"
                + " now() + $5 * interval '1 millisecond', now() + $5 * interval '1 millisecond', 1)"
                + " RETURNING id, kind, tenant_id, ref_id, payload, attempts, claim_token, created_at")
        .execute(Tuple.of(kind, tenantId, payload, owner, lease.toMillis()))
        .map(rows -> job(rows.iterator().next()));
  }

  /** Claims up to {@code max} due jobs of the given kinds for {@code owner}, under a lease. */
  public Future<List<Job>> claim(List<String> kinds, int max, String owner, Duration lease) {
    boolean others = kinds.stream().noneMatch(OWN_CLAIMERS::contains);
    return pool.preparedQuery(others ? CLAIM_OTHERS : CLAIM)
        .execute(Tuple.of(kinds.toArray(String[]::new), max, owner, lease.toMillis()))
        .map(
            rows -> {
              List<Job> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(job(r));
              }
              return out;
            });
  }

  private static Job job(Row r) {
    return new Job(
        r.getLong("id"),
        r.getString("kind"),
        r.getUUID("tenant_id"),
        r.getLong("ref_id"),
        (JsonObject) r.getJson("payload"),
        r.getInteger("attempts"),
        r.getUUID("claim_token"),
        r.getOffsetDateTime("created_at"));
  }

  /**
   * Records the handler's decision, fenced by the claim token.
   *
   * @return whether this worker still held the job (false: its lease had expired and another worker
   *     took it; the write was dropped)
   */
  public Future<Boolean> finish(Job job, JobResult result, Duration retryAfter) {
    Tuple params;
    String sql;
    if (result instanceof JobResult.Done) {
      sql = "DELETE FROM jobs WHERE id = $1 AND claim_token = $2";
      params = Tuple.of(job.id(), job.claimToken());
    } else if (result instanceof JobResult.Retry retry) {
      sql =
          "UPDATE jobs SET status = 'pending', run_at = now() + $3 * interval '1 millisecond',"
              + " lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL, last_error = $4"
              + " WHERE id = $1 AND claim_token = $2";
      params = Tuple.of(job.id(), job.claimToken(), retryAfter.toMillis(), clip(retry.error()));
    } else if (result instanceof JobResult.Dead dead) {
      sql =
          "UPDATE jobs SET status = 'dead', finished_at = now(), lease_owner = NULL,"
              + " lease_expires_at = NULL, claim_token = NULL, last_error = $3"
              + " WHERE id = $1 AND claim_token = $2";
      params = Tuple.of(job.id(), job.claimToken(), clip(dead.error()));
    } else {
      JobResult.Parked parked = (JobResult.Parked) result;
      // Woken while this attempt ran (unpark), or the handler's own condition: due again at once
      // rather than parked.
      String wake =
          parked.wakeIf() == null
              ? "wake_requested"
              : "wake_requested OR (" + parked.wakeIf() + ")";
      sql =
          "UPDATE jobs SET status = CASE WHEN "
              + wake
              + " THEN 'pending' ELSE 'parked' END,"
              + " run_at = now(), wake_requested = false, lease_owner = NULL,"
              + " lease_expires_at = NULL, claim_token = NULL, last_error = $3,"
              + " attempts = greatest(attempts - 1, 0)"
              + " WHERE id = $1 AND claim_token = $2";
      params = Tuple.of(job.id(), job.claimToken(), clip(parked.reason()));
    }
    return pool.preparedQuery(sql).execute(params).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Makes a tenant's parked jobs of a kind due now. Jobs of that kind running at this moment are
   * marked, so that an attempt which decides to park one (having seen the state before this call)
   * makes it due instead: a wake-up is never lost to an attempt under way.
   *
   * @return how many parked jobs were made due
   */
  public static Future<Integer> unpark(SqlClient client, UUID tenantId, String kind) {
    return client
        .preparedQuery(
            "WITH woken AS ("
                + " UPDATE jobs SET status = CASE WHEN status = 'parked' THEN 'pending'"
                + " ELSE status END,"
                + " run_at = CASE WHEN status = 'parked' THEN now() ELSE run_at END,"
                + " wake_requested = (status = 'running')"
                + " WHERE tenant_id = $1 AND kind = $2 AND status IN ('parked', 'running')"
                + " RETURNING status)"
                + " SELECT count(*) FILTER (WHERE status = 'pending') FROM woken")
        .execute(Tuple.of(tenantId, kind))
        .map(rows -> (int) (long) rows.iterator().next().getLong(0));
  }

  private static String clip(String error) {
    if (error == null) {
      return null;
    }
    return error.length() > 2000 ? error.substring(0, 2000) : error;
  }
}
