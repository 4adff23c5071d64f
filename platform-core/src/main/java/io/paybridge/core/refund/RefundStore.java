package io.paybridge.core.refund;

import io.paybridge.core.db.Rows;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL of refund requests. A refund is opened under a lock on its payment's ledger row, so two
 * requests for one payment are decided one after the other and never refund together more than is
 * left; what is left counts the refunds the ledger holds for the payment and the refunds still open
 * at the gateway, each once. Every write an attempt makes names the attempt's job and claim token
 * ({@link JobQueue#WITH_CLAIM}), so an attempt that outlived its lease changes nothing.
 */
public final class RefundStore {

  /** The job that tries a refund until the gateway settles it. */
  public static final String JOB_KIND = "refund";

  /** The kinds of ledger entry a refund may be asked for: money the tenant received. */
  public static final Set<String> REFUNDABLE_KINDS = Set.of("PAYMENT", "RECURRING_CHARGED");

  private static final String COLUMNS =
      "r.id, r.payment_id, r.gateway, r.amount_minor, r.currency, r.reason, r.status,"
          + " r.gateway_refund_id, r.failure_code, r.failure_message, r.created_at, r.updated_at,"
          + " (SELECT l.id FROM ledger_entries l WHERE l.tenant_id = r.tenant_id"
          + " AND l.gateway = r.gateway AND l.entry_key = r.entry_key) AS entry_id";

  /**
   * What is left of a payment ({@code $5}, its amount): less the refunds the ledger holds for it
   * (by its gateway payment id {@code $3}, or by the entry key of one of its refund requests), plus
   * their reversals, less the refund requests still open at the gateway that no entry books yet.
   */
  private static final String LEFT =
      "SELECT $5::bigint"
          + " + coalesce((SELECT sum(l.amount_minor) FROM ledger_entries l"
          + " WHERE l.tenant_id = $1 AND l.gateway = $2 AND l.kind IN ('REFUND', 'REFUND_REVERSED')"
          + " AND (l.external_payment_id = $3 OR l.entry_key IN (SELECT r.entry_key FROM refunds r"
          + " WHERE r.payment_id = $4 AND r.entry_key IS NOT NULL))), 0)"
          + " - coalesce((SELECT sum(r.amount_minor) FROM refunds r"
          + " WHERE r.payment_id = $4 AND r.status IN ('requested', 'pending')"
          + " AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.tenant_id = r.tenant_id"
          + " AND l.gateway = r.gateway AND l.entry_key = r.entry_key)), 0)";

  private final Pool pool;

  public RefundStore(Pool pool) {
    this.pool = pool;
  }

  /** The tenant's ledger entry as a refund sees it, or null. */
  public Future<RefundedPayment> payment(UUID tenantId, long paymentId) {
    return payment(pool, tenantId, paymentId, "");
  }

  private static Future<RefundedPayment> payment(
      SqlClient client, UUID tenantId, long paymentId, String lock) {
    return client
        .preparedQuery(
            "SELECT id, gateway, kind, amount_minor, currency, external_payment_id, entry_key,"
                + " customer_ref FROM ledger_entries WHERE tenant_id = $1 AND id = $2"
                + lock)
        .execute(Tuple.of(tenantId, paymentId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new RefundedPayment(
                  r.getLong("id"),
                  r.getString("gateway"),
                  r.getString("kind"),
                  r.getLong("amount_minor"),
                  r.getString("currency"),
                  r.getString("external_payment_id"),
                  r.getString("entry_key"),
                  r.getString("customer_ref"));
            });
  }

  /**
   * Opens a refund of {@code amount} (null: all that is left) of the payment for this request key,
   * with its first attempt's job claimed by {@code owner}, in one transaction that holds the
   * payment's row; or answers the refund an earlier request with the same key opened, or why none
   * was opened.
   */
  public Future<Opened> open(
      UUID tenantId,
      long paymentId,
      String requestKey,
      String fingerprint,
      Long amount,
      String reason,
      String owner,
      Duration lease) {
    Ask ask = new Ask(tenantId, requestKey, fingerprint, amount, reason, owner, lease);
    return pool.withTransaction(
        conn ->
            payment(conn, tenantId, paymentId, " FOR NO KEY UPDATE")
                .compose(
                    p ->
                        earlier(conn, tenantId, requestKey)
                            .compose(earlier -> opened(conn, ask, p, earlier))));
  }

  /** What a request asks, as {@link #open} was given it. */
  private record Ask(
      UUID tenantId,
      String requestKey,
      String fingerprint,
      Long amount,
      String reason,
      String owner,
      Duration lease) {}

  private Future<Opened> opened(SqlClient conn, Ask ask, RefundedPayment p, Opened earlier) {
    if (earlier != null) {
      return Future.succeededFuture(earlier);
    }
    if (p == null) {
      return Future.succeededFuture(new Opened.NoPayment());
    }
    if (!p.refundable()) {
      return Future.succeededFuture(new Opened.NotRefundable(p.kind()));
    }
    return left(conn, ask.tenantId(), p).compose(left -> decide(conn, ask, p, left));
  }

  private Future<Opened> decide(SqlClient conn, Ask ask, RefundedPayment p, long left) {
    long asked = ask.amount() == null ? left : ask.amount();
    if (left <= 0 || asked > left) {
      return Future.succeededFuture(new Opened.Exceeds(Math.max(left, 0), p.currency()));
    }
    UUID id = UUID.randomUUID();
    UUID tenantId = ask.tenantId();
    return conn.preparedQuery(
            "INSERT INTO refunds (id, tenant_id, payment_id, gateway, amount_minor, currency,"
                + " reason, idempotency_key, request_key, fingerprint)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                + " ON CONFLICT (tenant_id, request_key) DO NOTHING RETURNING id")
        .execute(
            Tuple.from(
                new Object[] {
                  id,
                  tenantId,
                  p.id(),
                  p.gateway(),
                  asked,
                  p.currency(),
                  ask.reason(),
                  RefundAttempts.idempotencyKey(id),
                  ask.requestKey(),
                  ask.fingerprint()
                }))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                // the same key, committed meanwhile by a request for another payment
                return earlier(conn, tenantId, ask.requestKey());
              }
              return JobQueue.enqueueClaimed(
                      conn,
                      JOB_KIND,
                      tenantId,
                      new JsonObject().put("refund", id.toString()),
                      ask.owner(),
                      ask.lease())
                  .compose(
                      job -> find(conn, tenantId, id).map(r -> (Opened) new Opened.Made(r, job)));
            });
  }

  private static Future<Long> left(SqlClient conn, UUID tenantId, RefundedPayment p) {
    return conn.preparedQuery(LEFT)
        .execute(Tuple.of(tenantId, p.gateway(), p.externalPaymentId(), p.id(), p.amountMinor()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** What is left to refund of the tenant's payment now; null when there is no such payment. */
  public Future<Long> left(UUID tenantId, long paymentId) {
    return payment(tenantId, paymentId)
        .compose(
            p ->
                p == null || !p.refundable()
                    ? Future.succeededFuture((Long) null)
                    : left(pool, tenantId, p));
  }

  private static Future<Opened> earlier(SqlClient conn, UUID tenantId, String requestKey) {
    return conn.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", r.fingerprint FROM refunds r WHERE r.tenant_id = $1 AND r.request_key = $2")
        .execute(Tuple.of(tenantId, requestKey))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Opened.Earlier(refund(row), row.getString("fingerprint"));
            });
  }

  /** The tenant's refund, or null. */
  public Future<Refund> find(UUID tenantId, UUID id) {
    return find(pool, tenantId, id);
  }

  private static Future<Refund> find(SqlClient client, UUID tenantId, UUID id) {
    return client
        .preparedQuery("SELECT " + COLUMNS + " FROM refunds r WHERE r.tenant_id = $1 AND r.id = $2")
        .execute(Tuple.of(tenantId, id))
        .map(rows -> rows.size() == 0 ? null : refund(rows.iterator().next()));
  }

  /**
   * A page of the payment's refunds, newest first; the page's keys are refund ids, which must be
   * refunds of this payment.
   */
  public Future<Page<Refund, UUID>> list(UUID tenantId, long paymentId, PageRequest<UUID> request) {
    String order = request.backwards() ? "ASC" : "DESC";
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM refunds r WHERE r.tenant_id = $1 AND r.payment_id = $2"
            + " AND ($3::uuid IS NULL OR (r.created_at, r.id) "
            + (request.backwards() ? ">" : "<")
            + " (SELECT c.created_at, c.id FROM refunds c WHERE c.tenant_id = $1 AND c.id = $3))"
            + " ORDER BY r.created_at "
            + order
            + ", r.id "
            + order
            + " LIMIT $4";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(tenantId, paymentId, request.from(), request.limit() + 1))
        .map(
            rows -> {
              List<Refund> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(refund(r)));
              return Page.of(fetched, request, Refund::id);
            });
  }

  /** The refund with what its attempt sends the gateway; null when there is no such refund. */
  public Future<OpenRefund> attempt(UUID id) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", r.tenant_id, r.idempotency_key, l.entry_key AS payment_entry_key,"
                + " l.external_payment_id, l.customer_ref"
                + " FROM refunds r JOIN ledger_entries l ON l.id = r.payment_id WHERE r.id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new OpenRefund(
                  row.getUUID("tenant_id"),
                  refund(row),
                  row.getString("idempotency_key"),
                  row.getString("payment_entry_key"),
                  row.getString("external_payment_id"),
                  row.getString("customer_ref"));
            });
  }

  /**
   * Records how the gateway answered an open refund, fenced by the attempt's claim: pending keeps
   * it open with the gateway's refund id and entry key; succeeded books its ledger entry (once: the
   * gateway's webhook for the same refund carries the same entry key) and the entry's sync job, in
   * the same transaction; failed keeps the gateway's code and message. A settled refund never
   * changes again.
   *
   * @return whether the refund changed (false: already settled, or the claim was lost)
   */
  public Future<Boolean> settle(Job job, UUID id, RefundOutcome outcome) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    JobQueue.WITH_CLAIM
                        + "UPDATE refunds SET status = $4,"
                        + " gateway_refund_id = coalesce($5, gateway_refund_id),"
                        + " entry_key = coalesce($6, entry_key), failure_code = $7,"
                        + " failure_message = $8, last_error = NULL, attempts = attempts + 1,"
                        + " updated_at = now()"
                        + " WHERE id = $3 AND status IN ('requested', 'pending')"
                        + " AND EXISTS (SELECT 1 FROM claim)"
                        + " RETURNING tenant_id, gateway")
                .execute(
                    Tuple.from(
                        new Object[] {
                          job.id(),
                          job.claimToken(),
                          id,
                          outcome.status().name().toLowerCase(Locale.ROOT),
                          outcome.gatewayRefundId(),
                          outcome.entryKey(),
                          Rows.clip(outcome.code(), 100),
                          Rows.clip(outcome.message(), 1000)
                        }))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      if (outcome.booking() == null) {
                        return Future.succeededFuture(true);
                      }
                      Row row = rows.iterator().next();
                      return book(
                              conn,
                              row.getUUID("tenant_id"),
                              row.getString("gateway"),
                              id,
                              outcome.booking())
                          .map(true);
                    }));
  }

  private static Future<Void> book(
      SqlClient conn, UUID tenantId, String gateway, UUID refundId, PaymentEvent e) {
    return conn.preparedQuery(
            "WITH led AS ("
                + " INSERT INTO ledger_entries (tenant_id, gateway, refund_id, entry_key, kind,"
                + " amount_minor, currency, external_payment_id, customer_ref, occurred_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                + " ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING RETURNING id, tenant_id)"
                + " INSERT INTO jobs (kind, tenant_id, ref_id) SELECT 'sync', tenant_id, id FROM led")
        .execute(
            Tuple.tuple()
                .addUUID(tenantId)
                .addString(gateway)
                .addUUID(refundId)
                .addString(e.entryKey())
                .addString(e.kind().name())
                .addLong(e.amountMinor())
                .addString(e.currency())
                .addString(e.externalPaymentId())
                .addString(e.customerRef())
                .addOffsetDateTime(e.occurredAt().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /**
   * Notes an attempt that did not settle the refund (the gateway could not be asked, or did not
   * say), fenced by the attempt's claim.
   */
  public Future<Boolean> note(Job job, UUID id, String error) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE refunds SET last_error = $4, attempts = attempts + 1, updated_at = now()"
                + " WHERE id = $3 AND status IN ('requested', 'pending')"
                + " AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), id, Rows.clip(error, 2000)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Refund refund(Row row) {
    return new Refund(
        row.getUUID("id"),
        row.getLong("payment_id"),
        row.getString("gateway"),
        row.getLong("amount_minor"),
        row.getString("currency"),
        row.getString("reason"),
        row.getString("status"),
        row.getString("gateway_refund_id"),
        row.getLong("entry_id"),
        row.getString("failure_code"),
        row.getString("failure_message"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}
