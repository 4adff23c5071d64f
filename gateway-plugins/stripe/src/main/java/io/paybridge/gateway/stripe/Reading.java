package io.paybridge.gateway.stripe;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a Stripe delivery means as far as its body tells: final, or waiting on one question that
 * only Stripe's API answers.
 *
 * @param webhook the delivery as parsed; while a lookup is pending, held for want of an API key
 * @param lookup the question still to ask, or {@code null}
 */
record Reading(ParsedWebhook webhook, Lookup lookup) {

  /** A delivery whose body says everything. */
  static Reading of(ParsedWebhook webhook) {
    return new Reading(webhook, null);
  }

  /**
   * A list only Stripe's API gives, and how it becomes the delivery's events.
   *
   * @param question what is asked, for reasons the tenant reads: "list the refunds of charge ch_…"
   * @param operation the API operation that lists, which a failure names
   * @param list asks Stripe with the account's key
   * @param answer turns the listed objects into the delivery with its events
   */
  record Lookup(
      String question,
      String operation,
      BiFunction<StripeApi, String, Future<List<JsonObject>>> list,
      Function<List<JsonObject>, ParsedWebhook> answer) {

    /**
     * Asks Stripe with the account's key and returns the delivery with its events. An answer that
     * cannot be booked is Stripe's fault, not the webhook's: a permanent failure of the operation.
     */
    Future<ParsedWebhook> run(StripeApi api, String apiKey) {
      return list.apply(api, apiKey)
          .map(
              items -> {
                try {
                  return answer.apply(items);
                } catch (MalformedWebhookException e) {
                  throw StripeApi.permanent(
                      operation, "Stripe's answer cannot be booked: " + e.getMessage());
                }
              });
    }
  }
}
