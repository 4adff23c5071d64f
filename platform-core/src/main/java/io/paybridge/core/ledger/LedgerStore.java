package io.paybridge.core.ledger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads of the ledger, always scoped by tenant. */
public final class LedgerStore {

  private static final String ENTRY_COLUMNS =
      "id, gateway, kind, amount_minor, currency, external_payment_id, external_subscription_id, customer_ref,"
          + " email, contact, fee_minor, occurred_at, recorded_at, period_end, synced_at";

  /** The kinds a customer's balance adds up. */
  private static final String[] BALANCE_KINDS =
      java.util.Arrays.stream(io.paybridge.spi.EventKind.values())
          .filter(io.paybridge.spi.EventKind::countsTowardBalance)
          .map(Enum::name)
          .toArray(String[]::new);

  /** One page of entries, newest first, and the id to continue below (or {@code null}). */
  public record Page(List<JsonObject> entries, Long nextBefore) {}

  /** Optional filters of a listing. */
  public record Filter(String gateway, String kind, String customerRef) {
    public static final Filter NONE = new Filter(null, null, null);
  }

  private final Pool pool;

  public LedgerStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Entries with an id below {@code before} (all when {@code null}), newest first. Keyset
   * pagination: pages stay stable while new entries arrive.
   */
  public Future<Page> list(UUID tenantId, Long before, int limit, Filter filter) {
    String sql =
        "SELECT "
            + ENTRY_COLUMNS
            + " FROM ledger_entries"
            + " WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2)"
            + " AND ($3::text IS NULL OR gateway = $3) AND ($4::text IS NULL OR kind = $4)"
            + " AND ($5::text IS NULL OR customer_ref = $5)"
            + " ORDER BY id DESC LIMIT $6";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.of(
                tenantId, before, filter.gateway(), filter.kind(), filter.customerRef(), limit + 1))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              Long next = null;
              for (Row r : rows) {
                if (out.size() == limit) {
                  next = out.get(out.size() - 1).getLong("_id");
                  break;
                }
                out.add(toJson(r));
              }
              out.forEach(o -> o.remove("_id"));
              return new Page(out, next);
            });
  }

  /** One entry as the payments API shows it, or {@code null}. */
  public Future<JsonObject> find(UUID tenantId, long entryId) {
    return pool.preparedQuery(
            "SELECT " + ENTRY_COLUMNS + " FROM ledger_entries WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, entryId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              JsonObject o = toJson(rows.iterator().next());
              o.remove("_id");
              return o;
            });
  }

  /** A customer's balance per currency: the sum of payment, charge and refund entries. */
  public Future<JsonArray> balance(UUID tenantId, String customerRef) {
    return pool.preparedQuery(
            "SELECT currency, sum(amount_minor)::bigint FROM ledger_entries"
                + " WHERE tenant_id = $1 AND customer_ref = $2 AND kind = ANY($3) AND currency IS NOT NULL"
                + " GROUP BY currency ORDER BY currency")
        .execute(Tuple.of(tenantId, customerRef, BALANCE_KINDS))
        .map(
            rows -> {
              JsonArray out = new JsonArray();
              for (Row r : rows) {
                out.add(
                    new JsonObject()
                        .put("currency", r.getString(0))
                        .put("amountMinor", r.getLong(1)));
              }
              return out;
            });
  }

  private static JsonObject toJson(Row r) {
    long id = r.getLong("id");
    return new JsonObject()
        .put("_id", id)
        .put("id", String.valueOf(id))
        .put("gateway", r.getString("gateway"))
        .put("kind", r.getString("kind"))
        .put("amountMinor", r.getLong("amount_minor"))
        .put("currency", r.getString("currency"))
        .put("externalPaymentId", r.getString("external_payment_id"))
        .put("externalSubscriptionId", r.getString("external_subscription_id"))
        .put("customerRef", r.getString("customer_ref"))
        .put("email", r.getString("email"))
        .put("contact", r.getString("contact"))
        .put("feeMinor", r.getLong("fee_minor"))
        .put("occurredAt", iso(r.getOffsetDateTime("occurred_at")))
        .put("recordedAt", iso(r.getOffsetDateTime("recorded_at")))
        .put("periodEnd", iso(r.getOffsetDateTime("period_end")))
        .put("synced", r.getOffsetDateTime("synced_at") != null);
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
