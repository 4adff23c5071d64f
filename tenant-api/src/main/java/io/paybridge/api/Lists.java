package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one convention every list of the API follows: {@code {"data": [...], "has_more": bool}},
 * {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}), {@code starting_after}
 * (the id of the last item seen: the next page) or {@code ending_before} (the id of the first item
 * seen: the page before it), in a stable order; with {@code ending_before}, {@code has_more} says
 * whether more items precede the page. A query parameter the list cannot use (a filter of the wrong
 * shape, a cursor naming nothing of the list, both cursors at once) is a 422 problem naming it.
 */
final class Lists {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private Lists() {}

  /**
   * The page a request asks for, its cursors read by {@code key}, which throws {@link
   * IllegalArgumentException} for text that cannot be an id of the list.
   *
   * @param what the listed thing, for messages: {@code payment}
   */
  static <K> PageRequest<K> request(RoutingContext ctx, String what, Function<String, K> key) {
    String after = ctx.queryParams().get("starting_after");
    String before = ctx.queryParams().get("ending_before");
    if (after != null && before != null) {
      throw ApiError.badParameter(
          "ending_before", "cannot be given with 'starting_after': a page has one edge");
    }
    return new PageRequest<>(
        cursor(after, "starting_after", what, key),
        cursor(before, "ending_before", what, key),
        limit(ctx));
  }

  private static <K> K cursor(String raw, String name, String what, Function<String, K> key) {
    if (raw == null) {
      return null;
    }
    try {
      if (!raw.isEmpty() && raw.length() <= 255) {
        return key.apply(raw);
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw ApiError.badParameter(name, "must be the id of a " + what + " of this list");
  }

  /** Ids of lists keyed by a positive number (payments, receipts, deliveries). */
  static Long number(String raw) {
    long id = Long.parseLong(raw);
    if (id <= 0) {
      throw new IllegalArgumentException("not an id");
    }
    return id;
  }

  /** Ids of lists keyed by a UUID. */
  static UUID uuid(String raw) {
    return UUID.fromString(raw);
  }

  /** Ids of lists keyed by text (gateways, gateway accounts). */
  static String text(String raw) {
    return raw;
  }

  /** {@code limit}: 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
  static int limit(RoutingContext ctx) {
    ValidatedRequest checked = Requests.validated(ctx);
    Object value = null;
    if (checked != null) {
      RequestParameter limit = checked.getQuery().get("limit");
      value = limit == null || limit.isNull() ? null : limit.get();
    } else {
      String raw = ctx.queryParams().get("limit");
      try {
        value = raw == null ? null : Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        value = raw;
      }
    }
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    if (value instanceof Number n && n.longValue() >= 1 && n.longValue() <= MAX_LIMIT) {
      return n.intValue();
    }
    throw ApiError.badParameter("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  /** An optional text filter of 1 to 255 characters. */
  static String filter(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v != null && v.isEmpty()) {
      throw ApiError.badParameter(name, "must not be empty");
    }
    if (v != null && v.length() > 255) {
      throw ApiError.badParameter(name, "must be at most 255 characters");
    }
    return v;
  }

  /** An optional time filter, ISO-8601 with an offset. */
  static Instant time(RoutingContext ctx, String name) {
    String raw = filter(ctx, name);
    if (raw == null) {
      return null;
    }
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiError.badParameter(name, "must be a time such as 2026-01-31T00:00:00Z");
    }
  }

  /** An optional filter that is one of {@code values}. */
  static String oneOf(RoutingContext ctx, String name, java.util.Collection<String> values) {
    String v = ctx.queryParams().get(name);
    if (v != null && !values.contains(v)) {
      throw ApiError.badParameter(name, "must be one of " + String.join(", ", values));
    }
    return v;
  }

  /** {@code {"data": [...], "has_more": ...}} of a page. */
  static <T> JsonObject page(Page<T, ?> page, Function<T, JsonObject> view) {
    JsonArray data = new JsonArray();
    page.items().forEach(item -> data.add(view.apply(item)));
    return new JsonObject().put("data", data).put("has_more", page.hasMore());
  }

  /**
   * A page of a short list held whole (installed gateways, a tenant's accounts and sync targets),
   * in its order, cut as the request asks; a cursor naming nothing of the list is a 422.
   */
  static <T> JsonObject page(
      List<T> all,
      Function<T, String> id,
      PageRequest<String> request,
      Function<T, JsonObject> view) {
    int from = 0;
    int to = all.size();
    if (request.from() != null) {
      int at = -1;
      for (int i = 0; i < all.size(); i++) {
        if (id.apply(all.get(i)).equals(request.from())) {
          at = i;
        }
      }
      if (at < 0) {
        throw ApiError.badParameter(
            request.backwards() ? "ending_before" : "starting_after",
            "must be the id of an item of this list");
      }
      if (request.backwards()) {
        to = at;
      } else {
        from = at + 1;
      }
    }
    List<T> shown = new ArrayList<>();
    boolean more;
    if (request.backwards()) {
      int start = Math.max(from, to - request.limit());
      shown.addAll(all.subList(start, to));
      more = start > from;
    } else {
      int end = Math.min(to, from + request.limit());
      shown.addAll(all.subList(from, end));
      more = end < to;
    }
    JsonArray data = new JsonArray();
    shown.forEach(item -> data.add(view.apply(item)));
    return new JsonObject().put("data", data).put("has_more", more);
  }
}
