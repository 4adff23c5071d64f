package io.paybridge.core.cobot;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Cobot's HTTP API as the platform uses it: OAuth2 (authorization code and refresh, with
 * vertx-auth-oauth2 as the client), the signed-in user ({@code GET /api/user}) and a space's API
 * (JSON in and out, {@code Authorization: Bearer}). Every call has a timeout; an error answer or no
 * answer is a {@link CobotException}.
 */
public final class CobotApi {

  private static final long TIMEOUT_MS = 15_000;
  private static final int MAX_BODY_SHOWN = 300;

  /** Tokens Cobot issued; {@code refreshToken} and {@code expiresAt} may be null. */
  public record Issued(String accessToken, String refreshToken, OffsetDateTime expiresAt) {
    @Override
    public String toString() {
      return "Issued[expiresAt=" + expiresAt + "]";
    }
  }

  private final Vertx vertx;
  private final WebClient client;
  private final CobotSettings settings;
  private final String callbackUrl;
  private final Clock clock;

  /**
   * @param callbackUrl the OAuth redirect URI ({@code <public URL>/cobot/oauth/callback})
   */
  public CobotApi(Vertx vertx, CobotSettings settings, String callbackUrl, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.callbackUrl = callbackUrl;
    this.clock = clock;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(5_000)
                .setIdleTimeout(30)
                .setFollowRedirects(false)
                .setUserAgent("Paybridge"));
  }

  public CobotSettings settings() {
    return settings;
  }

  /** Where a browser is sent to grant the client {@code scopes}, carrying {@code state}. */
  public String authorizeUrl(String clientId, List<String> scopes, String state) {
    return settings.cobotUrl()
        + "/oauth/authorize?response_type=code&client_id="
        + enc(clientId)
        + "&redirect_uri="
        + enc(callbackUrl)
        + "&scope="
        + enc(String.join(" ", scopes))
        + "&state="
        + enc(state);
  }

  /** Exchanges an authorization code for tokens. */
  public Future<Issued> exchange(String clientId, String clientSecret, String code) {
    return withOAuth(
        clientId,
        clientSecret,
        oauth ->
            oauth.authenticate(
                new Oauth2Credentials()
                    .setFlow(OAuth2FlowType.AUTH_CODE)
                    .setCode(code)
                    .setRedirectUri(callbackUrl)));
  }

  /** Trades a refresh token for new tokens. */
  public Future<Issued> refresh(String clientId, String clientSecret, String refreshToken) {
    User holder =
        User.create(new JsonObject().put("access_token", "").put("refresh_token", refreshToken));
    return withOAuth(clientId, clientSecret, oauth -> oauth.refresh(holder));
  }

  private Future<Issued> withOAuth(
      String clientId,
      String clientSecret,
      java.util.function.Function<OAuth2Auth, Future<User>> grant) {
    OAuth2Auth oauth =
        OAuth2Auth.create(
            vertx,
            new OAuth2Options()
                .setClientId(clientId)
                .setClientSecret(clientSecret)
                .setSite(settings.cobotUrl())
                .setAuthorizationPath("/oauth/authorize")
                .setTokenPath("/oauth/access_token")
                .setUserInfoPath("/api/user"));
    return grant
        .apply(oauth)
        .map(this::issued)
        .recover(
            err ->
                Future.failedFuture(
                    new CobotException(
                        "Cobot refused the authorization: " + err.getMessage(),
                        isRefusal(err) ? 400 : CobotException.NO_ANSWER,
                        null)))
        .eventually(
            () -> {
              oauth.close();
              return Future.succeededFuture();
            });
  }

  /** Whether the OAuth client's failure is Cobot's answer rather than no answer at all. */
  private static boolean isRefusal(Throwable err) {
    String m = String.valueOf(err.getMessage());
    return m.contains("invalid_grant")
        || m.contains("invalid_client")
        || m.contains("unauthorized")
        || m.contains("Bad Request")
        || m.contains("Unauthorized")
        || m.contains("access_denied");
  }

  private Issued issued(User user) {
    JsonObject p = user.principal();
    String access = p.getString("access_token");
    if (access == null || access.isBlank()) {
      throw new CobotException("Cobot's token answer has no access_token", 502, null);
    }
    Long expiresIn = p.getLong("expires_in");
    return new Issued(
        access,
        p.getString("refresh_token"),
        expiresIn == null
            ? null
            : OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).plusSeconds(expiresIn));
  }

  /** The user a token belongs to ({@code GET /api/user}). */
  public Future<JsonObject> user(String accessToken) {
    return object(HttpMethod.GET, settings.cobotUrl() + "/api/user", accessToken, null);
  }

  /** A JSON object from a space's API. */
  public Future<JsonObject> object(HttpMethod method, String url, String token, JsonObject body) {
    return send(method, url, token, body)
        .map(
            b -> {
              if (b == null || b.length() == 0) {
                return new JsonObject();
              }
              try {
                return new JsonObject(b);
              } catch (DecodeException | ClassCastException e) {
                throw new CobotException(
                    "Cobot's answer to " + method + " " + url + " is not a JSON object", 502, null);
              }
            });
  }

  /** A JSON array from a space's API. */
  public Future<JsonArray> array(String url, String token) {
    return send(HttpMethod.GET, url, token, null)
        .map(
            b -> {
              try {
                return new JsonArray(b);
              } catch (DecodeException | ClassCastException e) {
                throw new CobotException(
                    "Cobot's answer to GET " + url + " is not a JSON array", 502, null);
              }
            });
  }

  private Future<Buffer> send(HttpMethod method, String url, String token, JsonObject body) {
    HttpRequest<Buffer> request =
        client
            .requestAbs(method, url)
            .timeout(TIMEOUT_MS)
            .putHeader("Accept", "application/json")
            .bearerTokenAuthentication(token);
    Future<HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendJsonObject(body);
    return sent.transform(
        ar -> {
          if (ar.failed()) {
            return Future.failedFuture(
                new CobotException(
                    "Cobot did not answer " + method + " " + url + ": " + ar.cause().getMessage(),
                    CobotException.NO_ANSWER,
                    null));
          }
          HttpResponse<Buffer> r = ar.result();
          if (r.statusCode() / 100 == 2) {
            return Future.succeededFuture(r.body());
          }
          String text = r.bodyAsString();
          String shown =
              text == null
                  ? ""
                  : text.length() > MAX_BODY_SHOWN ? text.substring(0, MAX_BODY_SHOWN) : text;
          return Future.failedFuture(
              new CobotException(
                  "Cobot answered " + r.statusCode() + " to " + method + " " + url + ": " + shown,
                  r.statusCode(),
                  shown));
        });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
