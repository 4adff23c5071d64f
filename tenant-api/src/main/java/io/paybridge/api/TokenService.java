package io.paybridge.api;

import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.security.TokenKeys;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.TenantStore.ApiClient;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * OAuth2 client-credentials tokens for partners: {@code POST /oauth/token} exchanges a client id
 * and secret for a short-lived signed JWT (HS256 under the platform's current token key, named by
 * the token's {@code kid}; the keys live in the database, so every node checks every node's tokens,
 * and rotate, see {@link TokenKeys}). The tenant id and scopes travel in the token; no database
 * read is needed to check it.
 */
public final class TokenService {

  private static final Logger LOG = Logger.getLogger(TokenService.class.getName());
  static final String ISSUER = "paybridge";
  static final String AUDIENCE = "paybridge-api";
  static final String TENANT_CLAIM = "tid";

  private final ApiClients clients;
  private final Duration ttl;
  private final JWTAuth jwt;

  /**
   * @param clients whose credentials {@code /oauth/token} checks
   * @param keys the keys that sign and check tokens, the same on every node
   * @param ttl how long a token is valid
   */
  public TokenService(Vertx vertx, ApiClients clients, TokenKeys keys, Duration ttl) {
    this.clients = clients;
    this.ttl = ttl;
    this.jwt = new KeyedJwt(vertx, keys, KeyedJwt.checks(ISSUER, AUDIENCE));
  }

  /** The handler that checks bearer tokens on {@code /api/v1}. */
  public JWTAuthHandler authHandler() {
    return JWTAuthHandler.create(jwt, "paybridge");
  }

  /**
   * {@code POST /oauth/token} (form body), per RFC 6749 section 4.4. Too many wrong credentials
   * from the client's address fail with {@link io.paybridge.core.usecase.Throttled}, which the
   * failure handler answers 429 with {@code Retry-After}, before any secret is hashed.
   */
  public void token(RoutingContext ctx) {
    String grant = ctx.request().getFormAttribute("grant_type");
    String[] basic = basicCredentials(ctx);
    String clientId = basic != null ? basic[0] : ctx.request().getFormAttribute("client_id");
    String clientSecret =
        basic != null ? basic[1] : ctx.request().getFormAttribute("client_secret");
    if (grant == null) {
      oauthError(ctx, 400, "invalid_request", "grant_type is required");
      return;
    }
    if (!"client_credentials".equals(grant)) {
      oauthError(ctx, 400, "unsupported_grant_type", "only client_credentials is supported");
      return;
    }
    if (clientId == null
        || clientSecret == null
        || clientId.length() > 128
        || clientSecret.length() > 256) {
      invalidClient(ctx);
      return;
    }
    String requested = ctx.request().getFormAttribute("scope");
    clients
        .authenticate(clientId, clientSecret, ClientAddress.of(ctx))
        .onSuccess(
            client -> {
              if (client == null) {
                LOG.info(() -> "token refused for client id " + clientId);
                invalidClient(ctx);
                return;
              }
              List<String> scopes = grantedScopes(client, requested);
              if (scopes == null) {
                oauthError(
                    ctx, 400, "invalid_scope", "requested scope exceeds the client's scopes");
                return;
              }
              long seconds = ttl.toSeconds();
              String token =
                  jwt.generateToken(
                      new JsonObject()
                          .put(TENANT_CLAIM, client.tenantId().toString())
                          .put("scope", String.join(" ", scopes)),
                      new JWTOptions()
                          .setSubject(client.clientId())
                          .setIssuer(ISSUER)
                          .setAudience(List.of(AUDIENCE))
                          .setExpiresInSeconds((int) seconds)
                          .setAlgorithm("HS256"));
              ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
              ctx.json(
                  new JsonObject()
                      .put("access_token", token)
                      .put("token_type", "Bearer")
                      .put("expires_in", seconds)
                      .put("scope", String.join(" ", scopes)));
            })
        .onFailure(ctx::fail);
  }

  /** A handler that lets a request through only if its token holds the scope. */
  public static Handler<RoutingContext> requireScope(String scope) {
    return ctx -> {
      String granted = ctx.user() == null ? null : ctx.user().principal().getString("scope");
      if (granted != null && Set.of(granted.split(" ")).contains(scope)) {
        ctx.next();
      } else {
        HttpErrors.respond(ctx, 403, "insufficient_scope", "this call needs the scope " + scope);
      }
    };
  }

  /** The tenant a checked token belongs to. */
  public static UUID tenantOf(RoutingContext ctx) {
    return UUID.fromString(ctx.user().principal().getString(TENANT_CLAIM));
  }

  private static List<String> grantedScopes(ApiClient client, String requested) {
    if (requested == null || requested.isBlank()) {
      return client.scopes();
    }
    Set<String> wanted = new LinkedHashSet<>(List.of(requested.strip().split("\\s+")));
    if (!client.scopes().containsAll(wanted)) {
      return null;
    }
    return new ArrayList<>(wanted);
  }

  private static String[] basicCredentials(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
      return new String[] {
        java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
        java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
      };
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void invalidClient(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"paybridge\"");
    oauthError(ctx, 401, "invalid_client", "client authentication failed");
  }

  private static void oauthError(RoutingContext ctx, int status, String error, String description) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", error).put("error_description", description).encode());
  }
}
