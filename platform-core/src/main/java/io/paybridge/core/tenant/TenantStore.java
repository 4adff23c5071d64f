package io.paybridge.core.tenant;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** The SQL of tenants and their API clients. Hashes are made by the caller, off the event loop. */
public final class TenantStore {

  /** A tenant's login row. */
  public record Tenant(UUID id, String name, String email, String passwordHash) {}

  /** An API client's stored row. */
  public record ApiClient(
      UUID id,
      UUID tenantId,
      String clientId,
      String secretHash,
      List<String> scopes,
      boolean revoked) {}

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
            "SELECT id, tenant_id, client_id, secret_hash, scopes, revoked_at IS NOT NULL"
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
                  r.getBoolean(5));
            });
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

  /** An API client as the console lists it: never its secret hash. */
  public record ClientSummary(
      UUID id,
      String clientId,
      String name,
      List<String> scopes,
      java.time.OffsetDateTime createdAt,
      java.time.OffsetDateTime revokedAt) {}

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
            "SELECT id, client_id, name, scopes, created_at, revoked_at FROM api_clients"
                + " WHERE tenant_id = $1 ORDER BY created_at DESC, client_id")
        .execute(Tuple.of(tenantId))
        .map(
            rows -> {
              List<ClientSummary> out = new java.util.ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new ClientSummary(
                        r.getUUID(0),
                        r.getString(1),
                        r.getString(2),
                        List.of(r.getArrayOfStrings(3)),
                        r.getOffsetDateTime(4),
                        r.getOffsetDateTime(5)));
              }
              return out;
            });
  }

  /** Revokes one of the tenant's API clients; {@code false} when the tenant has no such client. */
  public Future<Boolean> revokeClient(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "UPDATE api_clients SET revoked_at = coalesce(revoked_at, now())"
                + " WHERE id = $1 AND tenant_id = $2")
        .execute(Tuple.of(id, tenantId))
        .map(rows -> rows.rowCount() > 0);
  }

  private static Tenant tenant(Row r) {
    return new Tenant(r.getUUID(0), r.getString(1), r.getString(2), r.getString(3));
  }
}
