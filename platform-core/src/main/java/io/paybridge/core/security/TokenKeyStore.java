package io.paybridge.core.security;

import io.paybridge.core.db.Rows;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The SQL of the platform's token-signing keys ({@code token_keys}): generations of random keys per
 * purpose, each sealed under the master key by the credential vault and bound to its kid.
 */
public final class TokenKeyStore {

  /** A key opened from its row, with its place in the rotation. */
  public record StoredKey(int generation, String kid, byte[] secret, Instant activatesAt) {}

  private static final int KEY_BYTES = 32;

  private final Pool pool;
  private final CredentialVault vault;
  private final SecureRandom random = new SecureRandom();

  public TokenKeyStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  /**
   * Inserts the next generation of {@code purpose} when there is none yet, or when the newest was
   * created at or before {@code dueBefore}: the first generation signs at once, a later one from
   * {@code activatesAt}. Nodes that race insert one generation between them (the primary key turns
   * the others' inserts into nothing).
   *
   * @return the new key's kid, or {@code null} when none was due or another node inserted it
   */
  public Future<String> rotateIfDue(
      String purpose, Instant now, Instant dueBefore, Instant activatesAt) {
    byte[] secret = new byte[KEY_BYTES];
    random.nextBytes(secret);
    String kid = Tokens.random("tk_", 12);
    CredentialVault.Sealed sealed = vault.sealPlatformSecret(sealName(purpose, kid), json(secret));
    return pool.preparedQuery(
            "INSERT INTO token_keys"
                + " (purpose, generation, kid, sealed, key_id, created_at, activates_at)"
                + " SELECT $1, coalesce(max(generation), 0) + 1, $2, $3, $4, $5::timestamptz,"
                + " CASE WHEN max(generation) IS NULL THEN $5::timestamptz ELSE $6::timestamptz END"
                + " FROM token_keys WHERE purpose = $1"
                + " HAVING max(generation) IS NULL OR max(created_at) <= $7::timestamptz"
                + " ON CONFLICT DO NOTHING")
        .execute(
            Tuple.of(
                purpose,
                kid,
                Buffer.buffer(sealed.ciphertext()),
                sealed.keyId(),
                utc(now),
                utc(activatesAt),
                utc(dueBefore)))
        .map(rows -> rows.rowCount() == 1 ? kid : null);
  }

  /**
   * The keys of {@code purpose} a token may still carry: the newest, and each whose successor
   * activated after {@code retiredSince}, by generation. A key sealed under a master key other than
   * the current one is sealed again under the current one, so the old master key can be retired.
   */
  public Future<List<StoredKey>> load(String purpose, Instant retiredSince) {
    return pool.preparedQuery(
            "SELECT k.generation, k.kid, k.sealed, k.key_id, k.activates_at FROM token_keys k"
                + " LEFT JOIN token_keys n ON n.purpose = k.purpose"
                + " AND n.generation = k.generation + 1"
                + " WHERE k.purpose = $1 AND (n.activates_at IS NULL OR n.activates_at > $2)"
                + " ORDER BY k.generation")
        .execute(Tuple.of(purpose, utc(retiredSince)))
        .compose(
            rows -> {
              List<StoredKey> keys = new ArrayList<>();
              List<Future<?>> resealed = new ArrayList<>();
              for (Row row : rows) {
                StoredKey key = open(purpose, row);
                keys.add(key);
                if (!row.getString("key_id").equals(vault.currentKeyId())) {
                  resealed.add(reseal(purpose, key, row.getString("key_id")));
                }
              }
              return Future.all(resealed).map(v -> List.copyOf(keys));
            });
  }

  private Future<?> reseal(String purpose, StoredKey key, String oldKeyId) {
    CredentialVault.Sealed sealed =
        vault.sealPlatformSecret(sealName(purpose, key.kid()), json(key.secret()));
    return pool.preparedQuery(
            "UPDATE token_keys SET sealed = $1, key_id = $2"
                + " WHERE purpose = $3 AND kid = $4 AND key_id = $5")
        .execute(
            Tuple.of(
                Buffer.buffer(sealed.ciphertext()), sealed.keyId(), purpose, key.kid(), oldKeyId));
  }

  private StoredKey open(String purpose, Row row) {
    String kid = row.getString("kid");
    JsonObject secret;
    try {
      secret =
          vault.openPlatformSecret(
              sealName(purpose, kid), row.getBuffer("sealed").getBytes(), row.getString("key_id"));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "token key " + kid + " cannot be opened (" + e.getMessage() + ")", e);
    }
    return new StoredKey(
        row.getInteger("generation"),
        kid,
        Base64.getDecoder().decode(secret.getString("secret")),
        Rows.instant(row, "activates_at"));
  }

  /** What a key's ciphertext is bound to: a row moved to another kid or purpose does not open. */
  private static String sealName(String purpose, String kid) {
    return "token-key:" + purpose + ":" + kid;
  }

  private static JsonObject json(byte[] secret) {
    return new JsonObject().put("secret", Base64.getEncoder().encodeToString(secret));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
