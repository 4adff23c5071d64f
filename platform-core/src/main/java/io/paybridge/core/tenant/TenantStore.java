package io.paybridge.core.tenant;

import io.paybridge.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The SQL of tenants and their API clients. Hashes are made by the caller, off the event loop. */
public final class TenantStore {

  /** A tenant's login row. */
  public record Tenant(UUID id, String name, String email, String passwordHash) {}

  /**
   * An API client's stored row: its current secret's hash and generation, and while a rotation's
   * overlap lasts, the previous secret's hash and when it stops.
   */
  public record ApiClient(
      UUID id,
      UUID tenantId,
      String clientId,
      String secretHash,
      List<String> scopes,
      boolean revoked,
      int generation,
      String previousSecretHash,
      Instant previousSecretExpiresAt) {

    /** The same client as its previous secret presents it: one generation before. */
    public ApiClient asPrevious() {
      return new ApiClient(
          id, tenantId, clientId, previousSecretHash, scopes, revoked, generation - 1, null, null);
    }
  }

  /** A new email collides with an existing tenant's. */
  public static final class EmailTakenException extends RuntimeException {
    public EmailTakenException() {
      super("a tenant with this email already exists", null, false, false);
    }
  }

  private final Pool pool;

  public TenantStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates a tenant, with its first API client when {@code clientId} is given (the API's sign-up),
   * without one otherwise (the console's: a tenant creates clients of its own when it needs them).
   *
   * @throws EmailTakenException (as the failed future) when the email is in use
   */
  public Future<UUID> create(
      String name,
      String email,
      String passwordHash,
      String clientId,
      String secretHash,
      List<String> scopes) {
    UUID tenantId = UUID.randomUUID();
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, $2, $3, $4)")
                    .execute(Tuple.of(tenantId, name, email, passwordHash))
                    .compose(
                        v ->
                            clientId == null
                                ? Future.succeededFuture()
                                : conn.preparedQuery(
                                        "INSERT INTO api_clients (id, tenant_id, client_id,"
                                            + " secret_hash, name, scopes)"
                                            + " VALUES ($1, $2, $3, $4, $5, $6)")
                                    .execute(
                                        Tuple.of(
                                            UUID.randomUUID(),
                                            tenantId,
                                            clientId,
                                            secretHash,
                                            "default",
                                            scopes.toArray(String[]::new)))))
        .map(tenantId)
        .recover(
            e ->
                e instanceof PgException pg && "23505".equals(pg.getSqlState())
                    ? Future.failedFuture(new EmailTakenException())
                    : Future.failedFuture(e));
  }

  /** An API client by its public id, or {@code null}. */
  public Future<ApiClient> findClient(String clientId) {
    return pool.preparedQuery(
            "SELECT id, tenant_id, client_id, secret_hash, scopes, revoked_at IS NOT NULL,"
                + " secret_generation, previous_secret_hash, previous_secret_expires_at"
                + " FROM api_clients WHERE client_id = $1")
        .execute(Tuple.of(clientId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new ApiClient(
                  r.getUUID(0),
                  r.getUUID(1),
                  r.getString(2),
                  r.getString(3),
                  List.of(r.getArrayOfStrings(4)),
                  r.getBoolean(5),
                  r.getInteger(6),
                  r.getString(7),
                  Rows.instant(r, "previous_secret_expires_at"));
            });
  }

