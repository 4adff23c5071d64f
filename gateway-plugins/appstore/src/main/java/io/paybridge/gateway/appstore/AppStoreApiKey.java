package io.paybridge.gateway.appstore;

import static io.paybridge.gateway.appstore.AppStorePlugin.ISSUER_ID;
import static io.paybridge.gateway.appstore.AppStorePlugin.KEY_ID;
import static io.paybridge.gateway.appstore.AppStorePlugin.PRIVATE_KEY;

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
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

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

  /** The credential fields of an In-App Purchase key, all or none of which an account has. */
  private static final List<String> FIELDS = List.of(ISSUER_ID, KEY_ID, PRIVATE_KEY);

  private static final Pattern KEY_ID_FORMAT = Pattern.compile("[A-Z0-9]{10}");

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

  /**
   * Checks the account's In-App Purchase key fields as the tenant saves them: none, or all three,
   * with an issuer ID that is a UUID, a 10-character key ID and a P-256 PKCS#8 private key.
   *
   * @throws InvalidCredentialsException naming the offending field
   */
  static void checkFields(Credentials credentials) {
    if (FIELDS.stream().allMatch(field -> credentials.get(field) == null)) {
      return;
    }
    requireAll(
        credentials,
        missing ->
            label(missing)
                + " is required with the other In-App Purchase key fields: save the issuer ID,"
                + " the key ID and the private key together.");
    try {
      UUID.fromString(credentials.get(ISSUER_ID));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(
          ISSUER_ID, label(ISSUER_ID) + " must be the issuer ID, a UUID.");
    }
    if (!KEY_ID_FORMAT.matcher(credentials.get(KEY_ID)).matches()) {
      throw new InvalidCredentialsException(
          KEY_ID, label(KEY_ID) + " must be the key's 10-character ID.");
    }
    try {
      parsePrivateKey(credentials.get(PRIVATE_KEY));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(
          PRIVATE_KEY,
          label(PRIVATE_KEY) + " is not the .p8 In-App Purchase key: " + e.getMessage());
    }
  }

  /** What the form calls one of the key's fields. */
  private static String label(String field) {
    return switch (field) {
      case ISSUER_ID -> "In-App Purchase key: issuer ID";
      case KEY_ID -> "In-App Purchase key: key ID";
      default -> "In-App Purchase key: private key";
    };
  }

  /** Whether the account has the In-App Purchase key's three fields. */
  static boolean configured(Credentials credentials) {
    return firstMissing(credentials) == null;
  }

  /** The first of the key's fields the account lacks, or {@code null} when it has all three. */
  private static String firstMissing(Credentials credentials) {
    return FIELDS.stream().filter(field -> credentials.get(field) == null).findFirst().orElse(null);
  }

  /**
   * Requires all three of the key's fields.
   *
   * @throws InvalidCredentialsException naming the first of the key's fields the account lacks,
   *     with the reason {@code why} gives for it
   */
  private static void requireAll(Credentials credentials, UnaryOperator<String> why) {
    String missing = firstMissing(credentials);
    if (missing != null) {
      throw new InvalidCredentialsException(missing, why.apply(missing));
    }
  }

  /**
   * The account's In-App Purchase key.
   *
   * @throws InvalidCredentialsException naming the first missing field, or the private key when it
   *     does not parse
   */
  static AppStoreApiKey of(Credentials credentials) {
    requireAll(
        credentials,
        missing ->
            "the App Store account has no In-App Purchase key ('"
                + missing
                + "' is missing), which reading subscriptions requires");
    PrivateKey key;
    try {
      key = parsePrivateKey(credentials.get(PRIVATE_KEY));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(PRIVATE_KEY, e.getMessage());
    }
    return new AppStoreApiKey(credentials.get(ISSUER_ID), credentials.get(KEY_ID), key);
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
