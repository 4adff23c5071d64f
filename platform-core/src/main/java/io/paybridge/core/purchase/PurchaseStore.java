package io.paybridge.core.purchase;

import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The SQL of purchases an app's backend hands over: the purchase remembered with its customer, its
 * ledger entry booked once per entry key with the entry's sync job, and the job that acknowledges
 * it to the store, all in one transaction. What the acknowledgement takes (a purchase token) is
 * sealed by the vault, opened only for the acknowledgement, and forgotten once it is made.
 */
public final class PurchaseStore {

  /** The job that acknowledges a booked purchase to its store. */
  public static final String ACKNOWLEDGE = "purchase_acknowledge";

  /**
   * Remembers a purchase for a customer, or finds whom it was first remembered for; a new
   * acknowledgement is kept (sealed) while the purchase is not acknowledged yet.
   */
  private static final String REMEMBER =
      """
      INSERT INTO app_purchases (tenant_id, gateway, purchase_ref, customer_ref, sealed_ack, key_id)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (tenant_id, gateway, purchase_ref) DO UPDATE SET
        sealed_ack = CASE WHEN EXCLUDED.sealed_ack IS NOT NULL
                           AND app_purchases.acknowledged_at IS NULL
                          THEN EXCLUDED.sealed_ack ELSE app_purchases.sealed_ack END,
        key_id = CASE WHEN EXCLUDED.sealed_ack IS NOT NULL AND app_purchases.acknowledged_at IS NULL
                      THEN EXCLUDED.key_id ELSE app_purchases.key_id END,
        updated_at = now()
      WHERE app_purchases.customer_ref = EXCLUDED.customer_ref
      RETURNING customer_ref""";

  /**
   * The entry and its sync job, once per entry key; a subscription's charge also records the
   * subscription, as the notification's would.
   */
  private static final String BOOK =
      """
      WITH led AS (
        INSERT INTO ledger_entries (tenant_id, gateway, entry_key, kind, amount_minor, currency,
                                    external_payment_id, external_subscription_id, customer_ref,
                                    occurred_at, period_end, purchase_ref)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING
        RETURNING id, tenant_id
      ), job AS (
        INSERT INTO jobs (kind, tenant_id, ref_id) SELECT 'sync', tenant_id, id FROM led
      ), sub AS (
        INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, customer_ref, status,
                                   current_period_end, last_event_at)
        SELECT $1, $2, $8, $9, 'active', $11, $10 FROM led WHERE $8::text IS NOT NULL
        ON CONFLICT (tenant_id, gateway, external_subscription_id) DO UPDATE SET
          customer_ref = COALESCE(subscriptions.customer_ref, EXCLUDED.customer_ref),
          status = CASE WHEN EXCLUDED.last_event_at >= subscriptions.last_event_at
                        THEN EXCLUDED.status ELSE subscriptions.status END,
          current_period_end = CASE WHEN EXCLUDED.last_event_at >= subscriptions.last_event_at
                        THEN COALESCE(EXCLUDED.current_period_end, subscriptions.current_period_end)
                        ELSE subscriptions.current_period_end END,
          last_event_at = GREATEST(subscriptions.last_event_at, EXCLUDED.last_event_at),
          updated_at = now()
      )
      SELECT id, true AS fresh, $9::text AS customer_ref FROM led
      UNION ALL
      SELECT id, false, customer_ref FROM ledger_entries
       WHERE tenant_id = $1 AND gateway = $2 AND entry_key = $3 AND NOT EXISTS (SELECT 1 FROM led)
      """;

  /**
   * The acknowledgement job of a purchase that has something to acknowledge; one outstanding per
   * purchase. The same statement queues it when a notification books a remembered purchase.
   */
  static final String QUEUE_ACKNOWLEDGEMENT =
      """
      INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
      SELECT 'purchase_acknowledge', a.tenant_id,
             jsonb_build_object('gateway', a.gateway, 'purchaseRef', a.purchase_ref),
             a.tenant_id || ':' || a.gateway || ':' || a.purchase_ref
      FROM app_purchases a
      WHERE a.tenant_id = $1 AND a.gateway = $2 AND a.purchase_ref = $3
        AND a.sealed_ack IS NOT NULL AND a.acknowledged_at IS NULL
      ON CONFLICT DO NOTHING""";

