package io.paybridge.api;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.util.List;

/**
 * The {@code bearer} security scheme of the API document: reads the bearer token, hands it to
 * whoever issued it (the platform's {@code /oauth/token}), and lets the request through with its
 * {@link Caller}, or fails it with a {@link TokenRefusal} saying why (missing, invalid, expired,
 * wrong audience or issuer, revoked). Runs before the request is checked against the document, so
 * nothing about a request is answered to a caller who cannot show a token.
 *
 * <p>It is a {@link JWTAuthHandler} only because the OpenAPI router takes the bearer scheme's
 * handler as one; the document's security requirements name no scopes, which each operation checks
 * itself ({@link TokenService#requireScope}).
 */
final class BearerAuth implements JWTAuthHandler {

  private final PlatformTokens platform;

  BearerAuth(PlatformTokens platform) {
    this.platform = platform;
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
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  private Future<Caller> check(String token) {
    JwtParts parts = JwtParts.parse(token);
    String issuer = parts.issuer();
    if (PlatformTokens.ISSUER.equals(issuer)) {
      return platform.check(token, parts).map(PlatformTokens.Checked::caller);
    }
    if (issuer == null) {
      throw TokenRefusal.invalid("the token names no issuer (iss)");
    }
    throw new TokenRefusal(
        TokenRefusal.Reason.WRONG_ISSUER,
        "the token was issued by '"
            + issuer
            + "', which this API does not accept; it accepts tokens of /oauth/token");
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
