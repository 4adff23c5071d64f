package io.paybridge.gateway.googleplay;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * A compact JWT (RFC 7519) signed with RS256, read strictly and written canonically.
 *
 * <p>Reading accepts exactly three non-empty base64url parts without padding, and refuses any part
 * that does not re-encode to the very text received: unused trailing bits of the last character
 * would otherwise let a changed token decode to the same bytes and still verify.
 *
 * @param signingInput the ASCII bytes {@code header.payload} exactly as received
 * @param header the decoded JOSE header
 * @param claims the decoded claims set
 * @param signature the decoded signature bytes
 */
record CompactJwt(byte[] signingInput, JsonObject header, JsonObject claims, byte[] signature) {

  /** Google's ID tokens are about 1 KB; this bounds the work a caller can cause. */
  static final int MAX_LENGTH = 8 * 1024;

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** The text is not a compact JWT this plugin accepts; the message says why, for the log. */
  static final class InvalidJwtException extends Exception {
    InvalidJwtException(String message) {
      super(message, null, false, false);
    }
  }

  /** Splits and decodes a compact JWT; the signature is not checked here. */
  static CompactJwt parse(String token) throws InvalidJwtException {
    if (token.isEmpty()) {
      throw new InvalidJwtException("the token is empty");
    }
    if (token.length() > MAX_LENGTH) {
      throw new InvalidJwtException("the token is longer than " + MAX_LENGTH + " characters");
    }
    int firstDot = -1;
    int secondDot = -1;
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
        if (dots == 1) {
          firstDot = i;
        } else if (dots == 2) {
          secondDot = i;
        }
      } else if (!isBase64UrlChar(c)) {
        throw new InvalidJwtException(
            "character " + i + " of the token is neither base64url without padding nor '.'");
      }
    }
    if (dots != 2) {
      throw new InvalidJwtException(
          "a compact JWT has 3 dot-separated parts, this one has " + (dots + 1));
    }
    JsonObject header = json("header", decodePart("header", token.substring(0, firstDot)));
    JsonObject claims =
        json("claims", decodePart("claims", token.substring(firstDot + 1, secondDot)));
    byte[] signature = decodePart("signature", token.substring(secondDot + 1));
    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    return new CompactJwt(signingInput, header, claims, signature);
  }

  /** Whether {@code key} made this token's RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature. */
  boolean signedBy(PublicKey key) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Writes and RS256-signs a compact JWT; header members are written in the given order. */
  static String sign(JsonObject header, JsonObject claims, PrivateKey key) {
    String signingInput =
        ENCODER.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + ENCODER.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + ENCODER.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RS256 signing failed: " + e.getMessage(), e);
    }
  }

  private static byte[] decodePart(String name, String part) throws InvalidJwtException {
    if (part.isEmpty()) {
      throw new InvalidJwtException("the token's " + name + " is empty");
    }
    byte[] decoded;
    try {
      decoded = DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new InvalidJwtException("the token's " + name + " is not base64url");
    }
    if (!ENCODER.encodeToString(decoded).equals(part)) {
      throw new InvalidJwtException(
          "the token's " + name + " is not canonical base64url (unused trailing bits are set)");
    }
    return decoded;
  }

  private static JsonObject json(String name, byte[] bytes) throws InvalidJwtException {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(new String(bytes, StandardCharsets.UTF_8));
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // reported below
    }
    throw new InvalidJwtException("the token's " + name + " is not a JSON object");
  }

  private static boolean isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
