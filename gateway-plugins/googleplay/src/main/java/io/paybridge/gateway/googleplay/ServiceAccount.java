package io.paybridge.gateway.googleplay;

import io.paybridge.spi.CompactJws;
import io.paybridge.spi.JwsAlgorithm;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * A Google Cloud service-account key as the Cloud console downloads it (a JSON object with {@code
 * client_email}, {@code private_key} as a PKCS#8 PEM RSA key, {@code private_key_id} and {@code
 * token_uri}), and the signed assertion it exchanges for an OAuth access token (RFC 7523, the "JWT
 * bearer" grant).
 *
 * @param clientEmail the service account's email: the assertion's issuer
 * @param privateKey the RSA key the assertion is signed with
 * @param privateKeyId the key's id, sent as {@code kid} so Google finds the right public key
 * @param tokenUri where the key file says to exchange assertions; only Google's endpoints are kept
 * @param fingerprint SHA-256 of the private key, hex: part of the access-token cache key, so a
 *     second account naming the same {@code client_email} with another key never gets the first
 *     account's token
 */
record ServiceAccount(
    String clientEmail,
    RSAPrivateKey privateKey,
    String privateKeyId,
    String tokenUri,
    String fingerprint) {

  /** Google's OAuth 2.0 token endpoint, used when the key file names none. */
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  /** Hosts of Google's token endpoints that a key file's {@code token_uri} may name. */
  private static final Set<String> GOOGLE_TOKEN_HOSTS =
      Set.of("oauth2.googleapis.com", "accounts.google.com", "www.googleapis.com");

  /** How long an assertion is valid: Google accepts at most one hour. */
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

  /** The key file could not be used; the message names the member and never quotes the key. */
  static final class InvalidServiceAccountException extends IllegalArgumentException {
    InvalidServiceAccountException(String message) {
      super(message);
    }
  }

  /** Reads a service-account key file. */
  static ServiceAccount parse(String json) {
    JsonObject key;
    try {
      Object value = io.vertx.core.json.Json.decodeValue(json);
      if (!(value instanceof JsonObject object)) {
        throw new InvalidServiceAccountException(
            "the service-account key must be the JSON object Google Cloud downloads");
      }
      key = object;
    } catch (DecodeException e) {
      throw new InvalidServiceAccountException("the service-account key is not valid JSON");
    }
    Object type = key.getValue("type");
    if (type != null && !"service_account".equals(type)) {
      throw new InvalidServiceAccountException(
          "the key's 'type' must be 'service_account', not '" + type + "'");
    }
    String email = text(key, "client_email");
    if (email == null || !email.contains("@")) {
      throw new InvalidServiceAccountException(
          "the key has no 'client_email' (the service account's email address)");
    }
    String pem = text(key, "private_key");
    if (pem == null) {
      throw new InvalidServiceAccountException("the key has no 'private_key'");
    }
    byte[] pkcs8 = pkcs8(pem);
    RSAPrivateKey privateKey;
    try {
      privateKey =
          (RSAPrivateKey)
              KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidServiceAccountException(
          "the key's 'private_key' is not an RSA private key in PKCS#8");
    }
    if (privateKey.getModulus().bitLength() < 2048) {
      throw new InvalidServiceAccountException("the key's 'private_key' is shorter than 2048 bits");
    }
    String tokenUri = text(key, "token_uri");
    if (tokenUri != null && !isGoogleTokenEndpoint(tokenUri)) {
      throw new InvalidServiceAccountException(
          "the key's 'token_uri' must be Google's OAuth endpoint (https://oauth2.googleapis.com/token)");
    }
    return new ServiceAccount(
        email,
        privateKey,
        text(key, "private_key_id"),
        tokenUri == null ? DEFAULT_TOKEN_URI : tokenUri,
        sha256Hex(pkcs8));
  }

  /** The key of this account's access tokens in a cache shared by all accounts. */
  String cacheKey() {
    return clientEmail + "#" + fingerprint;
  }

  /**
   * A signed assertion asking {@code audience} (the token endpoint) for an access token with the
   * given scope, valid from {@code now} for {@link #ASSERTION_LIFETIME}.
   */
  String assertion(String scope, String audience, Instant now) {
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT");
    if (privateKeyId != null) {
      header.put("kid", privateKeyId);
    }
    long iat = now.getEpochSecond();
    JsonObject claims =
        new JsonObject()
            .put("iss", clientEmail)
            .put("scope", scope)
            .put("aud", audience)
            .put("iat", iat)
            .put("exp", iat + ASSERTION_LIFETIME.toSeconds());
    return CompactJws.sign(header, claims, JwsAlgorithm.RS256, privateKey);
  }

  /** Whether {@code uri} is one of Google's OAuth token endpoints over https. */
  static boolean isGoogleTokenEndpoint(String uri) {
    try {
      URI parsed = new URI(uri);
      return "https".equals(parsed.getScheme())
          && parsed.getHost() != null
          && GOOGLE_TOKEN_HOSTS.contains(parsed.getHost().toLowerCase(Locale.ROOT))
          && parsed.getPort() == -1
          && parsed.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static byte[] pkcs8(String pem) {
    String text = pem.strip();
    if (text.contains("BEGIN RSA PRIVATE KEY")) {
      throw new InvalidServiceAccountException(
          "the key's 'private_key' is PKCS#1 (BEGIN RSA PRIVATE KEY); Google keys are PKCS#8");
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new InvalidServiceAccountException(
          "the key's 'private_key' is not a PEM block (-----BEGIN PRIVATE KEY-----)");
    }
    String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new InvalidServiceAccountException("the key's 'private_key' PEM body is not base64");
    }
  }

  private static String text(JsonObject key, String member) {
    Object value = key.getValue(member);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new InvalidServiceAccountException("the key's '" + member + "' must be a string");
    }
    String stripped = s.strip();
    return stripped.isEmpty() ? null : stripped;
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "ServiceAccount[" + clientEmail + "]";
  }
}