  /** Why a purchase was not booked for the customer it was handed over for. */
  public enum Conflict {
    /** It was booked for this customer (or is now). */
    NONE,
    /** It was handed over for another customer before. */
    HANDED_OVER_FOR_ANOTHER,
    /** The store's notification booked it for another customer. */
    BOOKED_FOR_ANOTHER,
    /** The store's notification booked it without a customer. */
    BOOKED_WITHOUT_CUSTOMER
  }

  /**
   * What booking a purchase did: the entry (new, or booked before), or the conflict that left
   * everything as it was.
   */
  public record Booking(long entryId, boolean fresh, Conflict conflict) {}

  /** Rolls a booking back: the purchase or its entry is not the customer's. */
  private static final class Conflicting extends RuntimeException {
    private final Booking booking;

    Conflicting(Booking booking) {
      super(booking.conflict().name(), null, false, false);
      this.booking = booking;
    }
  }

  private final Pool pool;
  private final CredentialVault vault;

  public PurchaseStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /**
   * Remembers a purchase for the customer and books its entry for them, in one transaction: the
   * entry once per entry key with its sync job, and the acknowledgement job when there is something
   * to acknowledge. A purchase first handed over for another customer, or whose entry the store's
   * notification booked for another customer or for none, changes nothing: the booking says which.
   */
  public Future<Booking> book(
      UUID tenantId, String gateway, PaymentEvent entry, JsonObject acknowledgement) {
    String customerRef = entry.customerRef();
    return pool.<Booking>withTransaction(
            conn ->
                remember(conn, tenantId, gateway, entry.purchaseRef(), customerRef, acknowledgement)
                    .compose(
                        owner ->
                            owner.equals(customerRef)
                                ? entry(conn, tenantId, gateway, entry)
                                : Future.failedFuture(
                                    new Conflicting(
                                        new Booking(0, false, Conflict.HANDED_OVER_FOR_ANOTHER))))
                    .compose(
                        booking ->
                            conn.preparedQuery(QUEUE_ACKNOWLEDGEMENT)
                                .execute(Tuple.of(tenantId, gateway, entry.purchaseRef()))
                                .map(booking)))
        .recover(
            err ->
                err instanceof Conflicting c
                    ? Future.succeededFuture(c.booking)
                    : Future.failedFuture(err));
  }

  /** The entry booked now, or the one booked before when it is the same customer's. */
  private static Future<Booking> entry(
      SqlClient conn, UUID tenantId, String gateway, PaymentEvent entry) {
    return conn.preparedQuery(BOOK)
        .execute(bookTuple(tenantId, gateway, entry))
        .compose(
            rows ->
                rows.size() == 1
                    ? Future.succeededFuture(rows.iterator().next())
                    // Booked by a transaction that committed after this statement began.
                    : conn.preparedQuery(
                            "SELECT id, false AS fresh, customer_ref FROM ledger_entries"
                                + " WHERE tenant_id = $1 AND gateway = $2 AND entry_key = $3")
                        .execute(Tuple.of(tenantId, gateway, entry.entryKey()))
                        .map(again -> again.iterator().next()))
        .compose(
            row -> {
              long id = row.getLong("id");
              String booked = row.getString("customer_ref");
              if (row.getBoolean("fresh") || entry.customerRef().equals(booked)) {
                return Future.succeededFuture(
                    new Booking(id, row.getBoolean("fresh"), Conflict.NONE));
              }
              Conflict conflict =
                  booked == null ? Conflict.BOOKED_WITHOUT_CUSTOMER : Conflict.BOOKED_FOR_ANOTHER;
              return Future.failedFuture(new Conflicting(new Booking(id, false, conflict)));
            });
  }

