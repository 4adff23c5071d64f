package io.paybridge.gateway.stripe;

import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Stripe list whole: {@value #PAGE_SIZE} items a page, following {@code has_more} and
 * {@code starting_after} through every page, up to {@value #MAX_PAGES} pages.
 */
final class StripeList {

  /** Items per page of a list call: the most Stripe allows. */
  static final int PAGE_SIZE = 100;

  /**
   * Pages one list may take: far beyond any real charge's refunds or payment's invoices, and a stop
   * for an answer that claims {@code has_more} for ever.
   */
  static final int MAX_PAGES = 100;

  private final GatewayApi api;

  StripeList(GatewayApi api) {
    this.api = api;
  }

  /**
   * Every item of the list at {@code path} that {@code filter} selects, page after page.
   *
   * @param headers the call's headers: the account's key and Stripe's version
   */
  Future<List<JsonObject>> all(
      String operation, String path, Map<String, String> filter, Map<String, String> headers) {
    return from(operation, path, filter, headers, null, 1);
  }

  private Future<List<JsonObject>> from(
      String operation,
      String path,
      Map<String, String> filter,
      Map<String, String> headers,
      String startingAfter,
      int page) {
    Map<String, String> query = new LinkedHashMap<>(filter);
    query.put("limit", Integer.toString(PAGE_SIZE));
    if (startingAfter != null) {
      query.put("starting_after", startingAfter);
    }
    return api.call(
            operation, HttpMethod.GET, path + "?" + GatewayHttp.formEncode(query), headers, null)
        .compose(
            answer -> {
              ListPage items = ListPage.read(operation, answer);
              if (!items.hasMore()) {
                return Future.succeededFuture(items.data());
              }
              if (page >= MAX_PAGES) {
                return Future.failedFuture(
                    StripeApi.permanent(
                        operation, "Stripe's list goes on beyond " + MAX_PAGES + " pages"));
              }
              return from(operation, path, filter, headers, items.lastId(), page + 1)
                  .map(rest -> concat(items.data(), rest));
            });
  }

  /**
   * One page of a Stripe list object: {@code {"object":"list","data":[…],"has_more":…}}.
   *
   * @param lastId the id of the page's last item, where the next page starts after
   */
  private record ListPage(List<JsonObject> data, boolean hasMore, String lastId) {

    static ListPage read(String operation, JsonObject answer) {
      try {
        if (!"list".equals(Json.optString(answer, "object"))) {
          throw new MalformedWebhookException("the answer is not a list object");
        }
        JsonArray data = Json.optArray(answer, "data");
        if (data == null) {
          throw new MalformedWebhookException("'data' is missing");
        }
        List<JsonObject> items = StripeFields.objects(data, "data");
        boolean hasMore = Boolean.TRUE.equals(answer.getValue("has_more"));
        String lastId =
            items.isEmpty() ? null : Json.requireString(items.get(items.size() - 1), "id");
        if (hasMore && lastId == null) {
          throw new MalformedWebhookException("an empty page says there is more");
        }
        return new ListPage(items, hasMore, lastId);
      } catch (MalformedWebhookException e) {
        throw StripeApi.permanent(operation, "Stripe's answer is malformed: " + e.getMessage());
      }
    }
  }

  private static List<JsonObject> concat(List<JsonObject> first, List<JsonObject> rest) {
    List<JsonObject> all = new ArrayList<>(first.size() + rest.size());
    all.addAll(first);
    all.addAll(rest);
    return all;
  }
}
