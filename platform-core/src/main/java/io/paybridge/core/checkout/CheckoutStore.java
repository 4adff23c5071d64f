package io.paybridge.core.checkout;

import io.paybridge.core.db.Rows;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of checkouts as the tenant's requests write them: one checkout per idempotency key, the
 * start at the gateway held by one request at a time ({@code start_token}, until {@code
 * start_until}), the client fields sealed by the credential vault, reads and listings. What capture
 * and cancellation jobs write is {@link CheckoutAttemptStore}'s; what webhooks write is the group
 * commit's ({@code RecordSql}, with {@link CheckoutMoves}).
 */
public final class CheckoutStore {

  static final String COLUMNS =
      "id, gateway, customer_ref, amount_minor, currency, description, return_url, status,"
          + " reference, paid_minor, refunded_minor, failure_code, failure_message, last_error,"
          + " created_at, updated_at";

  /**
   * A checkout that was just created or that an earlier request with the same key created.
   *
   * @param startToken the token of this request's hold on starting it; null when it holds none
   */
  public record Created(Checkout checkout, String fingerprint, UUID startToken) {}

  /** Optional filters of a listing; {@code null} fields do not filter. */
  public record Filter(String gateway, String status, String customerRef) {
    public static final Filter NONE = new Filter(null, null, null);
  }

  private final Pool pool;
  private final CredentialVault vault;

