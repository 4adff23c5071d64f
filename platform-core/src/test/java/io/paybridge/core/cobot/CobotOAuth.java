package io.paybridge.core.cobot;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.RandomIds;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cobot's OAuth 2 authorization server: clients, the signed-in browser user, authorization codes,
 * access and refresh tokens, and the checks every API call goes through. Not thread-safe: {@link
 * CobotSimulator} guards it with its own monitor.
 */
final class CobotOAuth {

  /** How long an authorization code can be exchanged. */
  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

  /** How long an access token lives unless a test sets otherwise. */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(2);

  private static final String INVALID_GRANT =
      "The provided authorization grant is invalid, expired, revoked, does not match the"
          + " redirection URI used in the authorization request, or was issued to another client.";

  /** Who an API request acts as: the app (client) and the user who authorized it. */
  record Grant(String clientId, String userId, Set<String> scopes) {}

  private record Code(
      String clientId,
      String userId,
      String redirectUri,
      Set<String> scopes,
      String challenge,
      Instant expiresAt) {}

  private static final class Token {
    final String access;
    final String refresh;
    final Grant grant;
    Instant expiresAt;
    boolean revoked;

    Token(String access, String refresh, Grant grant, Instant expiresAt) {
      this.access = access;
      this.refresh = refresh;
      this.grant = grant;
      this.expiresAt = expiresAt;
    }
  }

  private final CobotSpaces spaces;
  private final Map<String, String> clientSecrets = new HashMap<>();
  private final Map<String, Code> codes = new HashMap<>();
  private final Map<String, Token> byAccess = new HashMap<>();
  private final Map<String, Token> byRefresh = new HashMap<>();
  private String signedInUser;
  private boolean denyNext;
  private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;

  CobotOAuth(CobotSpaces spaces) {
    this.spaces = spaces;
  }

  // ---- state

