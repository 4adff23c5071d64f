package io.paybridge.core.subscription;

import static io.paybridge.core.db.Rows.instant;

import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of subscriptions, always scoped by tenant but for the renewal scan, which looks across
 * tenants for periods that end soon.
 */
public final class SubscriptionStore {

  private static final String COLUMNS =
      "gateway, external_subscription_id, customer_ref, status, current_period_end, last_event_at,"
          + " created_at, updated_at";

  /** Optional filters of a listing. */
  public record Filter(String gateway, String status, String customerRef) {
    public static final Filter NONE = new Filter(null, null, null);
  }

  /**
   * Queues a renewal job for each active subscription whose period ends within {@code $2} seconds
   * at a gateway of {@code $1}, unless it was checked in the last {@code $3} seconds; at most one
   * renewal job per subscription is outstanding (its dedupe key).
   */
  private static final String QUEUE_RENEWALS =
      """
      WITH due AS (
        SELECT tenant_id, gateway, external_subscription_id FROM subscriptions
        WHERE status = 'active' AND gateway = ANY($1)
          AND current_period_end < now() + $2 * interval '1 second'
          AND (renewal_checked_at IS NULL OR renewal_checked_at < now() - $3 * interval '1 second')
        ORDER BY current_period_end
        LIMIT 1000
      ), queued AS (
        INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
        SELECT 'renewal', tenant_id,
               jsonb_build_object('gateway', gateway, 'subscription', external_subscription_id),
               tenant_id || ':' || gateway || ':' || external_subscription_id
        FROM due
        ON CONFLICT (kind, dedupe_key)
          WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running', 'parked')
          DO NOTHING
        RETURNING 1
      )
      SELECT count(*) FROM queued
      """;

  private final Pool pool;

  public SubscriptionStore(Pool pool) {
    this.pool = pool;
  }

  /** Subscriptions after the given key (from the start when {@code null}), optionally filtered. */
  public Future<Page<Subscription, Subscription.Key>> list(
      UUID tenantId, Filter filter, Subscription.Key after, int limit) {
    return list(tenantId, filter, new PageRequest<>(after, null, limit));
  }