  /**
   * Replaces a client's stored secret, but only if it is still {@code expected}; whether it was.
   */
  public Future<Boolean> replaceClientSecret(UUID id, String expected, String replacement) {
    return pool.preparedQuery(
            "UPDATE api_clients SET secret_hash = $3 WHERE id = $1 AND secret_hash = $2")
        .execute(Tuple.of(id, expected, replacement))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A tenant by id, or {@code null}. */
  public Future<Tenant> find(UUID tenantId) {
    return pool.preparedQuery("SELECT id, name, email, password_hash FROM tenants WHERE id = $1")
        .execute(Tuple.of(tenantId))
        .map(rows -> rows.size() == 0 ? null : tenant(rows.iterator().next()));
  }

  /**
   * Replaces the tenant's password hash, but only if it is still {@code expectedHash} (the one the
   * current password was checked against), so two changes at once cannot both win; whether it did.
   */
  public Future<Boolean> changePassword(UUID tenantId, String expectedHash, String newHash) {
    return pool.preparedQuery(
            "UPDATE tenants SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
        .execute(Tuple.of(tenantId, expectedHash, newHash))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A tenant by email (case-insensitive), or {@code null}. */
  public Future<Tenant> findByEmail(String email) {
    return pool.preparedQuery(
            "SELECT id, name, email, password_hash FROM tenants WHERE lower(email) = lower($1)")
        .execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? null : tenant(rows.iterator().next()));
  }

  /**
   * An API client as the console and the API show it, never its secret hash: when it was made, last
   * used, its secret last rotated (the previous one working until {@code previousSecretExpiresAt}),
   * and revoked.
   */
  public record ClientSummary(
      UUID id,
      String clientId,
      String name,
      List<String> scopes,
      java.time.OffsetDateTime createdAt,
      java.time.OffsetDateTime revokedAt,
      java.time.OffsetDateTime lastUsedAt,
      java.time.OffsetDateTime secretRotatedAt,
      java.time.OffsetDateTime previousSecretExpiresAt) {}

  /**
   * Adds an API client to a tenant unless it has {@code max} active ones already ({@code null}
   * then); the secret is hashed by the caller. Creations for one tenant take turns on its row
   * ({@code FOR NO KEY UPDATE}), so two of them cannot both count {@code max - 1}.
   */
  public Future<UUID> createClient(
      UUID tenantId,
      String name,
      String clientId,
      String secretHash,
      List<String> scopes,
      int max) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(tenantId))
                .compose(
                    locked ->
                        conn.preparedQuery(
                                "INSERT INTO api_clients (id, tenant_id, client_id, secret_hash,"
                                    + " name, scopes) SELECT $1, $2, $3, $4, $5, $6"
                                    + " WHERE (SELECT count(*) FROM api_clients WHERE tenant_id = $2"
                                    + " AND revoked_at IS NULL) < $7")
                            .execute(
                                Tuple.of(
                                        id,
                                        tenantId,
                                        clientId,
                                        secretHash,
                                        name,
                                        scopes.toArray(String[]::new))
                                    .addInteger(max)))
                .map(rows -> rows.rowCount() == 0 ? null : id));
  }

  /** The tenant's API clients, newest first. */
  public Future<List<ClientSummary>> listClients(UUID tenantId) {
    return pool.preparedQuery(
            "SELECT "
                + SUMMARY
                + " FROM api_clients"
                + " WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC")
        .execute(Tuple.of(tenantId))
        .map(TenantStore::summaries);
  }

  /**
   * Revokes one of the tenant's API clients; its public id, or {@code null} when the tenant has no
   * such client.
   */
  public Future<String> revokeClient(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "UPDATE api_clients SET revoked_at = coalesce(revoked_at, now()),"
                + " previous_secret_hash = NULL, previous_secret_expires_at = NULL"
                + " WHERE id = $1 AND tenant_id = $2 RETURNING client_id")
        .execute(Tuple.of(id, tenantId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** The columns of a {@link ClientSummary}, in its order. */
  private static final String SUMMARY =
      "id, client_id, name, scopes, created_at, revoked_at, last_used_at, secret_rotated_at,"
          + " previous_secret_expires_at";

  /**
   * Up to {@code limit} of the tenant's API clients, newest first, after the client {@code after}
   * when it is set; {@code null} when {@code after} is not a client of the tenant.
   */
  public Future<List<ClientSummary>> pageClients(UUID tenantId, int limit, UUID after) {
    Future<Boolean> anchored =
        after == null
            ? Future.succeededFuture(true)
            : pool.preparedQuery("SELECT 1 FROM api_clients WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(after, tenantId))
                .map(rows -> rows.size() > 0);
    return anchored.compose(
        found ->
            !found
                ? Future.succeededFuture(null)
                : pool.preparedQuery(
                        "SELECT "
                            + SUMMARY
                            + " FROM api_clients WHERE tenant_id = $1 AND ($2::uuid IS NULL"
                            + " OR (created_at, id) < (SELECT created_at, id FROM api_clients"
                            + " WHERE id = $2 AND tenant_id = $1))"
                            + " ORDER BY created_at DESC, id DESC LIMIT $3")
                    .execute(Tuple.of(tenantId, after, limit))
                    .map(TenantStore::summaries));
  }

  /** One of the tenant's API clients, or {@code null}. */
  public Future<ClientSummary> findClientOf(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "SELECT " + SUMMARY + " FROM api_clients WHERE id = $1 AND tenant_id = $2")
        .execute(Tuple.of(id, tenantId))
        .map(rows -> rows.size() == 0 ? null : summary(rows.iterator().next()));
  }

  /**
   * Gives an active client of the tenant a new secret (hashed by the caller) and the next
   * generation; the one it replaces keeps working until {@code previousUntil}, or stops at once
   * when that is {@code null}. The client as it now is, or {@code null} when the tenant has no such
   * active client.
   */
  public Future<ClientSummary> rotateClient(
      UUID tenantId, UUID id, String secretHash, Instant previousUntil, Instant now) {
    return pool.preparedQuery(
            "UPDATE api_clients SET"
                + " previous_secret_hash = CASE WHEN $4::timestamptz IS NULL THEN NULL"
                + " ELSE secret_hash END,"
                + " previous_secret_expires_at = $4, secret_hash = $3,"
                + " secret_generation = secret_generation + 1, secret_rotated_at = $5"
                + " WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING "
                + SUMMARY)
        .execute(Tuple.of(id, tenantId, secretHash, utc(previousUntil), utc(now)))
        .map(rows -> rows.size() == 0 ? null : summary(rows.iterator().next()));
  }

  /**
   * What a node needs to know to accept a client's tokens, or {@code null} when there is no such
   * client.
   */
  public Future<ClientStatus> clientStatus(String clientId) {
    return pool.preparedQuery(
            "SELECT tenant_id, revoked_at IS NOT NULL, secret_generation,"
                + " previous_secret_expires_at FROM api_clients WHERE client_id = $1")
        .execute(Tuple.of(clientId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new ClientStatus(
                  r.getUUID(0),
                  r.getBoolean(1),
                  r.getInteger(2),
                  Rows.instant(r, "previous_secret_expires_at"));
            });
  }

  /**
   * Notes that a client was used at {@code now}; a use within a minute of the last one noted is not
   * written again.
   */
  public Future<Void> touchClient(String clientId, Instant now) {
    return pool.preparedQuery(
            "UPDATE api_clients SET last_used_at = $2 WHERE client_id = $1"
                + " AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')")
        .execute(Tuple.of(clientId, utc(now)))
        .mapEmpty();
  }

  /**
   * Whether a client's tokens are accepted: its tenant, whether it was revoked, its secret's
   * generation, and until when tokens of the generation before are accepted.
   */
  public record ClientStatus(
      UUID tenantId, boolean revoked, int generation, Instant previousSecretExpiresAt) {

    /**
     * Whether a token bought with the secret of {@code tokenGeneration} is accepted at {@code now}.
     */
    public boolean accepts(int tokenGeneration, Instant now) {
      return !revoked
          && (tokenGeneration == generation
              || tokenGeneration == generation - 1
                  && previousSecretExpiresAt != null
                  && now.isBefore(previousSecretExpiresAt));
    }
  }

  private static List<ClientSummary> summaries(io.vertx.sqlclient.RowSet<Row> rows) {
    List<ClientSummary> out = new java.util.ArrayList<>();
    for (Row r : rows) {
      out.add(summary(r));
    }
    return out;
  }

  private static ClientSummary summary(Row r) {
    return new ClientSummary(
        r.getUUID(0),
        r.getString(1),
        r.getString(2),
        List.of(r.getArrayOfStrings(3)),
        r.getOffsetDateTime(4),
        r.getOffsetDateTime(5),
        r.getOffsetDateTime(6),
        r.getOffsetDateTime(7),
        r.getOffsetDateTime(8));
  }

  private static java.time.OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
  }

  private static Tenant tenant(Row r) {
    return new Tenant(r.getUUID(0), r.getString(1), r.getString(2), r.getString(3));
  }
}
