package io.paybridge.api;

import io.paybridge.core.tenant.ApiClients;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.util.List;

/**
 * The {@code bearer} security scheme of the API document: reads the bearer token, hands it to
 * whoever issued it (the platform's {@code /oauth/token}, or the operator's identity provider), and
 * lets the request through with its {@link Caller}, or fails it with a {@link TokenRefusal} saying
 * why (missing, invalid, expired, wrong audience or issuer, revoked). An accepted request is
 * counted against its client's limit and its tenant's ({@link RateLimits}: a tenant's clients
 * together cannot exceed the tenant's) and refused with 429 once over either. Runs before the
 * request is checked against the document, so nothing about a request is answered to a caller who
 * cannot show a token.
 *
 * <p>It is a {@link JWTAuthHandler} only because the OpenAPI router takes the bearer scheme's
 * handler as one; the document's security requirements name no scopes, which each operation checks
 * itself ({@link TokenService#requireScope}).
 */
final class BearerAuth implements JWTAuthHandler {

  private final PlatformTokens platform;
  private final ProviderTokens provider;
  private final ApiClients clients;
  private final RateLimits limits;
  private final RateLimits tenantLimits;

  /**
   * @param provider the operator's identity provider, or {@code null} when there is none
   * @param limits one bucket per client
   * @param tenantLimits one bucket per tenant, shared by its clients
   */
  BearerAuth(
      PlatformTokens platform,
      ProviderTokens provider,
      ApiClients clients,
      RateLimits limits,
      RateLimits tenantLimits) {
    this.platform = platform;
    this.provider = provider;
    this.clients = clients;
    this.limits = limits;
    this.tenantLimits = tenantLimits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<Caller> checked;
    try {
      checked = check(token(ctx));
    } catch (TokenRefusal refused) {
      checked = Future.failedFuture(refused);
    }
    checked
        .onSuccess(
            caller -> {
              caller.attachTo(ctx);
              RateLimits.Decision client = limits.take(caller.rateKey());
              if (!client.allowed()) {
                RateLimits.refuse(ctx, client, "this client");
                return;
              }
              RateLimits.Decision tenant = tenantLimits.take(caller.tenantId().toString());
              if (!tenant.allowed()) {
                // not done, so not counted against the client either
                limits.giveBack(caller.rateKey());
                RateLimits.refuse(ctx, tenant, "this tenant's API clients together");
                return;
              }
              // the bucket nearer to empty is the one the caller must watch
              RateLimits.headers(ctx, tenant.remaining() < client.remaining() ? tenant : client);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  private Future<Caller> check(String token) {
    JwtParts parts = JwtParts.parse(token);
    String issuer = parts.issuer();
    if (PlatformTokens.ISSUER.equals(issuer)) {
      return platform.check(token, parts).compose(this::stillAccepted);
    }
    if (provider != null && provider.issued(issuer)) {
      return provider.check(token, parts);
    }
    if (issuer == null) {
      throw TokenRefusal.invalid("the token names no issuer (iss)");
    }
    throw new TokenRefusal(
        TokenRefusal.Reason.WRONG_ISSUER,
        "the token was issued by '"
            + issuer
            + "', which this API does not accept; it accepts tokens of /oauth/token"
            + (provider == null ? "" : " and of " + provider.issuer()));
  }

  /**
   * A platform token is good only while its client is: not deleted, and the secret that bought it
   * not rotated away (past its overlap). Asked of the node's cache, which every node's deletions
   * and rotations invalidate.
   */
  private Future<Caller> stillAccepted(PlatformTokens.Checked checked) {
    Caller caller = checked.caller();
    return clients
        .accepts(caller.subject(), caller.tenantId(), checked.generation())
        .map(
            verdict ->
                switch (verdict) {
                  case ACCEPTED -> caller;
                  case NO_SUCH_CLIENT ->
                      throw new TokenRefusal(
                          TokenRefusal.Reason.REVOKED, "the token's API client no longer exists");
                  case REVOKED ->
                      throw new TokenRefusal(
                          TokenRefusal.Reason.REVOKED,
                          "the token's API client was deleted; its tokens no longer work");
                  case SECRET_ROTATED ->
                      throw new TokenRefusal(
                          TokenRefusal.Reason.REVOKED,
                          "the secret this token was bought with was rotated and no longer works;"
                              + " request a new token with the client's current secret");
                });
  }

  /** The bearer token of the request (RFC 6750 section 2.1). */
  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      throw TokenRefusal.missing(
          "this call needs a bearer token: send Authorization: Bearer <access_token>, the token"
              + " from POST /oauth/token");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw TokenRefusal.missing(
          "the Authorization header holds no bearer token: send Authorization: Bearer"
              + " <access_token>");
    }
    String token = header.substring(7).strip();
    if (token.isEmpty()) {
      throw TokenRefusal.missing("the Authorization header's bearer token is empty");
    }
    return token;
  }

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    return this;
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    throw new UnsupportedOperationException("operations check their scope themselves");
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    if (scopes.isEmpty()) {
      return this;
    }
    throw new UnsupportedOperationException("operations check their scope themselves");
  }
}
