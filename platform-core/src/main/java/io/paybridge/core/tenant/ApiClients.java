package io.paybridge.core.tenant;

import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.throttle.Throttles;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A tenant's API clients, whether managed in the console or checked at {@code /oauth/token}: create
 * one (its secret shown once, stored as a keyed digest, {@link ClientSecrets}), list, revoke, and
 * check a client's credentials at the same cost whether or not the client exists, each check
 * reserved with the cluster's throttles first. A client still kept as a slow hash is moved to the
 * digest the first time its secret is shown.
 */
public final class ApiClients {

  private static final Logger LOG = Logger.getLogger(ApiClients.class.getName());

  /** A new client; the secret exists only here. */
  public record Created(UUID id, String clientId, String clientSecret, List<String> scopes) {}

  private final TenantStore store;
  private final ClientSecrets secrets;
  private final Throttles throttles;
  private final int maxClients;

  /**
   * @param maxClients most active (not revoked) clients a tenant may have ({@code
   *     PAYBRIDGE_MAX_API_CLIENTS})
   */
  public ApiClients(TenantStore store, ClientSecrets secrets, Throttles throttles, int maxClients) {
    this.store = store;
    this.secrets = secrets;
    this.throttles = throttles;
    this.maxClients = maxClients;
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
    return secrets
        .digest(clientId, secret)
        .compose(digest -> store.createClient(tenantId, n, clientId, digest, chosen, maxClients))
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

  /**
   * The active client with these credentials, or {@code null}, for a request from a client address.
   * Fails with {@link io.paybridge.core.usecase.Throttled}, before the secret is checked, when the
   * address has sent too many wrong credentials.
   */
  public Future<TenantStore.ApiClient> authenticate(
      String clientId, String clientSecret, String address) {
    if (clientId == null || clientSecret == null) {
      return Future.succeededFuture(null);
    }
    return throttles
        .token(address)
        .compose(
            reservation ->
                store
                    .findClient(clientId)
                    .compose(
                        client ->
                            secrets
                                .check(
                                    clientId,
                                    clientSecret,
                                    client == null ? null : client.secretHash())
                                .compose(
                                    check ->
                                        check.matches() && !client.revoked()
                                            ? upgrade(client, check)
                                                .compose(v -> giveBack(reservation))
                                                .map(client)
                                            : Future.succeededFuture(null))));
  }

  /** Secrets checked since the node started, for tests and metrics. */
  public long checked() {
    return secrets.checked();
  }

  /**
   * Stores the digest in place of a slow hash the secret just matched. The client gets in even if
   * the database cannot take it now; the next good request tries again.
   */
  private Future<Void> upgrade(TenantStore.ApiClient client, ClientSecrets.Check check) {
    if (check.upgraded() == null) {
      return Future.succeededFuture();
    }
    return store
        .replaceClientSecret(client.id(), client.secretHash(), check.upgraded())
        .<Void>mapEmpty()
        .recover(
            err -> {
              LOG.log(
                  Level.WARNING,
                  "client {0} keeps its slow hash for now: {1}",
                  new Object[] {client.clientId(), err.toString()});
              return Future.succeededFuture();
            });
  }

  /**
   * Gives a good attempt's reservation back; if the database cannot take it now, the attempt stays
   * counted as if it had failed, which only tightens the limit, and the caller still gets in.
   */
  private static Future<Void> giveBack(Throttles.Reservation reservation) {
    return reservation.release().otherwiseEmpty();
  }
}
