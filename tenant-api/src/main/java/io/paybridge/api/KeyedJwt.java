package io.paybridge.api;

import io.paybridge.core.security.TokenKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HS256 tokens under the platform's rotating keys: a token is signed by the current key and names
 * it in its {@code kid} header; a token is checked only by the key its {@code kid} names, and only
 * while that key is accepted. A token without a {@code kid}, or naming a key the platform does not
 * hold (any more), is refused without trying other keys. vertx-auth-jwt does the signing and the
 * checking (algorithm pinned, issuer, audience, expiry), one provider per key.
 */
final class KeyedJwt implements JWTAuth {

  private static final int MAX_PROVIDERS = 32;

  private final Vertx vertx;
  private final TokenKeys keys;
  private final JWTOptions checks;
  private final Map<String, JWTAuth> providers = new ConcurrentHashMap<>();

  /**
   * @param checks what every token must satisfy beyond its signature (issuer, audience, leeway)
   */
  KeyedJwt(Vertx vertx, TokenKeys keys, JWTOptions checks) {
    this.vertx = vertx;
    this.keys = keys;
    this.checks = checks;
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return provider(keys.signing()).generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token)) {
      return Future.failedFuture("a bearer token is required");
    }
    String kid = kidOf(token.getToken());
    TokenKeys.Key key = kid == null ? null : keys.verifying(kid);
    if (key == null) {
      return Future.failedFuture("the token names no key this platform accepts");
    }
    return provider(key).authenticate(credentials);
  }

  /** One provider per key, holding only that key under its kid. */
  private JWTAuth provider(TokenKeys.Key key) {
    JWTAuth known = providers.get(key.kid());
    if (known != null) {
      return known;
    }
    if (providers.size() >= MAX_PROVIDERS) {
      providers.clear();
    }
    return providers.computeIfAbsent(
        key.kid(),
        kid ->
            JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                    .addPubSecKey(
                        new PubSecKeyOptions()
                            .setAlgorithm("HS256")
                            .setId(kid)
                            .setBuffer(
                                Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString(key.secret())))
                    .setJWTOptions(new JWTOptions(checks))));
  }

  /** The {@code kid} of a compact JWS's header, or {@code null} when it has none or is not one. */
  static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot > 4096) {
      return null;
    }
    try {
      JsonObject header =
          new JsonObject(
              new String(
                  Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
      return header.getValue("kid") instanceof String kid ? kid : null;
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  /**
   * The signature alone: the claims (lifetime, audience) are checked by {@link PlatformTokens}
   * against the node's clock, so that a refusal can say which of them failed.
   */
  static JWTOptions signatureOnly() {
    return new JWTOptions().setIgnoreExpiration(true);
  }
}
