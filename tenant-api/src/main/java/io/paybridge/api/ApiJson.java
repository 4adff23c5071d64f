package io.paybridge.api;

import io.paybridge.core.usecase.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;

/** The shapes every answer of the API shares: times, and keyset pages with their cursor. */
final class ApiJson {

  private ApiJson() {}

  /** A time as ISO-8601 in UTC, or {@code null}. */
  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  /** {@code {"data": [...], "nextCursor": ...}}, the cursor {@code null} on the last page. */
  static <T, K> JsonObject page(
      Page<T, K> page, Function<T, JsonObject> item, Function<K, String> cursor) {
    JsonArray data = new JsonArray();
    page.items().forEach(i -> data.add(item.apply(i)));
    return new JsonObject()
        .put("data", data)
        .put("nextCursor", page.hasMore() ? cursor.apply(page.next()) : null);
  }
}
