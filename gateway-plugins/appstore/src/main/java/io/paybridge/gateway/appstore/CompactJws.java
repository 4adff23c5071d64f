package io.paybridge.gateway.appstore;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A compact JWS (RFC 7515 §7.1) split and decoded strictly: exactly three non-empty base64url parts
 * without padding or whitespace, each of which must re-encode to exactly the text received. That
 * last rule closes a gap of lenient decoders, where changing the final character of a part can
 * leave its decoded bytes, and so the signature check, unchanged.
 *
 * @param signingInput the ASCII bytes {@code header.payload} exactly as received: what is signed
 * @param header the decoded JOSE header bytes
 * @param payload the decoded payload bytes
 * @param signature the decoded signature bytes
 */
record CompactJws(byte[] signingInput, byte[] header, byte[] payload, byte[] signature) {

  /**
   * Far above any App Store JWS (a notification with both nested JWS is about 15 KB); bounds the
   * work an attacker can cause.
   */
  static final int MAX_LENGTH = 64 * 1024;

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /**
   * Splits and decodes a compact JWS.
   *
   * @param what names the token in error messages, e.g. {@code signedPayload}
   */
  static CompactJws parse(String token, String what) throws SignedDataException {
    if (token == null || token.isEmpty()) {
      throw new SignedDataException(what + " is empty");
    }
    if (token.length() > MAX_LENGTH) {
      throw new SignedDataException(
          what + " is " + token.length() + " characters, more than Apple ever signs");
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
        throw new SignedDataException(
            what
                + ": character "
                + i
                + " (U+"
                + String.format("%04X", (int) c)
                + ") is neither base64url without padding nor '.'");
      }
    }
    if (dots != 2) {
      throw new SignedDataException(
          what + " is not a compact JWS: it has " + (dots + 1) + " dot-separated parts, not 3");
    }
    byte[] header = decodePart(what, "header", token.substring(0, firstDot));
    byte[] payload = decodePart(what, "payload", token.substring(firstDot + 1, secondDot));
    byte[] signature = decodePart(what, "signature", token.substring(secondDot + 1));
    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    return new CompactJws(signingInput, header, payload, signature);
  }

  private static byte[] decodePart(String what, String name, String part)
      throws SignedDataException {
    if (part.isEmpty()) {
      throw new SignedDataException(what + ": JWS " + name + " is empty");
    }
    byte[] decoded;
    try {
      decoded = DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new SignedDataException(what + ": JWS " + name + " is not base64url");
    }
    if (!ENCODER.encodeToString(decoded).equals(part)) {
      throw new SignedDataException(
          what + ": JWS " + name + " is not canonical base64url (unused trailing bits are set)");
    }
    return decoded;
  }

  private static boolean isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