  /**
   * A page of subscriptions in the order of their gateway and id, after or before the one the
   * request names, optionally filtered.
   */
  public Future<Page<Subscription, Subscription.Key>> list(
      UUID tenantId, Filter filter, PageRequest<Subscription.Key> request) {
    boolean back = request.backwards();
    Subscription.Key from = request.from();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM subscriptions WHERE tenant_id = $1"
            + " AND ($2::text IS NULL OR (gateway, external_subscription_id) "
            + (back ? "<" : ">")
            + " ($2, $3))"
            + " AND ($4::text IS NULL OR gateway = $4) AND ($5::text IS NULL OR status = $5)"
            + " AND ($6::text IS NULL OR customer_ref = $6)"
            + (back
                ? " ORDER BY gateway DESC, external_subscription_id DESC"
                : " ORDER BY gateway, external_subscription_id")
            + " LIMIT $7";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.of(
                tenantId,
                from == null ? null : from.gateway(),
                from == null ? null : from.externalSubscriptionId(),
                filter.gateway(),
                filter.status(),
                filter.customerRef(),
                request.limit() + 1))
        .map(
            rows -> {
              List<Subscription> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(subscription(r)));
              return Page.of(fetched, request, Subscription::key);
            });
  }

  /** One subscription, or {@code null}. */
  public Future<Subscription> find(UUID tenantId, String gateway, String externalSubscriptionId) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM subscriptions WHERE tenant_id = $1 AND gateway = $2"
                + " AND external_subscription_id = $3")
        .execute(Tuple.of(tenantId, gateway, externalSubscriptionId))
        .map(rows -> rows.size() == 0 ? null : subscription(rows.iterator().next()));
  }

  /** A subscription as recorded, and whether this check found it renewed. */
  public record GatewayState(Subscription subscription, boolean renewed) {}

  /**
   * Records what the gateway's API says about a subscription now. The gateway's answer is newer
   * than any webhook recorded so far, so it wins; a subscription not seen before is created.
   *
   * <p>When an active subscription's period end moved forward, that is a renewal: in the same
   * statement a {@code RECURRING_RENEWED} ledger entry (no amount, the new period end) and its sync
   * job are written, so the tenant's targets get a {@code subscription.renewed} event. The entry is
   * keyed by subscription and period end, so two checks that see the same renewal record it once.
   *
   * @param fence the renewal job whose claim fences the write, or null for a tenant's own refresh
   * @return the state recorded; null when {@code fence} lost its claim and nothing was written
   */
  public Future<GatewayState> recordGatewayState(
      UUID tenantId,
      String gateway,
      String externalSubscriptionId,
      boolean active,
      Instant currentPeriodEnd,
      Instant checkedAt,
      Job fence) {
    OffsetDateTime end =
        currentPeriodEnd == null ? null : currentPeriodEnd.atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(
            // The renewal job's claim ($7, $8), when a job records it: a job that lost its claim
            // writes nothing. A tenant's own refresh passes no job.
            "WITH claim AS (SELECT 1 FROM jobs WHERE id = $7 AND claim_token = $8"
                + " AND status = 'running' FOR SHARE), prev AS ("
                + " SELECT current_period_end FROM subscriptions"
                + " WHERE tenant_id = $1 AND gateway = $2 AND external_subscription_id = $3"
                + "), up AS ("
                + " INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, status,"
                + " current_period_end, last_event_at) SELECT $1::uuid, $2::text, $3::text, $4::text,"
                + " $5::timestamptz, $6::timestamptz"
                + " WHERE $7::bigint IS NULL OR EXISTS (SELECT 1 FROM claim)"
                + " ON CONFLICT (tenant_id, gateway, external_subscription_id) DO UPDATE SET"
                + " status = EXCLUDED.status,"
                + " current_period_end = COALESCE(EXCLUDED.current_period_end,"
                + " subscriptions.current_period_end),"
                + " last_event_at = GREATEST(subscriptions.last_event_at, EXCLUDED.last_event_at),"
                + " updated_at = now() RETURNING "
                + COLUMNS
                + "), renewed AS ("
                + " INSERT INTO ledger_entries (tenant_id, gateway, entry_key, kind,"
                + " external_subscription_id, customer_ref, occurred_at, period_end)"
                + " SELECT $1, $2, 'renewed:' || $3 || ':' || floor(extract(epoch FROM $5)),"
                + " 'RECURRING_RENEWED', $3, up.customer_ref, $6, $5 FROM up, prev"
                + " WHERE up.status = 'active' AND $5 > prev.current_period_end"
                + " ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING RETURNING id"
                + "), job AS ("
                + " INSERT INTO jobs (kind, tenant_id, ref_id) SELECT 'sync', $1, id FROM renewed"
                + ") SELECT up.*, EXISTS (SELECT 1 FROM renewed) AS renewed FROM up")
        .execute(
            Tuple.tuple()
                .addUUID(tenantId)
                .addString(gateway)
                .addString(externalSubscriptionId)
                .addString(active ? "active" : "cancelled")
                .addOffsetDateTime(end)
                .addOffsetDateTime(checkedAt.atOffset(ZoneOffset.UTC))
                .addLong(fence == null ? null : fence.id())
                .addUUID(fence == null ? null : fence.claimToken()))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new GatewayState(subscription(r), r.getBoolean("renewed"));
            });
  }

  /**
   * Marks a subscription cancelled after the platform cancelled it at the gateway, fenced by the
   * claim of the job that did; whether it was written (false: the claim was lost).
   */
  public Future<Boolean> markCancelled(
      Job job, UUID tenantId, String gateway, String externalSubscriptionId) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE subscriptions SET status = 'cancelled', updated_at = now()"
                + " WHERE tenant_id = $3 AND gateway = $4 AND external_subscription_id = $5"
                + " AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), tenantId, gateway, externalSubscriptionId))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Registers a subscription the tenant knows (created in its own checkout), so that its charges
   * are never treated as unknown. Changes nothing if it is already recorded.
   */
  public Future<Subscription> register(
      UUID tenantId, String gateway, String externalSubscriptionId, String customerRef) {
    return pool.preparedQuery(
            "INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, customer_ref,"
                + " status, last_event_at) VALUES ($1, $2, $3, $4, 'active', 'epoch')"
                + " ON CONFLICT (tenant_id, gateway, external_subscription_id) DO UPDATE"
                + " SET customer_ref = COALESCE(subscriptions.customer_ref, EXCLUDED.customer_ref)"
                + " RETURNING "
                + COLUMNS)
        .execute(Tuple.of(tenantId, gateway, externalSubscriptionId, customerRef))
        .map(rows -> subscription(rows.iterator().next()));
  }

  /**
   * Queues a renewal job for each active subscription at one of {@code gateways} whose period ends
   * within {@code lookAhead}, unless it was checked within {@code recheckAfter}. Idempotent: at
   * most one renewal job per subscription is outstanding.
   *
   * @return how many jobs were queued
   */
  public Future<Long> queueRenewals(
      List<String> gateways, Duration lookAhead, Duration recheckAfter) {
    return pool.preparedQuery(QUEUE_RENEWALS)
        .execute(
            Tuple.of(
                gateways.toArray(String[]::new), lookAhead.toSeconds(), recheckAfter.toSeconds()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Notes that a subscription's renewal was checked now, so the scan leaves it alone a while;
   * fenced by the renewal job's claim.
   */
  public Future<Boolean> markRenewalChecked(
      Job job, UUID tenantId, String gateway, String externalSubscriptionId) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE subscriptions SET renewal_checked_at = now() WHERE tenant_id = $3"
                + " AND gateway = $4 AND external_subscription_id = $5"
                + " AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), tenantId, gateway, externalSubscriptionId))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Subscription subscription(Row r) {
    return new Subscription(
        r.getString("gateway"),
        r.getString("external_subscription_id"),
        r.getString("customer_ref"),
        r.getString("status"),
        instant(r, "current_period_end"),
        instant(r, "last_event_at"),
        instant(r, "created_at"),
        instant(r, "updated_at"));
  }
}
