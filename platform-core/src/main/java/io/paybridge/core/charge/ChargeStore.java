package io.paybridge.core.charge;

import io.paybridge.core.db.Rows;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.StoredPaymentMethods.ChargeOutcome;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

/**
 * The SQL of stored payment methods and charges. The gateway's customer and method ids are sealed
 * by the vault before they reach the database and opened only here, for a charge's attempt.
 *
 * <p>Every write an attempt makes names the attempt's job and claim token, so an attempt that
 * outlived its lease (a node paused past it, a gateway answering late) changes nothing: the worker
 * that took the job over decides.
 */
public final class ChargeStore {

  /** The job that tries a charge until the gateway settles it. */
  public static final String JOB_KIND = "charge";

  private static final String METHOD_COLUMNS =
      "customer_ref, gateway, brand, last4, created_at, updated_at";
  private static final String CHARGE_COLUMNS =
      "id, customer_ref, gateway, amount_minor, currency, description, status, gateway_payment_id,"
          + " failure_code, failure_message, created_at, updated_at";

  /** A charge that was just created, or the one an earlier request with the same key created. */
  public record Created(Charge charge, String fingerprint, Job firstAttempt) {
    /** Whether this request created the charge (and holds its first attempt's claim). */
    public boolean fresh() {
      return firstAttempt != null;
    }
  }

  /** A pending charge with what its attempt sends the gateway. */
  public record Attempt(UUID tenantId, Charge charge, String customer, String paymentMethod) {}

  private final Pool pool;
  private final CredentialVault vault;

  public ChargeStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /** Stores (or replaces) the customer's payment method. */
  public Future<StoredMethod> saveMethod(
      UUID tenantId,
      String customerRef,
      String gateway,
      String customer,
      String paymentMethod,
      String brand,
      String last4) {
    CredentialVault.Sealed sealed =
        vault.seal(
            tenantId,
            purpose(gateway),
            new JsonObject().put("customer", customer).put("paymentMethod", paymentMethod));
    return pool.preparedQuery(
            "INSERT INTO payment_methods (tenant_id, customer_ref, gateway, sealed, key_id, brand,"
                + " last4) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                + " ON CONFLICT (tenant_id, customer_ref) DO UPDATE SET gateway = EXCLUDED.gateway,"
                + " sealed = EXCLUDED.sealed, key_id = EXCLUDED.key_id, brand = EXCLUDED.brand,"
                + " last4 = EXCLUDED.last4, updated_at = now()"
                + " RETURNING "
                + METHOD_COLUMNS)
        .execute(
            Tuple.of(
                tenantId,
                customerRef,
                gateway,
                Buffer.buffer(sealed.ciphertext()),
                sealed.keyId(),
                brand,
                last4))
        .map(rows -> method(rows.iterator().next()));
  }

  /** The customer's stored method, or null. */
  public Future<StoredMethod> method(UUID tenantId, String customerRef) {
    return pool.preparedQuery(
            "SELECT "
                + METHOD_COLUMNS
                + " FROM payment_methods WHERE tenant_id = $1 AND customer_ref = $2")
        .execute(Tuple.of(tenantId, customerRef))
        .map(rows -> rows.size() == 0 ? null : method(rows.iterator().next()));
  }

