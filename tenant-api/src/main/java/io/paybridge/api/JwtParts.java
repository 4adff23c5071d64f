package io.paybridge.api;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A compact JWS read without checking it: its header and claims, for choosing who checks it (by
 * issuer and algorithm) and for saying precisely what is wrong with a token that fails. Nothing
 * read here is trusted until the token's signature is checked.
 *
 * @param header the JOSE header
 * @param claims the payload
 */
record JwtParts(JsonObject header, JsonObject claims) {

  /** Longest token accepted; the request line and headers are bounded anyway. */
  static final int MAX_LENGTH = 8192;

  /**
   * The parts of a token; a {@link TokenRefusal} ({@code token_invalid}) when it is not three
   * base64url parts of which the first two are JSON objects and the last is not empty.
   */
  static JwtParts parse(String token) {
    if (token.length() > MAX_LENGTH) {
      throw TokenRefusal.invalid("the bearer token is longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw TokenRefusal.invalid("the bearer token is not a signed JWT (three base64url parts)");
    }
    if (parts[2].isEmpty()) {
      throw TokenRefusal.invalid("the bearer token is not signed");
    }
    for (String part : parts) {
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '-' && c != '_') {
          throw TokenRefusal.invalid(
              "the bearer token is not a signed JWT (three base64url parts)");
        }
      }
    }
    return new JwtParts(object(parts[0]), object(parts[1]));
  }

  /** The header's {@code alg}, or {@code null}. */
  String algorithm() {
    return header.getValue("alg") instanceof String alg ? alg : null;
  }

  /** The header's {@code kid}, or {@code null}. */
  String keyId() {
    return header.getValue("kid") instanceof String kid ? kid : null;
  }

  /** The {@code iss} claim, or {@code null}. */
  String issuer() {
    return claims.getValue("iss") instanceof String iss ? iss : null;
  }

  private static JsonObject object(String part) {
    try {
      return new JsonObject(
          new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw TokenRefusal.invalid("the bearer token's header or claims are not JSON objects");
    }
  }
}
