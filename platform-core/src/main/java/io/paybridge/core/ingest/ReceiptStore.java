package io.paybridge.core.ingest;

import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQL of webhook receipts: one row for every request that reached a hook URL, with its verdict.
 * New deliveries that verify are written by the group commit ({@link RecordSql}); this store writes
 * the rest (rejected deliveries, duplicates, signed delivery ids), reads receipts for the API and
 * the console, and enforces retention. Processing a stored receipt again is {@link
 * ReprocessStore}'s.
 */
public final class ReceiptStore {

  /** A receipt as listed. */
  public record Receipt(
      long id,
      String gateway,
      String verdict,
      String reason,
      String hold,
      String eventId,
      String eventType,
      String remote,
      Instant receivedAt,
      Instant processedAt,
      Long duplicateOf,
      String cause) {}

  /** An entry a receipt booked. */
  public record BookedEntry(
      long id,
      String kind,
      String entryKey,
      Long amountMinor,
      String currency,
      String externalPaymentId,
      String customerRef) {}

  /** A receipt with what was received and what it booked. */
  public record Detail(Receipt receipt, Buffer body, String headers, List<BookedEntry> booked) {}

  /**
   * Filters of a listing; {@code null} fields do not filter.
   *
   * @param createdFrom inclusive
   * @param createdTo exclusive
   */
  public record Filter(
      String verdict, String gateway, String eventType, Instant createdFrom, Instant createdTo) {
    public static final Filter NONE = new Filter(null, null, null, null, null);
  }

  private static final String COLUMNS =
      "r.id, r.gateway, r.verdict, r.reason, r.hold, COALESCE(r.event_id, o.event_id) AS event_id,"
          + " r.event_type, r.remote, r.received_at, r.processed_at, r.duplicate_of, r.cause";

  private static final String FROM =
      " FROM webhook_receipts r LEFT JOIN webhook_receipts o"
          + " ON o.id = r.duplicate_of AND o.tenant_id = r.tenant_id";

  /**
   * Days a signed delivery id is remembered: longer than any plugin's freshness window (PayPal's is
   * 4 days), so an id cannot be reused with another body while its signature is still fresh.
   */
  static final int SIGNED_DELIVERY_DAYS = 8;

  /** How many of a tenant's newest receipts {@link #latest} looks through. */
  static final int LATEST_WINDOW = 1000;

  private final Pool pool;

