package io.paybridge.core.tenant;

import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.SecretHasher;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's API clients, whether managed in the console or checked at {@code /oauth/token}: create
 * one (its secret shown once, stored as a slow hash), list, revoke, and check a client's
 * credentials at the same cost whether or not the client exists.
 */
public final class ApiClients {

  /** A new client; the secret exists only here. */
  public record Created(UUID id, String clientId, String clientSecret, List<String> scopes) {}

  private final Vertx vertx;
  private final TenantStore store;
  private final SecretHasher hasher;
  private final int maxClients;
  private final String decoyHash;

  /**
   * @param maxClients most active (not revoked) clients a tenant may have ({@code
   *     PAYBRIDGE_MAX_API_CLIENTS})
   */
  public ApiClients(Vertx vertx, TenantStore store, SecretHasher hasher, int maxClients) {
    this.vertx = vertx;
    this.store = store;
    this.hasher = hasher;
    this.maxClients = maxClients;
    this.decoyHash = hasher.decoy();
  }

  /**
   * Creates a client with the given scopes (each one of {@link ApiScopes#ALL}, duplicates folded).
   * Fails with {@link io.paybridge.core.usecase.InvalidInput} naming the fields at fault, and with
   * {@link Refused} ({@code too_many_api_clients}) when the tenant has its most clients already.
   */
  public Future<Created> create(UUID tenantId, String name, List<String> scopes) {
    String n = name == null ? "" : name.strip();
    List<String> chosen = new ArrayList<>();
    for (String s : scopes) {
      if (!chosen.contains(s)) {
        chosen.add(s);
      }
    }
    return new Checks()
        .require(
            Checks.lengthWithin(n, 1, 100),
            "name",
            "Give the client a name (up to 100 characters).")
        .require(!chosen.isEmpty(), "scope", "Choose at least one scope.")
        .require(
            ApiScopes.ALL.containsAll(chosen),
            "scope",
            "Scopes are chosen from " + String.join(", ", ApiScopes.ALL) + ".")
        .verdict()
        .compose(v -> issue(tenantId, n, chosen));
  }

  private Future<Created> issue(UUID tenantId, String n, List<String> chosen) {
    String clientId = Tokens.random("pbc_", 12);
    String secret = Tokens.random("pbs_", 32);
    return vertx
        .executeBlocking(() -> hasher.hash(secret), false)
        .compose(hash -> store.createClient(tenantId, n, clientId, hash, chosen, maxClients))
        .map(
            id -> {
              if (id == null) {
                throw Refused.conflict(
                    "too_many_api_clients",
                    "A tenant may have at most "
                        + maxClients
                        + " active API clients; revoke one before creating another.");
              }
              return new Created(id, clientId, secret, List.copyOf(chosen));
            });
  }

  public Future<List<TenantStore.ClientSummary>> list(UUID tenantId) {
    return store.listClients(tenantId);
  }

  /** Revokes a client of the tenant; {@code false} when it has none with this id. */
  public Future<Boolean> revoke(UUID tenantId, UUID id) {
    return store.revokeClient(tenantId, id);
  }

  /** The active client with these credentials, or {@code null}. */
  public Future<TenantStore.ApiClient> authenticate(String clientId, String clientSecret) {
    if (clientId == null || clientSecret == null) {
      return Future.succeededFuture(null);
    }
    return store
        .findClient(clientId)
        .compose(
            client -> {
              String hash = client == null ? decoyHash : client.secretHash();
              return vertx
                  .executeBlocking(() -> hasher.matches(clientSecret, hash), false)
                  .map(ok -> ok && client != null && !client.revoked() ? client : null);
            });
  }
}
