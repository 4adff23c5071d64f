package io.paybridge.gateway.code;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A compact JWS (RFC 7515 §7.1) split and decoded strictly, so that the text received is the only
 * text that decodes to these parts: exactly three non-empty parts of the base64url alphabet, no
 * padding, no whitespace, and no part whose unused trailing bits are set (each part must re-encode
 * to exactly what was received). Without that last rule some single-character changes to a token
 * would decode to the same bytes and still verify.
 *
 * @param signingInput the ASCII bytes {@code header.payload} exactly as received: what is signed
 * @param header the decoded JOSE header bytes
 * @param payload the decoded payload bytes
 * @param signature the decoded signature bytes
 */
record CompactJws(byte[] signingInput, byte[] header, byte[] payload, byte[] signature) {

  /** Far above any real webhook (a few hundred bytes); bounds the work an attacker can cause. */
  static final int MAX_LENGTH = 16 * 1024;

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** The token is not a canonical compact JWS; the message says why, for the log. */
  static final class InvalidTokenException extends Exception {
    InvalidTokenException(String message) {
      super(message, null, false, false);
    }
  }

  /** Splits and decodes a request body holding a compact JWS. */
  static CompactJws parse(Buffer body) throws InvalidTokenException {
    int length = body.length();
    if (length == 0) {
      throw new InvalidTokenException("body is empty, a compact JWT was expected");
    }
    if (length > MAX_LENGTH) {
      throw new InvalidTokenException(
          "body is " + length + " bytes, more than a JWT webhook carries");
    }
    byte[] bytes = body.getBytes();
    int firstDot = -1;
    int secondDot = -1;
    int dots = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '.') {
        dots++;
        if (dots == 1) {
          firstDot = i;
        } else if (dots == 2) {
          secondDot = i;
        }
      } else if (b == '=') {
        throw new InvalidTokenException("JWT parts must not be padded, '=' found at byte " + i);
      } else if (!isBase64UrlChar(b)) {
        throw new InvalidTokenException(
            "byte "
                + i
                + " (0x"
                + Integer.toHexString(b & 0xff)
                + ") is neither base64url without padding nor '.'");
      }
    }
    if (dots != 2) {
      throw new InvalidTokenException(
          "a compact JWT has exactly 3 dot-separated parts, this body has " + (dots + 1));
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    byte[] header = decodePart("header", text.substring(0, firstDot));
    byte[] payload = decodePart("payload", text.substring(firstDot + 1, secondDot));
    byte[] signature = decodePart("signature", text.substring(secondDot + 1));
    byte[] signingInput = new byte[secondDot];
    System.arraycopy(bytes, 0, signingInput, 0, secondDot);
    return new CompactJws(signingInput, header, payload, signature);
  }

  private static byte[] decodePart(String name, String part) throws InvalidTokenException {
    if (part.isEmpty()) {
      throw new InvalidTokenException("JWT " + name + " is empty");
    }
    byte[] decoded;
    try {
      decoded = DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("JWT " + name + " is not base64url: " + e.getMessage());
    }
    if (!ENCODER.encodeToString(decoded).equals(part)) {
      throw new InvalidTokenException(
          "JWT " + name + " is not canonical base64url (unused trailing bits are set)");
    }
    return decoded;
  }

  private static boolean isBase64UrlChar(byte b) {
    return (b >= 'A' && b <= 'Z')
        || (b >= 'a' && b <= 'z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '_';
  }
}
