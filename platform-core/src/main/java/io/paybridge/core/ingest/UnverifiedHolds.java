package io.paybridge.core.ingest;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * The SQL of deliveries kept before their account can verify them: a gateway such as Stripe shows
 * the signing secret only once the webhook URL is registered, so its first deliveries may arrive
 * first. They are kept as held receipts ({@value ParsedWebhook#NEEDS_WEBHOOK_SECRET}) with body,
 * headers and query, without an event id (nothing about them is trusted yet), and verified when the
 * secret is saved ({@link Receipts#REPROCESS_HELD}).
 *
 * <p>An account without its secret is a URL anyone may post to, so what it keeps is bounded: at
 * most {@code cap} such receipts per account (a delivery beyond them is answered 503, so the
 * gateway delivers it again once the secret is saved), each within the webhook body limit, and
 * removed by retention like rejected ones.
 */
public final class UnverifiedHolds {

  /** Deliveries a node keeps unverified per account: a few days of a gateway's first retries. */
  public static final int PER_ACCOUNT = 100;

  private final Pool pool;
  private final int cap;

  /**
   * @param cap most deliveries kept unverified per account ({@link #PER_ACCOUNT}; tests use less)
   */
  public UnverifiedHolds(Pool pool, int cap) {
    this.pool = pool;
    this.cap = cap;
  }

  /** Most deliveries kept unverified per account. */
  public int cap() {
    return cap;
  }

  /**
   * Keeps a delivery the account cannot verify yet; {@code null} when the account keeps {@link
   * #cap} already (or is gone). Creations for one account take turns on its row, so parallel
   * deliveries never pass the cap. When the account was saved since {@code account} was read (its
   * secret may have arrived meanwhile), the processing of its held receipts is queued in the same
   * transaction, so this delivery is not left behind.
   */
  public Future<Long> hold(
      GatewayAccount account,
      String reason,
      Buffer body,
      String headers,
      String remote,
      String query) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT updated_at FROM gateway_accounts WHERE tenant_id = $1 AND gateway = $2"
                        + " FOR UPDATE")
                .execute(Tuple.of(account.tenantId(), account.gateway()))
                .compose(
                    locked -> {
                      if (locked.size() == 0) {
                        return Future.succeededFuture(null);
                      }
                      OffsetDateTime saved = locked.iterator().next().getOffsetDateTime(0);
                      return conn.preparedQuery(
                              "INSERT INTO webhook_receipts (tenant_id, gateway, raw_body, verdict,"
                                  + " reason, hold, headers, remote, query)"
                                  + " SELECT $1, $2, $3, 'held', $4, $5, $6::text::jsonb, $7, $8"
                                  + " WHERE (SELECT count(*) FROM webhook_receipts"
                                  + " WHERE tenant_id = $1 AND gateway = $2 AND verdict = 'held'"
                                  + " AND hold = $5) < $9 RETURNING id")
                          .execute(
                              Tuple.from(
                                  new Object[] {
                                    account.tenantId(),
                                    account.gateway(),
                                    body,
                                    ReceiptStore.clip(reason),
                                    ParsedWebhook.NEEDS_WEBHOOK_SECRET,
                                    headers,
                                    ReceiptStore.clip(remote),
                                    query,
                                    cap
                                  }))
                          .compose(
                              rows -> {
                                if (rows.size() == 0) {
                                  return Future.succeededFuture(null);
                                }
                                long id = rows.iterator().next().getLong(0);
                                boolean savedSince =
                                    !saved.toInstant().equals(account.updatedAt().toInstant());
                                return savedSince
                                    ? ReprocessStore.enqueueHeld(
                                            conn, account.tenantId(), account.gateway())
                                        .map(id)
                                    : Future.succeededFuture(id);
                              });
                    }));
  }
}
