package io.paybridge.api;

import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.TenantStore.ApiClient;
import io.paybridge.core.usecase.Throttled;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * OAuth2 client credentials for partners (RFC 6749 section 4.4): {@code POST /oauth/token}
 * exchanges a client id and secret, in an HTTP Basic header or in the form, for a short-lived
 * {@link PlatformTokens platform token}. Its errors are RFC 6749 section 5.2's: {@code
 * invalid_request} (400), {@code invalid_client} (401, with a {@code Basic} challenge), {@code
 * unsupported_grant_type} and {@code invalid_scope} (400), each with an {@code error_description};
 * too many wrong credentials from one address are a 429 problem document with {@code Retry-After}
 * before any secret is hashed.
 *
 * <p>Also the checks every operation runs after authentication: the scope it needs, and the tenant
 * it works for.
 */
public final class TokenService {

  private static final Logger LOG = Logger.getLogger(TokenService.class.getName());
  private static final String FORM = "application/x-www-form-urlencoded";

  private final ApiClients clients;
  private final PlatformTokens tokens;

  TokenService(ApiClients clients, PlatformTokens tokens) {
    this.clients = clients;
    this.tokens = tokens;
  }

  /** A refused token request, answered in RFC 6749's shape. */
  private static final class OAuthError extends RuntimeException {
    final int status;
    final String error;