  public CheckoutStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /**
   * Creates the checkout of this idempotency key, held for starting by this request for {@code
   * lease}; or returns, with its client fields opened, the one an earlier request with the same key
   * created.
   */
  public Future<Created> create(
      UUID tenantId,
      String idempotencyKey,
      String fingerprint,
      NewCheckout request,
      Duration lease) {
    return pool.preparedQuery(
            "INSERT INTO checkouts (id, tenant_id, idempotency_key, fingerprint, gateway,"
                + " customer_ref, amount_minor, currency, description, return_url, start_token,"
                + " start_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                + " gen_random_uuid(), now() + $11 * interval '1 millisecond')"
                + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING "
                + COLUMNS
                + ", start_token")
        .execute(
            Tuple.from(
                new Object[] {
                  UUID.randomUUID(),
                  tenantId,
                  idempotencyKey,
                  fingerprint,
                  request.gateway(),
                  request.customerRef(),
                  request.amountMinor(),
                  request.currency(),
                  request.description(),
                  request.returnUrl(),
                  lease.toMillis()
                }))
        .compose(
            rows -> {
              if (rows.size() == 1) {
                Row row = rows.iterator().next();
                return Future.succeededFuture(
                    new Created(checkout(row, null), fingerprint, row.getUUID("start_token")));
              }
              return earlier(tenantId, idempotencyKey);
            });
  }

  private Future<Created> earlier(UUID tenantId, String idempotencyKey) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", fingerprint, tenant_id, client_sealed, key_id FROM checkouts"
                + " WHERE tenant_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(tenantId, idempotencyKey))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return new Created(withClient(row), row.getString("fingerprint"), null);
            });
  }

  /**
   * Takes the hold on starting a checkout again: one whose start failed for a reason that may pass,
   * or whose holder's lease ran out (a node that died while starting it). Null when another request
   * holds it or it needs no start.
   */
  public Future<UUID> reclaim(UUID tenantId, UUID id, Duration lease) {
    return pool.preparedQuery(
            "UPDATE checkouts SET status = 'starting', start_token = gen_random_uuid(),"
                + " start_until = now() + $3 * interval '1 millisecond', updated_at = now()"
                + " WHERE tenant_id = $1 AND id = $2 AND (status = 'failed_to_start'"
                + " OR (status = 'starting' AND start_until < now())) RETURNING start_token")
        .execute(Tuple.of(tenantId, id, lease.toMillis()))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  /**
   * Records what the gateway opened, if this request still holds the start: the reference and the
   * sealed client fields; the checkout is open. Fails with the database's unique violation when
   * another checkout of the tenant has this reference.
   *
   * @return the checkout with its client fields, or null when the hold was lost
   */
  public Future<Checkout> started(
      UUID tenantId, UUID id, UUID token, String reference, JsonObject client) {
    CredentialVault.Sealed sealed = vault.seal(tenantId, purpose(id), client);
    return pool.preparedQuery(
            "UPDATE checkouts SET status = 'open', reference = $4, client_sealed = $5, key_id = $6,"
                + " start_token = NULL, start_until = NULL, last_error = NULL, updated_at = now()"
                + " WHERE tenant_id = $1 AND id = $2 AND start_token = $3 AND status = 'starting'"
                + " RETURNING "
                + COLUMNS)
        .execute(
            Tuple.of(
                tenantId, id, token, reference, Buffer.buffer(sealed.ciphertext()), sealed.keyId()))
        .map(rows -> rows.size() == 0 ? null : checkout(rows.iterator().next(), client.copy()));
  }

  /**
   * Gives up the hold after a failure that may pass: the checkout waits for the same request again.
   */
  public Future<Checkout> notStarted(UUID tenantId, UUID id, UUID token, String error) {
    return endStart(
        "status = 'failed_to_start', last_error = $4",
        Tuple.of(tenantId, id, token, Rows.clip(error, 2000)));
  }

  /** Gives up the hold after the gateway refused to open the checkout: it failed for good. */
  public Future<Checkout> refused(UUID tenantId, UUID id, UUID token, String code, String message) {
    return endStart(
        "status = 'failed', failure_code = $4, failure_message = $5, last_error = NULL",
        Tuple.of(tenantId, id, token, Rows.clip(code, 100), Rows.clip(message, 1000)));
  }

  private Future<Checkout> endStart(String set, Tuple params) {
    return pool.preparedQuery(
            "UPDATE checkouts SET "
                + set
                + ", start_token = NULL, start_until = NULL, updated_at = now()"
                + " WHERE tenant_id = $1 AND id = $2 AND start_token = $3 AND status = 'starting'"
                + " RETURNING "
                + COLUMNS)
        .execute(params)
        .map(rows -> rows.size() == 0 ? null : checkout(rows.iterator().next(), null));
  }

  /** The tenant's checkout with its client fields opened, or null. */
  public Future<Checkout> find(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", tenant_id, client_sealed, key_id FROM checkouts WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, id))
        .map(rows -> rows.size() == 0 ? null : withClient(rows.iterator().next()));
  }

  /**
   * The tenant's checkouts after {@code startingAfter} (from the newest when {@code null}), newest
   * first, without client fields; the page's key is the id to continue after.
   */
  public Future<Page<Checkout, UUID>> list(
      UUID tenantId, Filter filter, UUID startingAfter, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM checkouts WHERE tenant_id = $1"
                + " AND ($2::text IS NULL OR gateway = $2) AND ($3::text IS NULL OR status = $3)"
                + " AND ($4::text IS NULL OR customer_ref = $4) AND ($5::uuid IS NULL"
                + " OR (created_at, id) < (SELECT s.created_at, s.id FROM checkouts s"
                + " WHERE s.tenant_id = $1 AND s.id = $5))"
                + " ORDER BY created_at DESC, id DESC LIMIT $6")
        .execute(
            Tuple.from(
                new Object[] {
                  tenantId,
                  filter.gateway(),
                  filter.status(),
                  filter.customerRef(),
                  startingAfter,
                  limit + 1
                }))
        .map(
            rows -> {
              List<Checkout> fetched = new ArrayList<>();
              rows.forEach(r -> fetched.add(checkout(r, null)));
              return Page.of(fetched, limit, Checkout::id);
            });
  }

  /**
   * Sets the reference of an open checkout whose gateway gave none (its start gave the checkout's
   * own id), once; the same reference again changes nothing. Fails with the database's unique
   * violation when another checkout of the tenant has it.
   *
   * @return the checkout when the reference is now this one, else null (not found, another
   *     reference set, or not open)
   */
  public Future<Checkout> registerReference(UUID tenantId, UUID id, String reference) {
    return pool.preparedQuery(
            "UPDATE checkouts SET reference = $3, updated_at = now()"
                + " WHERE tenant_id = $1 AND id = $2 AND status = 'open'"
                + " AND (reference IS NULL OR reference = id::text OR reference = $3)"
                + " RETURNING "
                + COLUMNS)
        .execute(Tuple.of(tenantId, id, reference))
        .map(rows -> rows.size() == 0 ? null : checkout(rows.iterator().next(), null));
  }

  private Checkout withClient(Row row) {
    Buffer sealed = row.getBuffer("client_sealed");
    UUID id = row.getUUID("id");
    JsonObject client =
        sealed == null
            ? null
            : vault.open(
                row.getUUID("tenant_id"), purpose(id), sealed.getBytes(), row.getString("key_id"));
    return checkout(row, client);
  }

  /**
   * What the vault binds a checkout's client fields to besides the tenant: the checkout, so sealed
   * fields cannot be moved to another one.
   */
  private static String purpose(UUID checkoutId) {
    return "checkout-client:" + checkoutId;
  }

  static Checkout checkout(Row row, JsonObject client) {
    return new Checkout(
        row.getUUID("id"),
        row.getString("gateway"),
        row.getString("customer_ref"),
        row.getLong("amount_minor"),
        row.getString("currency"),
        row.getString("description"),
        row.getString("return_url"),
        row.getString("status"),
        row.getString("reference"),
        client,
        row.getLong("paid_minor"),
        row.getLong("refunded_minor"),
        row.getString("failure_code"),
        row.getString("failure_message"),
        row.getString("last_error"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}