  public ReceiptStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * A delivery refused before it could be booked: not authentic, a body the gateway did not send,
   * or one the platform could not read. The body is kept only when given (authenticated
   * deliveries).
   *
   * @param cause the kind of refusal ({@code wrong_secret}, {@code malformed}, …), or {@code null}
   */
  public Future<Long> rejected(
      UUID tenantId,
      String gateway,
      String reason,
      String cause,
      String eventType,
      Buffer body,
      String headers,
      String remote,
      String query) {
    return pool.preparedQuery(
            "INSERT INTO webhook_receipts (tenant_id, gateway, event_type, raw_body, verdict, reason,"
                + " headers, remote, query, cause)"
                + " VALUES ($1, $2, $3, $4, 'rejected', $5, $6::text::jsonb, $7, $8, $9) RETURNING id")
        .execute(
            Tuple.from(
                new Object[] {
                  tenantId,
                  gateway,
                  clip(eventType),
                  body,
                  clip(reason),
                  headers,
                  clip(remote),
                  query,
                  cause
                }))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A delivery of an event already received: a receipt naming the one it repeats. */
  public Future<Long> duplicate(
      UUID tenantId, String gateway, ParsedWebhook parsed, String remote) {
    return pool.preparedQuery(
            "INSERT INTO webhook_receipts (tenant_id, gateway, event_type, verdict, reason, remote,"
                + " duplicate_of)"
                + " SELECT $1, $2, $3, 'duplicate', $4, $5,"
                + " (SELECT id FROM webhook_receipts WHERE tenant_id = $1 AND gateway = $2"
                + " AND event_id = $6) RETURNING id")
        .execute(
            Tuple.of(
                tenantId,
                gateway,
                parsed.eventType(),
                duplicateReason(parsed.eventId()),
                clip(remote),
                parsed.eventId()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Claims a gateway's signed delivery id for this body: {@code true} when the id is new or was
   * seen with the same body, {@code false} when it came before with another body (a forgery that
   * kept the signed headers).
   */
  public Future<Boolean> claimSignedDelivery(
      UUID tenantId, String gateway, String deliveryId, byte[] bodySha256) {
    return pool.preparedQuery(
            "INSERT INTO signed_deliveries (tenant_id, gateway, delivery_id, body_sha256)"
                + " VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, gateway, delivery_id)"
                + " DO UPDATE SET delivery_id = EXCLUDED.delivery_id RETURNING body_sha256")
        .execute(Tuple.of(tenantId, gateway, deliveryId, Buffer.buffer(bodySha256)))
        .map(
            rows ->
                java.security.MessageDigest.isEqual(
                    rows.iterator().next().getBuffer(0).getBytes(), bodySha256));
  }

  /**
   * The tenant's receipts with an id below {@code startingAfter} (all when {@code null}), newest
   * first; the page's key is the id to continue below.
   */
  public Future<Page<Receipt, Long>> list(
      UUID tenantId, Filter filter, Long startingAfter, int limit) {
    return list(tenantId, filter, new PageRequest<>(startingAfter, null, limit));
  }

  /**
   * A page of the tenant's receipts, newest first, after or before the receipt the request names.
   */
  public Future<Page<Receipt, Long>> list(UUID tenantId, Filter filter, PageRequest<Long> request) {
    boolean back = request.backwards();
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + FROM
                + " WHERE r.tenant_id = $1 AND ($2::bigint IS NULL OR r.id "
                + (back ? ">" : "<")
                + " $2)"
                + " AND ($3::text IS NULL OR r.verdict = $3) AND ($4::text IS NULL OR r.gateway = $4)"
                + " AND ($5::text IS NULL OR r.event_type = $5)"
                + " AND ($6::timestamptz IS NULL OR r.received_at >= $6)"
                + " AND ($7::timestamptz IS NULL OR r.received_at < $7)"
                + " ORDER BY r.id "
                + (back ? "ASC" : "DESC")
                + " LIMIT $8")
        .execute(
            Tuple.from(
                new Object[] {
                  tenantId,
                  request.from(),
                  filter.verdict(),
                  filter.gateway(),
                  filter.eventType(),
                  utc(filter.createdFrom()),
                  utc(filter.createdTo()),
                  request.limit() + 1
                }))
        .map(
            rows -> {
              List<Receipt> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(receipt(r)));
              return Page.of(fetched, request, Receipt::id);
            });
  }

  /** One receipt of the tenant with its body, headers and booked entries, or {@code null}. */
  public Future<Detail> get(UUID tenantId, long id) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", r.raw_body, r.headers::text"
                + FROM
                + " WHERE r.tenant_id = $1 AND r.id = $2")
        .execute(Tuple.of(tenantId, id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(null);
              }
              Row row = rows.iterator().next();
              return booked(tenantId, id)
                  .map(
                      entries ->
                          new Detail(
                              receipt(row),
                              row.getBuffer("raw_body"),
                              row.getString("headers"),
                              entries));
            });
  }

  private Future<List<BookedEntry>> booked(UUID tenantId, long receiptId) {
    return pool.preparedQuery(
            "SELECT id, kind, entry_key, amount_minor, currency, external_payment_id, customer_ref"
                + " FROM ledger_entries WHERE tenant_id = $1 AND receipt_id = $2 ORDER BY id")
        .execute(Tuple.of(tenantId, receiptId))
        .map(
            rows -> {
              List<BookedEntry> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new BookedEntry(
                        r.getLong("id"),
                        r.getString("kind"),
                        r.getString("entry_key"),
                        r.getLong("amount_minor"),
                        r.getString("currency"),
                        r.getString("external_payment_id"),
                        r.getString("customer_ref")));
              }
              return out;
            });
  }

  /**
   * The receipts of the tenant that concern a checkout, with the duplicates that repeat them,
   * oldest first, at most {@code limit}.
   */
  public Future<List<Receipt>> ofCheckout(UUID tenantId, UUID checkoutId, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + FROM
                + " WHERE r.tenant_id = $1 AND (r.checkout_id = $2 OR r.duplicate_of IN"
                + " (SELECT c.id FROM webhook_receipts c WHERE c.tenant_id = $1"
                + " AND c.checkout_id = $2)) ORDER BY r.id LIMIT $3")
        .execute(Tuple.of(tenantId, checkoutId, limit))
        .map(
            rows -> {
              List<Receipt> out = new ArrayList<>();
              rows.forEach(r -> out.add(receipt(r)));
              return out;
            });
  }

  /**
   * The newest receipt of the tenant's account at a gateway, among the tenant's latest {@value
   * #LATEST_WINDOW} receipts (so that the look-up stays cheap on the tenant's index, whatever its
   * other gateways receive); {@code null} when there is none among them.
   */
  public Future<Receipt> latest(UUID tenantId, String gateway) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM (SELECT * FROM webhook_receipts WHERE tenant_id = $1 ORDER BY id DESC"
                + " LIMIT "
                + LATEST_WINDOW
                + ") r LEFT JOIN webhook_receipts o ON o.id = r.duplicate_of"
                + " AND o.tenant_id = r.tenant_id WHERE r.gateway = $2 ORDER BY r.id DESC LIMIT 1")
        .execute(Tuple.of(tenantId, gateway))
        .map(rows -> rows.size() == 0 ? null : receipt(rows.iterator().next()));
  }

  /** How many receipts the tenant's account at a gateway holds with the given hold code. */
  public Future<Long> heldWith(UUID tenantId, String gateway, String hold) {
    return pool.preparedQuery(
            "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND gateway = $2"
                + " AND verdict = 'held' AND hold = $3")
        .execute(Tuple.of(tenantId, gateway, hold))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** How many receipts each of the tenant's gateway accounts holds, by gateway. */
  public Future<Map<String, Long>> heldCounts(UUID tenantId) {
    return pool.preparedQuery(
            "SELECT gateway, count(*) FROM webhook_receipts WHERE tenant_id = $1"
                + " AND verdict = 'held' GROUP BY gateway ORDER BY gateway")
        .execute(Tuple.of(tenantId))
        .map(
            rows -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
              return out;
            });
  }

  /**
   * Enforces retention: receipts of rejected and duplicate deliveries older than {@code retention}
   * go, and so do deliveries held unverified that long (the account never got the secret they are
   * verified with); the others keep their verdict and what they booked, without body and headers.
   * Held receipts keep their body until they are booked, so nothing a tenant can still fix is lost.
   *
   * @return rows changed
   */
  public Future<Integer> purge(Duration retention) {
    Tuple cutoff = Tuple.of(retention.toSeconds());
    return pool.preparedQuery(
            "DELETE FROM webhook_receipts WHERE received_at < now() - $1 * interval '1 second'"
                + " AND (verdict IN ('rejected', 'duplicate')"
                + " OR (verdict = 'held' AND hold = '"
                + ParsedWebhook.NEEDS_WEBHOOK_SECRET
                + "'))"
                + " AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.receipt_id ="
                + " webhook_receipts.id)")
        .execute(cutoff)
        .compose(
            deleted ->
                pool.preparedQuery(
                        "UPDATE webhook_receipts SET raw_body = NULL, headers = NULL"
                            + " WHERE received_at < now() - $1 * interval '1 second'"
                            + " AND verdict <> 'held' AND (raw_body IS NOT NULL OR headers IS NOT"
                            + " NULL)")
                    .execute(cutoff)
                    .map(stripped -> deleted.rowCount() + stripped.rowCount()))
        .compose(
            changed ->
                pool.preparedQuery(
                        "DELETE FROM signed_deliveries WHERE received_at < now() - interval '"
                            + SIGNED_DELIVERY_DAYS
                            + " days'")
                    .execute()
                    .map(changed));
  }

  private static Receipt receipt(Row r) {
    OffsetDateTime processed = r.getOffsetDateTime("processed_at");
    return new Receipt(
        r.getLong("id"),
        r.getString("gateway"),
        r.getString("verdict"),
        r.getString("reason"),
        r.getString("hold"),
        r.getString("event_id"),
        r.getString("event_type"),
        r.getString("remote"),
        r.getOffsetDateTime("received_at").toInstant(),
        processed == null ? null : processed.toInstant(),
        r.getLong("duplicate_of"),
        r.getString("cause"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** The reason a duplicate's receipt gives. */
  static String duplicateReason(String eventId) {
    return "event " + clip(eventId) + " was received before; nothing new to book";
  }

  /** Text from a request, bounded, without characters that would forge log lines. */
  static String clip(String s) {
    if (s == null) {
      return null;
    }
    String bounded = s.length() <= 500 ? s : s.substring(0, 500);
    return bounded.replaceAll("[\\p{Cntrl}&&[^\\t]]", " ");
  }
}
