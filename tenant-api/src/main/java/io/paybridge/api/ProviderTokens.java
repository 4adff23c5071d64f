package io.paybridge.api;

import io.paybridge.core.config.PartnerApiSettings;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.tenant.Tenants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Access tokens of the operator's own OpenID Connect provider ({@code PAYBRIDGE_OIDC_ISSUER}),
 * accepted beside the platform's: the provider is discovered with vertx-auth-oauth2 and its keys
 * (JWKS) are fetched again when a token names a key it has not seen, at most every {@link
 * #REFETCH_EVERY}, so the provider rotates its keys without a restart and a stream of made-up key
 * ids costs it nothing. A token is RS256, signed by a published key, from the issuer, for the
 * audience ({@code PAYBRIDGE_OIDC_AUDIENCE}), within its lifetime, and names a tenant of this
 * platform in {@code PAYBRIDGE_OIDC_TENANT_CLAIM}; its {@code scope} claim says what it may do. A
 * token is checked locally, never sent to the provider.
 */
final class ProviderTokens {

  private static final Logger LOG = Logger.getLogger(ProviderTokens.class.getName());

  /** Least time between two fetches of the keys that an unknown key id asks for. */
  static final Duration REFETCH_EVERY = Duration.ofSeconds(30);

  /** How long a failed discovery stands before a token tries it again. */
  private static final Duration REDISCOVER_AFTER = Duration.ofSeconds(10);

  /** How long a tenant id the platform does not have is remembered as unknown. */
  private static final Duration UNKNOWN_TENANT_FOR = Duration.ofSeconds(10);

  private static final String RENEW = "get a new one from the identity provider";
  private static final int MAX_TENANTS = 100_000;

  private final Vertx vertx;
  private final PartnerApiSettings settings;
  private final Tenants tenants;
  private final Clock clock;
  private final String issuer;
  private final Map<UUID, Instant> tenantsSeen = new ConcurrentHashMap<>();
  private Future<OAuth2Auth> provider;
  private Instant discoveryFailedAt;
  private Instant keysFetchedAt;
  private Future<Void> fetchingKeys;
  private volatile String discoveredIssuer;

  ProviderTokens(Vertx vertx, PartnerApiSettings settings, Tenants tenants, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.tenants = tenants;
    this.clock = clock;
    this.issuer = withoutSlash(settings.oidcIssuer().toString());
  }

  /** Starts discovering the provider, so that the first token does not wait for it. */
  void discoverNow() {
    provider();
  }

  /** Whether the token's {@code iss} is this provider's. */
  boolean issued(String iss) {
    return iss != null && withoutSlash(iss).equals(issuer);
  }

  /** The issuer, for messages. */
  String issuer() {
    return issuer;
  }

  /** Checks a token of the provider; fails with a {@link TokenRefusal} saying what is wrong. */
  Future<Caller> check(String token, JwtParts parts) {
    if (!"RS256".equals(parts.algorithm())) {
      return Future.failedFuture(
          TokenRefusal.invalid(
              "the identity provider's tokens are signed with RS256; a token with the algorithm '"
                  + parts.algorithm()
                  + "' is refused"));
    }
    return provider()
        .compose(auth -> verify(auth, token, parts, true))
        .compose(verified -> caller(parts.claims()));
  }

  /** The provider's signature, issuer and audience checks; keys fetched again once if need be. */
  private Future<User> verify(OAuth2Auth auth, String token, JwtParts parts, boolean mayRefetch) {
    Future<User> checked;
    try {
      checked = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException unreadable) {
      checked = Future.failedFuture(unreadable);
    }
    return checked.recover(
        err -> {
          if (err instanceof NoSuchKeyIdException) {
            if (mayRefetch && refetchDue()) {
              return refetchKeys(auth).compose(v -> verify(auth, token, parts, false));
            }
            return Future.failedFuture(
                TokenRefusal.invalid(
                    "the token is signed by a key the identity provider does not publish"));
          }
          return Future.failedFuture(whyRefused(parts));
        });
  }

  /**
   * Why a token the provider's checks refused was refused, from its claims: those checks say only
   * that it failed. A token whose claims are all in order failed on its signature.
   */
  private TokenRefusal whyRefused(JwtParts parts) {
    JsonObject claims = parts.claims();
    String named = parts.issuer();
    if (discoveredIssuer != null && !discoveredIssuer.equals(named)) {
      return new TokenRefusal(
          TokenRefusal.Reason.WRONG_ISSUER,
          "the token was issued by '"
              + named
              + "', and the identity provider's tokens by '"
              + discoveredIssuer
              + "'");
    }
    try {
      TokenClaims.checkLifetime(claims, clock.instant(), RENEW);
      TokenClaims.checkAudience(claims, settings.oidcAudience());
    } catch (TokenRefusal refused) {
      return refused;
    }
    return TokenRefusal.invalid("the token's signature does not verify");
  }

  /** The caller of a verified token: its lifetime, audience and tenant checked here too. */
  private Future<Caller> caller(JsonObject claims) {
    try {
      TokenClaims.checkLifetime(claims, clock.instant(), RENEW);
      TokenClaims.checkAudience(claims, settings.oidcAudience());
      UUID tenant = TokenClaims.tenant(claims, settings.oidcTenantClaim());
      String client = client(claims);
      return knownTenant(tenant)
          .map(v -> new Caller(tenant, client, TokenClaims.scopes(claims), true));
    } catch (TokenRefusal refused) {
      return Future.failedFuture(refused);
    }
  }

  /** The provider's client behind a token: {@code client_id}, {@code azp} or {@code sub}. */
  private static String client(JsonObject claims) {
    for (String claim : List.of("client_id", "azp", "sub")) {
      if (claims.getValue(claim) instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    throw TokenRefusal.invalid("the token names no client (client_id, azp or sub)");
  }

  /** Succeeds when the platform has the tenant; tenants are remembered, unknown ones briefly. */
  private Future<Void> knownTenant(UUID tenant) {
    Instant now = clock.instant();
    Instant seen = tenantsSeen.get(tenant);
    if (seen != null && seen.equals(Instant.MAX)) {
      return Future.succeededFuture();
    }
    if (seen != null && now.isBefore(seen)) {
      return Future.failedFuture(unknownTenant(tenant));
    }
    return tenants
        .find(tenant)
        .compose(
            found -> {
              if (tenantsSeen.size() >= MAX_TENANTS) {
                tenantsSeen.clear();
              }
              if (found == null) {
                tenantsSeen.put(tenant, now.plus(UNKNOWN_TENANT_FOR));
                return Future.failedFuture(unknownTenant(tenant));
              }
              tenantsSeen.put(tenant, Instant.MAX);
              return Future.succeededFuture();
            });
  }

  private TokenRefusal unknownTenant(UUID tenant) {
    return new TokenRefusal(
        TokenRefusal.Reason.UNKNOWN_TENANT,
        "the token's "
            + settings.oidcTenantClaim()
            + " names tenant "
            + tenant
            + ", which this platform does not have");
  }

  /** The discovered provider; a discovery that failed is tried again after a pause. */
  private synchronized Future<OAuth2Auth> provider() {
    Instant now = clock.instant();
    if (provider == null
        || provider.failed() && now.isAfter(discoveryFailedAt.plus(REDISCOVER_AFTER))) {
      provider = discover();
      provider.onComplete(
          done -> {
            synchronized (this) {
              if (done.succeeded()) {
                keysFetchedAt = clock.instant();
              } else {
                discoveryFailedAt = clock.instant();
                LOG.log(
                    Level.WARNING,
                    "the identity provider " + issuer + " could not be discovered",
                    done.cause());
              }
            }
          });
    }
    return provider.recover(
        err ->
            Future.failedFuture(
                new ApiError(
                    503,
                    "identity_provider_unavailable",
                    "the identity provider "
                        + issuer
                        + " cannot be reached to check the token; try again shortly")));
  }

  private Future<OAuth2Auth> discover() {
    OAuth2Options options =
        new OAuth2Options()
            .setSite(issuer)
            .setClientId(settings.oidcAudience())
            .setJWTOptions(
                new JWTOptions()
                    .setAudience(List.of(settings.oidcAudience()))
                    .setLeeway((int) TokenClaims.LEEWAY.toSeconds()))
            .setHttpClientOptions(
                new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(10));
    options.setJwkMaxAgeInSeconds(Duration.ofHours(1).toSeconds());
    return OpenIDConnectAuth.discover(vertx, options)
        .map(
            auth -> {
              // Tokens are checked here alone: never sent to the provider's userinfo or
              // introspection endpoints (which a flood of forged tokens would reach).
              options.setUserInfoPath(null).setIntrospectionPath(null);
              discoveredIssuer = options.getJWTOptions().getIssuer();
              return auth;
            });
  }

  /** Whether a token naming an unknown key may have the keys fetched again now. */
  private synchronized boolean refetchDue() {
    return fetchingKeys != null
        || keysFetchedAt == null
        || !clock.instant().isBefore(keysFetchedAt.plus(REFETCH_EVERY));
  }

  /** Fetches the provider's keys again; concurrent callers share one fetch. */
  private synchronized Future<Void> refetchKeys(OAuth2Auth auth) {
    if (fetchingKeys == null) {
      keysFetchedAt = clock.instant();
      Future<Void> fetch = auth.jWKSet();
      fetchingKeys = fetch;
      fetch.onComplete(
          done -> {
            synchronized (this) {
              fetchingKeys = null;
            }
            if (done.failed()) {
              LOG.log(Level.WARNING, "could not fetch the keys of " + issuer, done.cause());
            }
          });
    }
    return fetchingKeys.otherwiseEmpty();
  }

  private static String withoutSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
