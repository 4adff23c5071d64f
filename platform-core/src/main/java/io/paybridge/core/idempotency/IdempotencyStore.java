package io.paybridge.core.idempotency;

import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;

/**
 * The SQL of the partner API's idempotency keys: one row per tenant and key, taken by the request
 * that runs, then holding its answer, sealed by the vault, until it expires.
 */
public final class IdempotencyStore {

  /** What a key stands for when a request arrives with it. */
  public sealed interface Claim {}

  /** This request runs; its answer is to be kept. */
  public record Taken() implements Claim {}

  /** An earlier request with the same key and body answered this. */
  public record Answered(int status, String contentType, String location, Buffer body)
      implements Claim {}

  /** An earlier request with the same key is still running. */
  public record Running() implements Claim {}

  /** The key was used for another request (another method, path or body). */
  public record Reused() implements Claim {}

  private static final String VAULT_PURPOSE = "api-idempotency";

  private final Pool pool;
  private final CredentialVault vault;

  public IdempotencyStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /**
   * Takes the key for this request, or says what stands in its way. An expired entry, or a running
   * one of the same request whose node stopped answering ({@code lock} passed), is taken over.
   */
  public Future<Claim> take(
      UUID tenantId, String key, String fingerprint, Duration lock, Duration keep) {
    return pool.preparedQuery(
            "WITH gone AS (DELETE FROM api_idempotency WHERE tenant_id = $1 AND expires_at < now()"
                + " AND idempotency_key <> $2)"
                + " INSERT INTO api_idempotency (tenant_id, idempotency_key, fingerprint, status,"
                + " locked_until, expires_at) VALUES ($1, $2, $3, 'running',"
                + " now() + $4 * interval '1 millisecond', now() + $5 * interval '1 millisecond')"
                + " ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET"
                + " fingerprint = EXCLUDED.fingerprint, status = 'running',"
                + " answer = NULL, key_id = NULL, locked_until = EXCLUDED.locked_until,"
                + " expires_at = EXCLUDED.expires_at, created_at = now()"
                + " WHERE api_idempotency.expires_at < now() OR (api_idempotency.status = 'running'"
                + " AND api_idempotency.locked_until < now()"
                + " AND api_idempotency.fingerprint = EXCLUDED.fingerprint)"
                + " RETURNING 1")
        .execute(Tuple.of(tenantId, key, fingerprint, lock.toMillis(), keep.toMillis()))
        .compose(
            rows ->
                rows.size() == 1
                    ? Future.succeededFuture((Claim) new Taken())
                    : standing(tenantId, key, fingerprint));
  }

  private Future<Claim> standing(UUID tenantId, String key, String fingerprint) {
    return pool.preparedQuery(
            "SELECT fingerprint, status, answer, key_id FROM api_idempotency"
                + " WHERE tenant_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(tenantId, key))
        .map(
            rows -> {
              if (rows.size() == 0) {
                // Released between the two statements: the client may send it again.
                return new Running();
              }
              Row row = rows.iterator().next();
              if (!fingerprint.equals(row.getString("fingerprint"))) {
                return new Reused();
              }
              if ("running".equals(row.getString("status"))) {
                return new Running();
              }
              JsonObject answer =
                  vault.open(
                      tenantId,
                      VAULT_PURPOSE,
                      row.getBuffer("answer").getBytes(),
                      row.getString("key_id"));
              String body = answer.getString("body");
              return new Answered(
                  answer.getInteger("status"),
                  answer.getString("type"),
                  answer.getString("location"),
                  body == null ? null : Buffer.buffer(body));
            });
  }

  /** Keeps the answer (a text body, JSON) of the request that took the key, sealed. */
  public Future<Void> answered(
      UUID tenantId, String key, int status, String contentType, String location, Buffer body) {
    CredentialVault.Sealed sealed =
        vault.seal(
            tenantId,
            VAULT_PURPOSE,
            new JsonObject()
                .put("status", status)
                .put("type", contentType)
                .put("location", location)
                .put("body", body == null ? null : body.toString()));
    return pool.preparedQuery(
            "UPDATE api_idempotency SET status = 'done', answer = $3, key_id = $4"
                + " WHERE tenant_id = $1 AND idempotency_key = $2 AND status = 'running'")
        .execute(Tuple.of(tenantId, key, Buffer.buffer(sealed.ciphertext()), sealed.keyId()))
        .mapEmpty();
  }

  /** Lets the key go: the request failed before it changed anything worth replaying. */
  public Future<Void> release(UUID tenantId, String key) {
    return pool.preparedQuery(
            "DELETE FROM api_idempotency WHERE tenant_id = $1 AND idempotency_key = $2"
                + " AND status = 'running'")
        .execute(Tuple.of(tenantId, key))
        .mapEmpty();
  }
}
