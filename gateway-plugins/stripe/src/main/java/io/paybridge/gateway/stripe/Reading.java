package io.paybridge.gateway.stripe;

import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;

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

  /** A question to Stripe's API, and how its answer becomes the delivery's events. */
  interface Lookup {

    /** What is asked, for reasons the tenant reads: "list the refunds of charge ch_…". */
    String question();

    /** Asks Stripe with the account's key and returns the delivery with its events. */
    Future<ParsedWebhook> run(StripeApi api, String apiKey);
  }
}
