package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page cursors, opaque to clients: base64url of a letter naming the listing, a colon, and the key
 * to continue from. A cursor of another listing, or anything this API did not return, is a 400
 * naming {@code cursor}.
 */
final class Cursors {

  private Cursors() {}

  /** The cursor that continues a listing from {@code key}. */
  static String encode(char listing, String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((listing + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** The key in a cursor of the listing; {@code null} when there is no cursor. */
  static String decode(char listing, String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.length() >= 2 && s.charAt(0) == listing && s.charAt(1) == ':') {
        return s.substring(2);
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw notACursor();
  }

  /** The id in a cursor of a listing keyed by id; {@code null} when there is no cursor. */
  static Long decodeId(char listing, String cursor) {
    String key = decode(listing, cursor);
    if (key == null) {
      return null;
    }
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw notACursor();
    }
  }

  static ApiError notACursor() {
    return ApiError.badField("cursor", "is not a cursor this API returned");
  }
}