  /**
   * Remembers a purchase that is not paid yet for the customer, so that the store's notification
   * books it for them once it is.
   *
   * @return the customer the purchase is remembered for: this one, or the one it was first handed
   *     over for
   */
  public Future<String> hold(
      UUID tenantId,
      String gateway,
      String purchaseRef,
      String customerRef,
      JsonObject acknowledgement) {
    return remember(pool, tenantId, gateway, purchaseRef, customerRef, acknowledgement);
  }

  private Future<String> remember(
      SqlClient client,
      UUID tenantId,
      String gateway,
      String purchaseRef,
      String customerRef,
      JsonObject acknowledgement) {
    Buffer sealed = null;
    String keyId = null;
    if (acknowledgement != null) {
      CredentialVault.Sealed s = vault.seal(tenantId, purpose(gateway), acknowledgement);
      sealed = Buffer.buffer(s.ciphertext());
      keyId = s.keyId();
    }
    Tuple params =
        Tuple.tuple()
            .addUUID(tenantId)
            .addString(gateway)
            .addString(purchaseRef)
            .addString(customerRef)
            .addBuffer(sealed)
            .addString(keyId);
    return client
        .preparedQuery(REMEMBER)
        .execute(params)
        .compose(
            rows ->
                rows.size() == 1
                    ? Future.succeededFuture(rows.iterator().next().getString(0))
                    : owner(client, tenantId, gateway, purchaseRef));
  }

  private static Future<String> owner(
      SqlClient client, UUID tenantId, String gateway, String purchaseRef) {
    return client
        .preparedQuery(
            "SELECT customer_ref FROM app_purchases"
                + " WHERE tenant_id = $1 AND gateway = $2 AND purchase_ref = $3")
        .execute(Tuple.of(tenantId, gateway, purchaseRef))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /**
   * What acknowledging a purchase takes, opened; {@code null} when it is acknowledged already or
   * there is nothing to acknowledge.
   */
  public Future<JsonObject> acknowledgement(UUID tenantId, String gateway, String purchaseRef) {
    return pool.preparedQuery(
            "SELECT sealed_ack, key_id FROM app_purchases WHERE tenant_id = $1 AND gateway = $2"
                + " AND purchase_ref = $3 AND acknowledged_at IS NULL AND sealed_ack IS NOT NULL")
        .execute(Tuple.of(tenantId, gateway, purchaseRef))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return vault.open(
                  tenantId,
                  purpose(gateway),
                  row.getBuffer("sealed_ack").getBytes(),
                  row.getString("key_id"));
            });
  }

  /**
   * Notes that the store has the acknowledgement, and forgets what it took, fenced by the job's
   * claim.
   *
   * @return whether the purchase changed (false: acknowledged already, or the claim was lost)
   */
  public Future<Boolean> acknowledged(Job job, String gateway, String purchaseRef) {
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE app_purchases SET acknowledged_at = now(), sealed_ack = NULL,"
                + " key_id = NULL, updated_at = now()"
                + " WHERE tenant_id = $3 AND gateway = $4 AND purchase_ref = $5"
                + " AND acknowledged_at IS NULL AND EXISTS (SELECT 1 FROM claim)")
        .execute(Tuple.of(job.id(), job.claimToken(), job.tenantId(), gateway, purchaseRef))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Tuple bookTuple(UUID tenantId, String gateway, PaymentEvent e) {
    return Tuple.tuple()
        .addUUID(tenantId)
        .addString(gateway)
        .addString(e.entryKey())
        .addString(e.kind().name())
        .addLong(e.amountMinor())
        .addString(e.currency())
        .addString(e.externalPaymentId())
        .addString(e.externalSubscriptionId())
        .addString(e.customerRef())
        .addOffsetDateTime(e.occurredAt().atOffset(ZoneOffset.UTC))
        .addOffsetDateTime(e.periodEnd() == null ? null : e.periodEnd().atOffset(ZoneOffset.UTC))
        .addString(e.purchaseRef());
  }

  /** What the vault binds a sealed acknowledgement to besides the tenant. */
  private static String purpose(String gateway) {
    return "app-purchase:" + gateway;
  }
}
