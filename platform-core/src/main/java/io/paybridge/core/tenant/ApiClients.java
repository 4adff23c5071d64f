package io.paybridge.core.tenant;

import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.throttle.Throttles;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A tenant's API clients, whether managed in the console or through the API, and checked at {@code
 * /oauth/token} and on every API request: create one (its secret shown once, stored as a keyed
 * digest, {@link ClientSecrets}, with no scope its creator could not grant), list, rotate its
 * secret (the previous one working for an overlap window), revoke, and check a client's credentials
 * at the same cost whether or not the client exists, each check reserved with the cluster's
 * throttles first. A client still kept as a slow hash is moved to the digest the first time its
 * secret is shown. A client revoked or rotated on any node stops being accepted on every node
 * within moments ({@link ClientStatusCache}).
 */
public final class ApiClients {

  private static final Logger LOG = Logger.getLogger(ApiClients.class.getName());

  /** A new client; the secret exists only here. */
  public record Created(UUID id, String clientId, String clientSecret, List<String> scopes) {}

  /** A client with a new secret, which exists only here. */
  public record Rotated(TenantStore.ClientSummary client, String clientSecret) {}

  /** How long a rotated secret keeps working unless the rotation says otherwise: a day. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

  /** The longest overlap a rotation may ask for: a week. */
  public static final Duration MAX_OVERLAP = Duration.ofDays(7);

  /** A client's use is written at most this often per node. */
  private static final Duration USE_NOTED_EVERY = Duration.ofMinutes(1);

  private final Map<String, Instant> lastNoted = new ConcurrentHashMap<>();
  private final TenantStore store;
  private final ClientSecrets secrets;
  private final Throttles throttles;
  private final int maxClients;
  private final ClientStatusCache statuses;
  private final Clock clock;

  /**
   * @param maxClients most active (not revoked) clients a tenant may have ({@code
   *     PAYBRIDGE_MAX_API_CLIENTS})
   * @param statuses the node's knowledge of which clients' tokens it accepts
   */
  public ApiClients(
      TenantStore store,
      ClientSecrets secrets,
      Throttles throttles,
      int maxClients,
      ClientStatusCache statuses,
      Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.throttles = throttles;
    this.maxClients = maxClients;
    this.statuses = statuses;
    this.clock = clock;
  }

  /** Completes once this node hears of clients revoked or rotated anywhere in the cluster. */
  public Future<Void> listening() {
    return statuses.listening();
  }

  /**
   * Creates a client with the given scopes (each one of {@link ApiScopes#ALL}, duplicates folded).
   * Fails with {@link io.paybridge.core.usecase.InvalidInput} naming the fields at fault, and with
   * {@link Refused} ({@code too_many_api_clients}) when the tenant has its most clients already.
   */
  public Future<Created> create(UUID tenantId, String name, List<String> scopes) {
    return create(tenantId, name, scopes, ApiScopes.ALL);
  }

  /**
   * Creates a client as {@link #create(UUID, String, List)} does, on behalf of a creator that may
   * grant only {@code grantable}: a scope beyond them is refused ({@link Refused}, 403 {@code
   * scope_not_grantable}, naming it), so no client can make a client stronger than itself.
   */
  public Future<Created> create(
      UUID tenantId, String name, List<String> scopes, Collection<String> grantable) {
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
        .compose(v -> grantable(chosen, grantable, "grant"))
        .compose(v -> issue(tenantId, n, chosen));
  }

