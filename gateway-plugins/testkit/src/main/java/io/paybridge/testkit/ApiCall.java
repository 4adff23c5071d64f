package io.paybridge.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request a {@link GatewaySimulator} received, as it arrived: what tests assert on when they
 * check what a plugin sent to its gateway.
 *
 * @param method HTTP method, upper case
 * @param path the path without the query
 * @param query the raw query string, or {@code null} when there is none
 * @param headers the request headers (case-insensitive)
 * @param body the request body decoded as UTF-8 (empty for none)
 * @param receivedAt when the simulator received it
 */
public record ApiCall(
    String method, String path, String query, MultiMap headers, String body, Instant receivedAt) {

  /** A request header, or {@code null}. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The body as a JSON object (empty for no body). */
  public JsonObject json() {
    return body.isBlank() ? new JsonObject() : new JsonObject(body);
  }

  /** The form-encoded body as name/value pairs, in order. */
  public Map<String, String> form() {
    return decodeForm(body);
  }

  /** The query string as name/value pairs, in order. */
  public Map<String, String> queryParams() {
    return decodeForm(query);
  }

  /** Whether this is a request with that method and exactly that path. */
  public boolean is(String method, String path) {
    return this.method.equalsIgnoreCase(method) && this.path.equals(path);
  }

  private static Map<String, String> decodeForm(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }
}