    OAuthError(int status, String error, String description) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
    }
  }

  /** {@code POST /oauth/token} (form body). */
  void token(RoutingContext ctx) {
    Request request;
    try {
      request = read(ctx);
    } catch (OAuthError refused) {
      oauthError(ctx, refused);
      return;
    }
    clients
        .authenticate(request.clientId(), request.clientSecret(), ClientAddress.of(ctx))
        .onSuccess(
            client -> {
              if (client == null) {
                LOG.info(() -> "token refused for client id " + request.clientId());
                oauthError(ctx, invalidClient("the client id or secret is wrong"));
                return;
              }
              List<String> scopes;
              try {
                scopes = grantedScopes(client, request.scope());
              } catch (OAuthError refused) {
                oauthError(ctx, refused);
                return;
              }
              PlatformTokens.Issued issued = tokens.issue(client, scopes);
              clients.used(client.clientId());
              ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
              ctx.json(
                  new JsonObject()
                      .put("access_token", issued.token())
                      .put("token_type", "Bearer")
                      .put("expires_in", issued.expiresIn())
                      .put("scope", String.join(" ", scopes)));
            })
        .onFailure(ctx::fail);
  }

  /** What a token request asks for, once its form and client authentication are read. */
  private record Request(String clientId, String clientSecret, String scope) {}

  private static Request read(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      throw new OAuthError(400, "invalid_request", "send the parameters as " + FORM);
    }
    MultiMap form = ctx.request().formAttributes();
    for (String name : form.names()) {
      if (form.getAll(name).size() > 1) {
        throw new OAuthError(400, "invalid_request", "the parameter " + name + " is repeated");
      }
    }
    String grant = form.get("grant_type");
    if (grant == null || grant.isEmpty()) {
      throw new OAuthError(400, "invalid_request", "grant_type is required");
    }
    if (!"client_credentials".equals(grant)) {
      throw new OAuthError(
          400, "unsupported_grant_type", "only the client_credentials grant is supported");
    }
    String header = ctx.request().getHeader("Authorization");
    String clientId = form.get("client_id");
    String clientSecret = form.get("client_secret");
    if (header != null) {
      if (clientSecret != null) {
        throw new OAuthError(
            400,
            "invalid_request",
            "authenticate the client one way: the Basic header or the form, not both");
      }
      String[] basic = basicCredentials(header);
      if (clientId != null && !clientId.equals(basic[0])) {
        throw new OAuthError(
            400, "invalid_request", "client_id in the form is not the client of the Basic header");
      }
      clientId = basic[0];
      clientSecret = basic[1];
    } else if (clientId == null && clientSecret == null) {
      throw invalidClient(
          "the client is not authenticated: send its id and secret in an HTTP Basic header");
    } else if (clientId == null || clientSecret == null) {
      throw invalidClient("send both client_id and client_secret");
    }
    if (clientId.isEmpty() || clientId.length() > 128 || clientSecret.length() > 256) {
      throw invalidClient("the client id or secret is wrong");
    }
    return new Request(clientId, clientSecret, form.get("scope"));
  }

  /**
   * The scopes a token gets: all of the client's when none are asked for, else those asked for; an
   * unknown scope or one the client does not hold is {@code invalid_scope}, naming them.
   */
  private static List<String> grantedScopes(ApiClient client, String requested) {
    if (requested == null || requested.isBlank()) {
      return client.scopes();
    }
    Set<String> wanted = new LinkedHashSet<>(List.of(requested.strip().split("\\s+")));
    List<String> unknown = wanted.stream().filter(s -> !ApiScopes.ALL.contains(s)).toList();
    if (!unknown.isEmpty()) {
      throw new OAuthError(
          400, "invalid_scope", "unknown scope " + String.join(" ", unknown) + " requested");
    }
    List<String> lacking = wanted.stream().filter(s -> !client.scopes().contains(s)).toList();
    if (!lacking.isEmpty()) {
      throw new OAuthError(
          400,
          "invalid_scope",
          "the client does not hold the scope " + String.join(" ", lacking) + " requested");
    }
    return new ArrayList<>(wanted);
  }

  /** The id and secret of a Basic header; {@code invalid_client} when it is not one. */
  private static String[] basicCredentials(String header) {
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw invalidClient("authenticate the client with HTTP Basic, or in the form");
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon >= 0) {
        // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
        return new String[] {
          URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
        };
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw invalidClient("the Basic header is not base64 of client id, colon, secret");
  }

  private static OAuthError invalidClient(String description) {
    return new OAuthError(401, "invalid_client", description);
  }

  private static void oauthError(RoutingContext ctx, OAuthError refused) {
    if (ctx.response().headWritten()) {
      return;
    }
    if (refused.status == 401) {
      // RFC 6749 5.2: the scheme the client used, and the one a client that sent none can use.
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + TokenRefusal.REALM + "\"");
    }
    ctx.response()
        .setStatusCode(refused.status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Pragma", "no-cache")
        .end(
            new JsonObject()
                .put("error", refused.error)
                .put("error_description", refused.getMessage())
                .encode());
  }

  /**
   * The failure handler of {@code /oauth/token}: a throttled address is the 429 problem document
   * the API answers everywhere, a request refused before it was read is {@code invalid_request}
   * (with 413 for a body over the limit), and anything else the node's failure handler's.
   */
  static void failureHandler(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = failure instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
    if (failure instanceof Throttled || status < 400 || status >= 500) {
      HttpErrors.failureHandler(ctx);
    } else if (status == 413) {
      oauthError(ctx, new OAuthError(413, "invalid_request", "the request body is too large"));
    } else {
      oauthError(
          ctx,
          new OAuthError(
              400,
              "invalid_request",
              "the form cannot be read"
                  + (failure == null || failure.getMessage() == null
                      ? ""
                      : ": " + failure.getMessage())));
    }
  }

  /**
   * A handler that lets a request through only if its token holds the scope; otherwise 403 {@code
   * insufficient_scope} naming it, in the problem document ({@code scope}) and in the challenge
   * (RFC 6750 section 3.1).
   */
  public static Handler<RoutingContext> requireScope(String scope) {
    return ctx -> {
      Caller caller = Caller.of(ctx);
      if (caller != null && caller.scopes().contains(scope)) {
        ctx.next();
        return;
      }
      String detail = "this call needs the scope " + scope + ", which the token does not hold";
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + TokenRefusal.REALM
                  + "\", error=\"insufficient_scope\", error_description=\""
                  + detail
                  + "\", scope=\""
                  + scope
                  + "\"");
      HttpErrors.respond(
          ctx,
          403,
          new JsonObject()
              .put("error", "insufficient_scope")
              .put("message", detail)
              .put("scope", scope));
    };
  }

  /** The tenant a checked token belongs to. */
  public static UUID tenantOf(RoutingContext ctx) {
    return Caller.of(ctx).tenantId();
  }
}