  /**
   * The gateway's customer id behind the customer's stored method at {@code gateway}, opened; null
   * when the customer has none there. A new method for the customer is saved under it.
   */
  public Future<String> gatewayCustomer(UUID tenantId, String customerRef, String gateway) {
    return pool.preparedQuery(
            "SELECT sealed, key_id FROM payment_methods"
                + " WHERE tenant_id = $1 AND customer_ref = $2 AND gateway = $3")
        .execute(Tuple.of(tenantId, customerRef, gateway))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return vault
                  .open(
                      tenantId,
                      purpose(gateway),
                      row.getBuffer("sealed").getBytes(),
                      row.getString("key_id"))
                  .getString("customer");
            });
  }

  /** Removes the customer's stored method; whether there was one. */
  public Future<Boolean> removeMethod(UUID tenantId, String customerRef) {
    return pool.preparedQuery(
            "DELETE FROM payment_methods WHERE tenant_id = $1 AND customer_ref = $2")
        .execute(Tuple.of(tenantId, customerRef))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Creates the charge for this idempotency key from the customer's stored method, with its first
   * attempt's job claimed by {@code owner}, all in one transaction; or returns the charge an
   * earlier request with the same key created. Null when the key is new and the customer has no
   * stored method.
   */
  public Future<Created> create(
      UUID tenantId,
      String idempotencyKey,
      String fingerprint,
      NewCharge request,
      String owner,
      Duration lease) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "INSERT INTO charges (id, tenant_id, idempotency_key, fingerprint, customer_ref,"
                        + " gateway, sealed_method, key_id, amount_minor, currency, description)"
                        + " SELECT $1, $2, $3, $4, m.customer_ref, m.gateway, m.sealed, m.key_id,"
                        + " $6, $7, $8 FROM payment_methods m"
                        + " WHERE m.tenant_id = $2 AND m.customer_ref = $5"
                        + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING"
                        + " RETURNING "
                        + CHARGE_COLUMNS)
                .execute(
                    Tuple.of(
                        id,
                        tenantId,
                        idempotencyKey,
                        fingerprint,
                        request.customerRef(),
                        request.amountMinor(),
                        request.currency(),
                        request.description()))
                .compose(
                    rows -> {
                      if (rows.size() == 1) {
                        Charge charge = charge(rows.iterator().next());
                        return JobQueue.enqueueClaimed(
                                conn,
                                JOB_KIND,
                                tenantId,
                                new JsonObject().put("charge", id.toString()),
                                owner,
                                lease)
                            .map(job -> new Created(charge, fingerprint, job));
                      }
                      return earlier(conn, tenantId, idempotencyKey);
                    }));
  }

  private Future<Created> earlier(SqlClient conn, UUID tenantId, String idempotencyKey) {
    return conn.preparedQuery(
            "SELECT "
                + CHARGE_COLUMNS
                + ", fingerprint FROM charges WHERE tenant_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(tenantId, idempotencyKey))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Created(charge(row), row.getString("fingerprint"), null);
            });
  }

  /** The tenant's charge, or null. */
  public Future<Charge> find(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "SELECT " + CHARGE_COLUMNS + " FROM charges WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, id))
        .map(rows -> rows.size() == 0 ? null : charge(rows.iterator().next()));
  }

  /** The charge with the method its attempts send, opened; null when there is no such charge. */
  public Future<Attempt> attempt(UUID id) {
    return pool.preparedQuery(
            "SELECT "
                + CHARGE_COLUMNS
                + ", tenant_id, sealed_method, key_id FROM charges WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              UUID tenantId = row.getUUID("tenant_id");
              Charge charge = charge(row);
              JsonObject method =
                  vault.open(
                      tenantId,
                      purpose(charge.gateway()),
                      row.getBuffer("sealed_method").getBytes(),
                      row.getString("key_id"));
              return new Attempt(
                  tenantId,
                  charge,
                  method.getString("customer"),
                  method.getString("paymentMethod"));
            });
  }

  /**
   * Settles a pending charge as the gateway answered, fenced by the attempt's claim; a success
   * books its ledger entry (once: the gateway's webhook for the same payment carries the same entry
   * key) and the entry's sync job, in the same transaction.
   *
   * @return whether the charge changed (false: already settled, or the claim was lost)
   */
  public Future<Boolean> settle(Job job, UUID id, ChargeOutcome outcome) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    JobQueue.WITH_CLAIM
                        + "UPDATE charges SET status = $4,"
                        + " gateway_payment_id = coalesce($5, gateway_payment_id),"
                        + " failure_code = $6, failure_message = $7, last_error = NULL,"
                        + " attempts = attempts + 1, updated_at = now()"
                        + " WHERE id = $3 AND status = 'pending' AND EXISTS (SELECT 1 FROM claim)"
                        + " RETURNING tenant_id, gateway")
                .execute(
                    Tuple.of(
                        job.id(),
                        job.claimToken(),
                        id,
                        outcome.status().name().toLowerCase(Locale.ROOT),
                        outcome.gatewayPaymentId(),
                        Rows.clip(outcome.failureCode(), 100),
                        Rows.clip(outcome.failureMessage(), 1000)))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      Row row = rows.iterator().next();
                      if (outcome.booking() == null) {
                        return Future.succeededFuture(true);
                      }
                      return book(
                              conn,
                              row.getUUID("tenant_id"),
                              row.getString("gateway"),
                              id,
                              outcome.booking())
                          .map(true);
                    }));
  }

  private static Future<RowSet<Row>> book(
      SqlClient conn, UUID tenantId, String gateway, UUID chargeId, PaymentEvent e) {
    return conn.preparedQuery(
            "WITH led AS ("
                + " INSERT INTO ledger_entries (tenant_id, gateway, charge_id, entry_key, kind,"
                + " amount_minor, currency, external_payment_id, customer_ref, occurred_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                + " ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING RETURNING id, tenant_id)"
                + " INSERT INTO jobs (kind, tenant_id, ref_id) SELECT 'sync', tenant_id, id FROM led")
        .execute(
            Tuple.tuple()
                .addUUID(tenantId)
                .addString(gateway)
                .addUUID(chargeId)
                .addString(e.entryKey())
                .addString(e.kind().name())
                .addLong(e.amountMinor())
                .addString(e.currency())
                .addString(e.externalPaymentId())
                .addString(e.customerRef())
                .addOffsetDateTime(e.occurredAt().atOffset(ZoneOffset.UTC)));
  }

  /**
   * Notes an attempt that did not settle the charge (the gateway is still processing it, or could
   * not be asked), fenced by the attempt's claim.
   */
  public Future<Boolean> note(Job job, UUID id, String gatewayPaymentId, String error) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE charges SET gateway_payment_id = coalesce($4, gateway_payment_id),"
                + " last_error = $5, attempts = attempts + 1, updated_at = now()"
                + " WHERE id = $3 AND status = 'pending' AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), id, gatewayPaymentId, Rows.clip(error, 2000)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** What the vault binds a sealed method to besides the tenant: never a credential's purpose. */
  private static String purpose(String gateway) {
    return "payment-method:" + gateway;
  }

  private static StoredMethod method(Row row) {
    return new StoredMethod(
        row.getString("customer_ref"),
        row.getString("gateway"),
        row.getString("brand"),
        row.getString("last4"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }

  private static Charge charge(Row row) {
    return new Charge(
        row.getUUID("id"),
        row.getString("customer_ref"),
        row.getString("gateway"),
        row.getLong("amount_minor"),
        row.getString("currency"),
        row.getString("description"),
        row.getString("status"),
        row.getString("gateway_payment_id"),
        row.getString("failure_code"),
        row.getString("failure_message"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}
