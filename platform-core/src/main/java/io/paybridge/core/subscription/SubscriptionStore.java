package io.paybridge.core.subscription;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of subscriptions, always scoped by tenant. */
public final class SubscriptionStore {

  private static final String COLUMNS =
      "gateway, external_subscription_id, customer_ref, status, current_period_end, last_event_at,"
          + " created_at, updated_at";

  /** One page, ordered by gateway and subscription id, and the key to continue after. */
  public record Page(List<JsonObject> entries, String[] nextAfter) {}

  private final Pool pool;

  public SubscriptionStore(Pool pool) {
    this.pool = pool;
  }

  /** Subscriptions after the given (gateway, id) key, optionally filtered. */
  public Future<Page> list(
      UUID tenantId, String[] after, int limit, String gateway, String status, String customerRef) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM subscriptions WHERE tenant_id = $1"
            + " AND ($2::text IS NULL OR (gateway, external_subscription_id) > ($2, $3))"
            + " AND ($4::text IS NULL OR gateway = $4) AND ($5::text IS NULL OR status = $5)"
            + " AND ($6::text IS NULL OR customer_ref = $6)"
            + " ORDER BY gateway, external_subscription_id LIMIT $7";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.of(
                tenantId,
                after == null ? null : after[0],
                after == null ? null : after[1],
                gateway,
                status,
                customerRef,
                limit + 1))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              String[] next = null;
              for (Row r : rows) {
                if (out.size() == limit) {
                  JsonObject last = out.get(out.size() - 1);
                  next =
                      new String[] {
                        last.getString("gateway"), last.getString("externalSubscriptionId")
                      };
                  break;
                }
                out.add(toJson(r));
              }
              return new Page(out, next);
            });
  }

  /** One subscription, or {@code null}. */
  public Future<JsonObject> find(UUID tenantId, String gateway, String externalSubscriptionId) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM subscriptions WHERE tenant_id = $1 AND gateway = $2"
                + " AND external_subscription_id = $3")
        .execute(Tuple.of(tenantId, gateway, externalSubscriptionId))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** A subscription as recorded, and whether this check found it renewed. */
  public record GatewayState(JsonObject subscription, boolean renewed) {}

  /**
   * Records what the gateway's API says about a subscription now. The gateway's answer is newer
   * than any webhook recorded so far, so it wins; a subscription not seen before is created.
   *
   * <p>When an active subscription's period end moved forward, that is a renewal: in the same
   * statement a {@code RECURRING_RENEWED} ledger entry (no amount, the new period end) and its sync
   * job are written, so the tenant's targets get a {@code subscription.renewed} event. The entry is
   * keyed by subscription and period end, so two checks that see the same renewal record it once.
   */
  public Future<GatewayState> recordGatewayState(
      UUID tenantId,
      String gateway,
      String externalSubscriptionId,
      boolean active,
      Instant currentPeriodEnd,
      Instant checkedAt) {
    OffsetDateTime end =
        currentPeriodEnd == null ? null : currentPeriodEnd.atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(
            "WITH prev AS ("
                + " SELECT current_period_end FROM subscriptions"
                + " WHERE tenant_id = $1 AND gateway = $2 AND external_subscription_id = $3"
                + "), up AS ("
                + " INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, status,"
                + " current_period_end, last_event_at) VALUES ($1, $2, $3, $4, $5, $6)"
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
            Tuple.of(
                tenantId,
                gateway,
                externalSubscriptionId,
                active ? "active" : "cancelled",
                end,
                checkedAt.atOffset(ZoneOffset.UTC)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new GatewayState(toJson(r), r.getBoolean("renewed"));
            });
  }

  /**
   * Registers a subscription the tenant knows (created in its own checkout), so that its charges
   * are never treated as unknown. Changes nothing if it is already recorded.
   */
  /** Marks a subscription cancelled (after the platform cancelled it at the gateway). */
  public Future<Void> markCancelled(UUID tenantId, String gateway, String externalSubscriptionId) {
    return pool.preparedQuery(
            "UPDATE subscriptions SET status = 'cancelled', updated_at = now()"
                + " WHERE tenant_id = $1 AND gateway = $2 AND external_subscription_id = $3")
        .execute(Tuple.of(tenantId, gateway, externalSubscriptionId))
        .mapEmpty();
  }

  public Future<JsonObject> register(
      UUID tenantId, String gateway, String externalSubscriptionId, String customerRef) {
    return pool.preparedQuery(
            "INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, customer_ref,"
                + " status, last_event_at) VALUES ($1, $2, $3, $4, 'active', 'epoch')"
                + " ON CONFLICT (tenant_id, gateway, external_subscription_id) DO UPDATE"
                + " SET customer_ref = COALESCE(subscriptions.customer_ref, EXCLUDED.customer_ref)"
                + " RETURNING "
                + COLUMNS)
        .execute(Tuple.of(tenantId, gateway, externalSubscriptionId, customerRef))
        .map(rows -> toJson(rows.iterator().next()));
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject()
        .put("gateway", r.getString("gateway"))
        .put("externalSubscriptionId", r.getString("external_subscription_id"))
        .put("customerRef", r.getString("customer_ref"))
        .put("status", r.getString("status"))
        .put("currentPeriodEnd", iso(r.getOffsetDateTime("current_period_end")))
        .put("lastEventAt", iso(r.getOffsetDateTime("last_event_at")))
        .put("createdAt", iso(r.getOffsetDateTime("created_at")))
        .put("updatedAt", iso(r.getOffsetDateTime("updated_at")));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
