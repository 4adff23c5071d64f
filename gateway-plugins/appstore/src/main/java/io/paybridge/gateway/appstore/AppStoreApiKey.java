package io.paybridge.gateway.appstore;

import io.paybridge.spi.CompactJws;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.JwsAlgorithm;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * An In-App Purchase key of App Store Connect (Users and Access › Integrations › In-App Purchase),
 * and the bearer tokens it signs for the App Store Server API.
 *
 * <p>The key is the {@code .p8} file Apple lets the developer download once: a PEM {@code PRIVATE
 * KEY}, PKCS#8, of an EC P-256 key. A token is a JWT with header {@code {"alg":"ES256","kid":<key
 * id>,"typ":"JWT"}} and claims {@code iss} (issuer id), {@code iat}, {@code exp} (Apple refuses
 * lifetimes above 60 minutes), {@code aud} {@value #AUDIENCE} and {@code bid} (the app's bundle
 * id), signed ES256 with the raw {@code R||S} signature JWS uses.
 *
 * @param issuerId the team's issuer id
 * @param keyId the key's id, as App Store Connect shows it
 * @param key the private key
 */
record AppStoreApiKey(String issuerId, String keyId, PrivateKey key) {

  /** The audience every App Store Server API token names. */
  static final String AUDIENCE = "appstoreconnect-v1";

  /** Lifetime of the tokens this key signs: well under Apple's 60-minute limit. */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  /**
   * Reads the text of a {@code .p8} file. The PEM armour is optional (the base64 body alone is
   * accepted) and line breaks may be missing, as when the key is pasted into a one-line field.
   *
   * @throws IllegalArgumentException saying why the text is not a P-256 PKCS#8 private key
   */
  static PrivateKey parsePrivateKey(String pem) {
    String body = pem.strip();
    if (body.startsWith(PEM_BEGIN)) {
      int end = body.indexOf(PEM_END);
      if (end < 0) {
        throw new IllegalArgumentException("the key has no '" + PEM_END + "' line");
      }
      body = body.substring(PEM_BEGIN.length(), end);
    } else if (body.startsWith("-----BEGIN")) {
      throw new IllegalArgumentException(
          "the key must be the .p8 file's PKCS#8 '" + PEM_BEGIN + "', not another PEM type");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not base64 PEM");
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the key is not a PKCS#8 EC private key");
    }
    if (!(key instanceof ECPrivateKey ec) || ec.getParams().getOrder().bitLength() != 256) {
      throw new IllegalArgumentException("the key is not on curve P-256, as ES256 requires");
    }
    return key;
  }

  /** Whether the account has the In-App Purchase key's three fields. */
  static boolean configured(Credentials credentials) {
    return credentials.get(AppStorePlugin.ISSUER_ID) != null
        && credentials.get(AppStorePlugin.KEY_ID) != null
        && credentials.get(AppStorePlugin.PRIVATE_KEY) != null;
  }

  /**
   * The account's In-App Purchase key.
   *
   * @throws InvalidCredentialsException naming the first missing field, or the private key when it
   *     does not parse
   */
  static AppStoreApiKey of(Credentials credentials) {
    for (String field :
        List.of(AppStorePlugin.ISSUER_ID, AppStorePlugin.KEY_ID, AppStorePlugin.PRIVATE_KEY)) {
      if (credentials.get(field) == null) {
        throw new InvalidCredentialsException(
            field,
            "the App Store account has no In-App Purchase key ('"
                + field
                + "' is missing), which reading subscriptions requires");
      }
    }
    PrivateKey key;
    try {
      key = parsePrivateKey(credentials.get(AppStorePlugin.PRIVATE_KEY));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(AppStorePlugin.PRIVATE_KEY, e.getMessage());
    }
    return new AppStoreApiKey(
        credentials.get(AppStorePlugin.ISSUER_ID), credentials.get(AppStorePlugin.KEY_ID), key);
  }

  /** A bearer token for the app {@code bundleId}, issued at {@code now}. */
  String token(String bundleId, Instant now) {
    JsonObject header = new JsonObject().put("alg", "ES256").put("kid", keyId).put("typ", "JWT");
    long issuedAt = now.getEpochSecond();
    JsonObject claims =
        new JsonObject()
            .put("iss", issuerId)
            .put("iat", issuedAt)
            .put("exp", issuedAt + TOKEN_LIFETIME.toSeconds())
            .put("aud", AUDIENCE)
            .put("bid", bundleId);
    return CompactJws.sign(header, claims, JwsAlgorithm.ES256, key);
  }

  @Override
  public String toString() {
    return "AppStoreApiKey[issuerId=" + issuerId + ", keyId=" + keyId + "]";
  }
}
