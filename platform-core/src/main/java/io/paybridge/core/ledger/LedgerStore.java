package io.paybridge.core.ledger;

import static io.paybridge.core.db.Rows.instant;

import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.EventKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Reads of the ledger, always scoped by tenant. */
public final class LedgerStore {

  private static final String ENTRY_COLUMNS =
      "id, gateway, kind, amount_minor, currency, external_payment_id, external_subscription_id, customer_ref,"
          + " email, contact, fee_minor, occurred_at, recorded_at, period_end, synced_at, entry_key";

  /** The kinds a customer's balance adds up. */
  private static final String[] BALANCE_KINDS =
      Arrays.stream(EventKind.values())
          .filter(EventKind::countsTowardBalance)
          .map(Enum::name)
          .toArray(String[]::new);

  /**
   * Filters of a listing; {@code null} fields do not filter.
   *
   * @param createdFrom recorded at or after
   * @param createdTo recorded before
   * @param paymentId the gateway's payment id: a payment with its refunds and disputes
   */
  public record Filter(
      String gateway,
      String kind,
      String customerRef,
      String currency,
      Instant createdFrom,
      Instant createdTo,
      String paymentId) {
    public static final Filter NONE = new Filter(null, null, null);

    public Filter(String gateway, String kind, String customerRef) {
      this(gateway, kind, customerRef, null, null, null, null);
    }
  }

  private final Pool pool;

  public LedgerStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Entries with an id below {@code before} (all when {@code null}), newest first; the page's key
   * is the id to continue below. Keyset pagination: pages stay stable while new entries arrive.
   */
  public Future<Page<Payment, Long>> list(UUID tenantId, Long before, int limit, Filter filter) {
    return list(tenantId, new PageRequest<>(before, null, limit), filter);
  }

  /**
   * A page of entries, newest first: after or before the entry the request names (by id). The
   * created range compares {@code recorded_at}; the planner serves it from the tenant's id index or
   * the block-range index on {@code recorded_at}, whichever reads less.
   */
  public Future<Page<Payment, Long>> list(UUID tenantId, PageRequest<Long> request, Filter filter) {
    boolean back = request.backwards();
    String sql =
        "SELECT "
            + ENTRY_COLUMNS
            + " FROM ledger_entries"
            + " WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id "
            + (back ? ">" : "<")
            + " $2)"
            + " AND ($3::text IS NULL OR gateway = $3) AND ($4::text IS NULL OR kind = $4)"
            + " AND ($5::text IS NULL OR customer_ref = $5)"
            + " AND ($6::text IS NULL OR currency = $6)"
            + " AND ($7::timestamptz IS NULL OR recorded_at >= $7)"
            + " AND ($8::timestamptz IS NULL OR recorded_at < $8)"
            + " AND ($10::text IS NULL OR external_payment_id = $10)"
            + " ORDER BY id "
            + (back ? "ASC" : "DESC")
            + " LIMIT $9";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.from(
                new Object[] {
                  tenantId,
                  request.from(),
                  filter.gateway(),
                  filter.kind(),
                  filter.customerRef(),
                  filter.currency(),
                  utc(filter.createdFrom()),
                  utc(filter.createdTo()),
                  request.limit() + 1,
                  filter.paymentId()
                }))
        .map(
            rows -> {
              List<Payment> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(payment(r)));
              return Page.of(fetched, request, Payment::id);
            });
  }

  private static java.time.OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
  }

  /** One entry of the tenant, or {@code null}. */
  public Future<Payment> find(UUID tenantId, long entryId) {
    return pool.preparedQuery(
            "SELECT " + ENTRY_COLUMNS + " FROM ledger_entries WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, entryId))
        .map(rows -> rows.size() == 0 ? null : payment(rows.iterator().next()));
  }

  /** The entries of one of the tenant's checkouts, oldest first. */
  public Future<List<Payment>> ofCheckout(UUID tenantId, UUID checkoutId) {
    return pool.preparedQuery(
            "SELECT "
                + ENTRY_COLUMNS
                + " FROM ledger_entries WHERE tenant_id = $1 AND checkout_id = $2 ORDER BY id")
        .execute(Tuple.of(tenantId, checkoutId))
        .map(
            rows -> {
              List<Payment> out = new ArrayList<>();
              rows.forEach(r -> out.add(payment(r)));
              return out;
            });
  }

  /** A customer's balance per currency: the sum of payment, charge and refund entries. */
  public Future<List<Balance>> balance(UUID tenantId, String customerRef) {
    return pool.preparedQuery(
            "SELECT currency, sum(amount_minor)::bigint FROM ledger_entries"
                + " WHERE tenant_id = $1 AND customer_ref = $2 AND kind = ANY($3) AND currency IS NOT NULL"
                + " GROUP BY currency ORDER BY currency")
        .execute(Tuple.of(tenantId, customerRef, BALANCE_KINDS))
        .map(
            rows -> {
              List<Balance> out = new ArrayList<>();
              rows.forEach(r -> out.add(new Balance(r.getString(0), r.getLong(1))));
              return out;
            });
  }

  private static Payment payment(Row r) {
    return payment(r, "id", "kind");
  }

  /**
   * A ledger entry read from a row that holds its columns, its id and kind under the names given (a
   * statement joining other tables renames the two columns other tables have too).
   */
  public static Payment payment(Row r, String idColumn, String kindColumn) {
    return new Payment(
        r.getLong(idColumn),
        r.getString("gateway"),
        r.getString(kindColumn),
        r.getLong("amount_minor"),
        r.getString("currency"),
        r.getString("external_payment_id"),
        r.getString("external_subscription_id"),
        r.getString("customer_ref"),
        r.getString("email"),
        r.getString("contact"),
        r.getLong("fee_minor"),
        instant(r, "occurred_at"),
        instant(r, "recorded_at"),
        instant(r, "period_end"),
        r.getOffsetDateTime("synced_at") != null,
        r.getString("entry_key"));
  }

  /**
   * Forgets the payer's e-mail address and contact details on entries recorded more than {@code
   * keep} ago, at most {@code batch} of them; the entries themselves, and the money, stay.
   *
   * @return how many entries were cleared
   */
  public Future<Integer> forgetPayerContact(Duration keep, int batch) {
    return pool.preparedQuery(
            "UPDATE ledger_entries SET email = NULL, contact = NULL WHERE id IN ("
                + " SELECT id FROM ledger_entries WHERE recorded_at < now() - $1 * interval '1"
                + " second' AND (email IS NOT NULL OR contact IS NOT NULL) LIMIT $2)")
        .execute(Tuple.of(keep.toSeconds(), batch))
        .map(rows -> rows.rowCount());
  }
}