  /** Refuses unless every scope is among {@code grantable}. */
  private static Future<Void> grantable(
      Collection<String> scopes, Collection<String> grantable, String what) {
    List<String> beyond = scopes.stream().filter(s -> !grantable.contains(s)).toList();
    if (beyond.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        Refused.forbidden(
            "scope_not_grantable",
            "A client cannot "
                + what
                + " scopes it does not hold itself: "
                + String.join(", ", beyond)
                + "."));
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

  /**
   * Up to {@code limit} of the tenant's clients, newest first, after the client {@code after} when
   * it is set; {@link io.paybridge.core.usecase.InvalidInput} naming {@code starting_after} when
   * that is not a client of the tenant.
   */
  public Future<Page<TenantStore.ClientSummary, UUID>> page(UUID tenantId, int limit, UUID after) {
    return store
        .pageClients(tenantId, limit + 1, after)
        .compose(
            fetched ->
                fetched == null
                    ? Future.failedFuture(
                        InvalidInput.of(
                            "starting_after", "'starting_after' is not a client of this tenant"))
                    : Future.succeededFuture(
                        Page.of(fetched, limit, TenantStore.ClientSummary::id)));
  }

  /** One of the tenant's clients, or {@code null}. */
  public Future<TenantStore.ClientSummary> get(UUID tenantId, UUID id) {
    return store.findClientOf(tenantId, id);
  }

  /**
   * Revokes a client of the tenant; {@code false} when it has none with this id. Its tokens stop on
   * every node.
   */
  public Future<Boolean> revoke(UUID tenantId, UUID id) {
    return store
        .revokeClient(tenantId, id)
        .map(
            clientId -> {
              if (clientId != null) {
                statuses.invalidate(clientId);
              }
              return clientId != null;
            });
  }

  /**
   * Gives an active client of the tenant a new secret, shown once; the previous secret, and the
   * tokens bought with it, keep working for {@code overlap} (0 to {@link #MAX_OVERLAP}; zero stops
   * them at once). A creator may rotate only a client whose scopes it holds all of, as the new
   * secret grants them. {@code null} when the tenant has no such client; {@link Refused} ({@code
   * api_client_revoked}) when it was revoked.
   */
  public Future<Rotated> rotate(
      UUID tenantId, UUID id, Duration overlap, Collection<String> grantable) {
    return new Checks()
        .require(
            overlap != null && !overlap.isNegative() && overlap.compareTo(MAX_OVERLAP) <= 0,
            "overlapSeconds",
            "The overlap is 0 to " + MAX_OVERLAP.toSeconds() + " seconds (a week).")
        .verdict()
        .compose(v -> store.findClientOf(tenantId, id))
        .compose(
            client -> {
              if (client == null) {
                return Future.succeededFuture(null);
              }
              if (client.revokedAt() != null) {
                return Future.failedFuture(
                    Refused.conflict(
                        "api_client_revoked", "The client was revoked; create a new one."));
              }
              return grantable(client.scopes(), grantable, "rotate a client holding")
                  .compose(v -> newSecret(tenantId, id, client.clientId(), overlap));
            });
  }

  private Future<Rotated> newSecret(UUID tenantId, UUID id, String clientId, Duration overlap) {
    String secret = Tokens.random("pbs_", 32);
    // As PostgreSQL keeps it, so what is shown is what is checked.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return secrets
        .digest(clientId, secret)
        .compose(
            hash ->
                store.rotateClient(
                    tenantId, id, hash, overlap.isZero() ? null : now.plus(overlap), now))
        .map(
            rotated -> {
              if (rotated == null) {
                throw Refused.conflict(
                    "api_client_revoked", "The client was revoked; create a new one.");
              }
              statuses.invalidate(rotated.clientId());
              return new Rotated(rotated, secret);
            });
  }

  /** Whether a token of a client is accepted, and if not, why. */
  public enum TokenVerdict {
    ACCEPTED,
    /** No such client (of the token's tenant). */
    NO_SUCH_CLIENT,
    /** The client was revoked. */
    REVOKED,
    /** The secret that bought the token was rotated away and its overlap is over. */
    SECRET_ROTATED
  }

  /**
   * Whether this node accepts a token of the client for {@code tenantId}, bought with the secret of
   * {@code generation}: the client exists for that tenant, is not revoked, and the secret is its
   * current one or the previous one within the overlap. Notes the client's use (at most once a
   * minute per node).
   */
  public Future<TokenVerdict> accepts(String clientId, UUID tenantId, int generation) {
    return statuses
        .get(clientId)
        .map(
            status -> {
              Instant now = clock.instant();
              if (status == null || !status.tenantId().equals(tenantId)) {
                return TokenVerdict.NO_SUCH_CLIENT;
              }
              if (status.revoked()) {
                return TokenVerdict.REVOKED;
              }
              if (!status.accepts(generation, now)) {
                return TokenVerdict.SECRET_ROTATED;
              }
              used(clientId, now);
              return TokenVerdict.ACCEPTED;
            });
  }

  /** Notes that a client was used now; the note is best-effort and never fails the caller. */
  public void used(String clientId) {
    used(clientId, clock.instant());
  }

  private void used(String clientId, Instant now) {
    Instant last = lastNoted.get(clientId);
    if (last != null && now.isBefore(last.plus(USE_NOTED_EVERY))) {
      return;
    }
    if (lastNoted.size() >= 100_000) {
      lastNoted.clear();
    }
    lastNoted.put(clientId, now);
    store
        .touchClient(clientId, now)
        .onFailure(err -> LOG.log(Level.WARNING, "could not note the use of an API client", err));
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
                                        check.matches()
                                            ? upgrade(client, check).map(client)
                                            : previous(client, clientSecret))
                                .compose(
                                    matched ->
                                        matched != null && !matched.revoked()
                                            ? giveBack(reservation).map(matched)
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
   * The client as its previous secret presents it (one generation before) when that secret is
   * {@code clientSecret} and its overlap lasts, else {@code null}.
   */
  private Future<TenantStore.ApiClient> previous(
      TenantStore.ApiClient client, String clientSecret) {
    if (client == null
        || client.previousSecretHash() == null
        || client.previousSecretExpiresAt() == null
        || !clock.instant().isBefore(client.previousSecretExpiresAt())) {
      return Future.succeededFuture(null);
    }
    return secrets
        .check(client.clientId(), clientSecret, client.previousSecretHash())
        .map(check -> check.matches() ? client.asPrevious() : null);
  }

  /**
   * Gives a good attempt's reservation back; if the database cannot take it now, the attempt stays
   * counted as if it had failed, which only tightens the limit, and the caller still gets in.
   */
  private static Future<Void> giveBack(Throttles.Reservation reservation) {
    return reservation.release().otherwiseEmpty();
  }
}
