package io.paybridge.core.ingest;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request headers a receipt keeps, as a JSON array of {@code [name, value]} pairs in arrival
 * order: everything a plugin may need to verify the delivery again (signature, transmission and
 * push-token headers) and what tells who sent it, without cookies or transport headers and within a
 * size bound.
 */
public final class ReceiptHeaders {

  /** Most characters of header names and values kept per receipt. */
  static final int MAX_CHARS = 16 * 1024;

  /** Never kept: credentials of other systems, and transport headers that say nothing. */
  private static final Set<String> DROPPED =
      Set.of(
          "cookie",
          "proxy-authorization",
          "host",
          "content-length",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "upgrade",
          "expect",
          "accept",
          "accept-encoding",
          "cache-control");

  private ReceiptHeaders() {}

  /**
   * The headers to keep, encoded; {@code null} for none. Written straight into the JSON text when
   * no name or value needs escaping (as every delivery's headers do), else through the JSON
   * encoder; both give the same text.
   */
  public static String encode(MultiMap headers) {
    StringBuilder plain = new StringBuilder(512).append('[');
    int chars = 0;
    int kept = 0;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (DROPPED.contains(name)) {
        continue;
      }
      String value = h.getValue();
      chars += name.length() + value.length();
      if (chars > MAX_CHARS) {
        break;
      }
      if (!plain(name) || !plain(value)) {
        return encoded(headers);
      }
      if (kept++ > 0) {
        plain.append(',');
      }
      plain.append("[\"").append(name).append("\",\"").append(value).append("\"]");
    }
    return kept == 0 ? null : plain.append(']').toString();
  }

  /**
   * Whether the JSON encoder writes {@code s} as it is: no quote, backslash or control character.
   */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@link #encode} through the JSON encoder, for headers that need escaping. */
  static String encoded(MultiMap headers) {
    JsonArray out = new JsonArray();
    int chars = 0;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (DROPPED.contains(name)) {
        continue;
      }
      chars += name.length() + h.getValue().length();
      if (chars > MAX_CHARS) {
        break;
      }
      out.add(new JsonArray().add(name).add(h.getValue()));
    }
    return out.isEmpty() ? null : out.encode();
  }

  /** The kept headers as a case-insensitive multi-map (empty for {@code null}). */
  public static MultiMap decode(String encoded) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    if (encoded == null) {
      return out;
    }
    for (Object pair : new JsonArray(encoded)) {
      if (pair instanceof JsonArray a && a.size() == 2) {
        out.add(a.getString(0), a.getString(1));
      }
    }
    return out;
  }
}