  void addClient(String clientId, String clientSecret) {
    if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
      throw new IllegalArgumentException("a client has an id and a secret");
    }
    clientSecrets.put(clientId, clientSecret);
  }

  /** The user signed in in the simulated browser, or null. */
  String signedInUser() {
    return signedInUser;
  }

  void signInAs(String userId) {
    signedInUser = userId == null ? null : spaces.requireUser(userId).id();
  }

  void denyNextAuthorization() {
    denyNext = true;
  }

  void tokenLifetime(Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("a token lives a while");
    }
    tokenLifetime = lifetime;
  }

  void expireTokensNow() {
    Instant past = Instant.now().minusSeconds(1);
    byAccess.values().forEach(t -> t.expiresAt = past);
  }

  void expireAuthorizationCodesNow() {
    Instant past = Instant.now().minusSeconds(1);
    codes.replaceAll(
        (code, c) ->
            new Code(c.clientId(), c.userId(), c.redirectUri(), c.scopes(), c.challenge(), past));
  }

  void revokeAllTokens() {
    byAccess.values().forEach(t -> t.revoked = true);
    byRefresh.clear();
  }

  /** Issues a token as the token endpoint does, and returns the token endpoint's answer. */
  JsonObject issue(String clientId, String userId, Set<String> scopes) {
    Instant now = Instant.now();
    Token token =
        new Token(
            RandomIds.hex(64),
            RandomIds.hex(64),
            new Grant(clientId, userId, Set.copyOf(scopes)),
            now.plus(tokenLifetime));
    byAccess.put(token.access, token);
    byRefresh.put(token.refresh, token);
    return new JsonObject()
        .put("access_token", token.access)
        .put("token_type", "bearer")
        .put("scope", String.join(" ", new LinkedHashSet<>(scopes)))
        .put("expires_in", tokenLifetime.toSeconds())
        .put("refresh_token", token.refresh)
        .put("created_at", now.getEpochSecond());
  }

  boolean clientExists(String clientId) {
    return clientSecrets.containsKey(clientId);
  }

  // ---- GET /oauth/authorize

  /** The browser's answer to an authorization request, the signed-in user consenting. */
  Answer authorize(MultiMap query) {
    String clientId = query.get("client_id");
    String redirectUri = query.get("redirect_uri");
    String state = query.get("state");
    if (clientId == null || !clientSecrets.containsKey(clientId)) {
      return page(400, "Unknown client", "There is no app with the client id " + clientId + ".");
    }
    if (redirectUri == null || redirectUri.isBlank()) {
      return page(400, "Missing redirect URI", "The request names no redirect_uri.");
    }
    if (signedInUser == null) {
      return page(401, "Not signed in", "You are not signed in to Cobot.");
    }
    if (!"code".equals(query.get("response_type"))) {
      return redirect(redirectUri, "error", "unsupported_response_type", state);
    }
    String method = query.get("code_challenge_method");
    if (query.get("code_challenge") != null && method != null && !"S256".equals(method)) {
      return redirect(redirectUri, "error", "invalid_request", state);
    }
    if (denyNext) {
      denyNext = false;
      return redirect(redirectUri, "error", "access_denied", state);
    }
    String code = RandomIds.alphanumeric(43);
    codes.put(
        code,
        new Code(
            clientId,
            signedInUser,
            redirectUri,
            scopes(query.get("scope")),
            query.get("code_challenge"),
            Instant.now().plus(CODE_LIFETIME)));
    return redirect(redirectUri, "code", code, state);
  }

  // ---- POST /oauth/access_token

  /** The token endpoint: {@code authorization_code} and {@code refresh_token} grants. */
  Answer token(ApiCall call) {
    boolean json =
        String.valueOf(call.header("Content-Type"))
            .toLowerCase(Locale.ROOT)
            .startsWith("application/json");
    JsonObject params = json ? CobotFormat.body(call) : CobotFormat.form(call.body());
    // Some clients send the parameters in the query string.
    call.queryParams().forEach((name, value) -> params.getMap().putIfAbsent(name, value));

    String clientId = authenticateClient(call, params);
    String grantType = params.getString("grant_type");
    JsonObject issued;
    if ("authorization_code".equals(grantType)) {
      issued = exchangeCode(clientId, params);
    } else if ("refresh_token".equals(grantType)) {
      issued = refresh(clientId, params.getString("refresh_token"));
    } else if (grantType == null) {
      throw CobotRefusal.badRequest("invalid_request", "The grant_type parameter is missing.");
    } else {
      throw CobotRefusal.badRequest(
          "unsupported_grant_type",
          "The authorization grant type is not supported by the authorization server.");
    }
    return CobotFormat.json(200, issued)
        .withHeader("Cache-Control", "no-store")
        .withHeader("Pragma", "no-cache");
  }

  /** The client: HTTP Basic (as OAuth 2 libraries send it) or the body's id and secret. */
  private String authenticateClient(ApiCall call, JsonObject params) {
    String authorization = call.header("Authorization");
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    String id = params.getString("client_id");
    String secret = params.getString("client_secret");
    if (basic) {
      String pair;
      try {
        pair =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        pair = "";
      }
      int colon = pair.indexOf(':');
      id = colon < 0 ? pair : pair.substring(0, colon);
      secret = colon < 0 ? null : pair.substring(colon + 1);
    }
    String expected = id == null ? null : clientSecrets.get(id);
    // RFC 6749 2.3.1 form-encodes id and secret before Basic; not every client does.
    boolean matches =
        expected != null
            && secret != null
            && (expected.equals(secret) || expected.equals(formDecoded(secret)));
    if (!matches && basic && id != null) {
      String decodedId = formDecoded(id);
      expected = clientSecrets.get(decodedId);
      matches = expected != null && secret != null && expected.equals(formDecoded(secret));
      id = decodedId;
    }
    if (!matches) {
      Answer refusal =
          CobotFormat.json(
              401,
              new JsonObject()
                  .put("error", "invalid_client")
                  .put(
                      "error_description",
                      "Client authentication failed due to unknown client, no client"
                          + " authentication included, or unsupported authentication method."));
      throw new CobotRefusal(
          basic ? refusal.withHeader("WWW-Authenticate", "Basic realm=\"Cobot\"") : refusal);
    }
    return id;
  }

  private JsonObject exchangeCode(String clientId, JsonObject params) {
    String given = params.getString("code");
    Code code = given == null ? null : codes.remove(given);
    String redirectUri = params.getString("redirect_uri");
    String verifier = params.getString("code_verifier");
    if (code == null
        || code.expiresAt().isBefore(Instant.now())
        || !code.clientId().equals(clientId)
        || (redirectUri != null && !redirectUri.equals(code.redirectUri()))
        || (code.challenge() != null && !code.challenge().equals(s256(verifier)))) {
      throw CobotRefusal.badRequest("invalid_grant", INVALID_GRANT);
    }
    return issue(clientId, code.userId(), code.scopes());
  }

  /** A new token for a refresh token, which is used up; the token it belonged to is revoked. */
  private JsonObject refresh(String clientId, String refreshToken) {
    Token old = refreshToken == null ? null : byRefresh.get(refreshToken);
    if (old == null || !old.grant.clientId().equals(clientId)) {
      throw CobotRefusal.badRequest("invalid_grant", INVALID_GRANT);
    }
    byRefresh.remove(refreshToken);
    old.revoked = true;
    return issue(clientId, old.grant.userId(), old.grant.scopes());
  }

  // ---- every API call

  /**
   * Who the request acts as, from {@code Authorization: Bearer …} or an {@code access_token} query
   * parameter: {@code 401 invalid_token} for a missing, unknown, revoked or expired token, {@code
   * 403 insufficient_scope} without {@code scope} (none needed when {@code null}).
   */
  Grant authenticate(ApiCall call, String scope) {
    String authorization = call.header("Authorization");
    String access =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).strip()
            : call.queryParams().get("access_token");
    Token token = access == null ? null : byAccess.get(access);
    if (token == null) {
      throw invalidToken("The access token is invalid");
    }
    if (token.revoked) {
      throw invalidToken("The access token was revoked");
    }
    if (!token.expiresAt.isAfter(Instant.now())) {
      throw invalidToken("The access token expired");
    }
    if (scope != null && !token.grant.scopes().contains(scope)) {
      throw new CobotRefusal(
          CobotFormat.json(
                  403,
                  new JsonObject()
                      .put("error", "insufficient_scope")
                      .put(
                          "error_description",
                          "The request requires higher privileges than provided by the access"
                              + " token."))
              .withHeader(
                  "WWW-Authenticate",
                  "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }
    return token.grant;
  }

  private static CobotRefusal invalidToken(String description) {
    return new CobotRefusal(
        CobotFormat.json(
                401,
                new JsonObject()
                    .put("error", "invalid_token")
                    .put("error_description", description))
            .withHeader(
                "WWW-Authenticate",
                "Bearer error=\"invalid_token\", error_description=\"" + description + "\""));
  }

  // ---- helpers

  /** The scopes of a space-separated {@code scope} parameter, in order. */
  static Set<String> scopes(String scope) {
    if (scope == null || scope.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(scope.strip().split("\\s+"))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static Answer redirect(String redirectUri, String name, String value, String state) {
    StringBuilder location = new StringBuilder(redirectUri);
    location.append(redirectUri.contains("?") ? '&' : '?').append(name).append('=');
    location.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    if (state != null) {
      location.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
    }
    return Answer.of(302, "text/html; charset=utf-8", "<html><body>You are being redirected.")
        .withHeader("Location", location.toString());
  }

  private static Answer page(int status, String title, String text) {
    return Answer.of(
        status,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><head><title>"
            + title
            + " | Cobot</title></head><body><h1>"
            + title
            + "</h1><p>"
            + text
            + "</p></body></html>");
  }

  private static String s256(String verifier) {
    if (verifier == null) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String formDecoded(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
