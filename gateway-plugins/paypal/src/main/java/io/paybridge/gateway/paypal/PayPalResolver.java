package io.paybridge.gateway.paypal;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Books what PayPal's REST API confirms, never what a delivery's body says.
 *
 * <p>PayPal's signature covers the body only through its CRC32, which anyone can restore after
 * rewriting the body (four chosen bytes suffice). So a delivery is trusted for three things only:
 * its event id (the receipt's dedupe key), its event type, and the id of the resource it is about.
 * The resource is then fetched from PayPal with the account's client credentials ({@link
 * PayPalApi}) and the ledger entries are built from PayPal's answer: amount, currency, status,
 * custom_id, fee and related ids. A rewritten body can therefore at most make Paybridge look up
 * another resource of the same merchant, whose real state is what gets booked.
 *
 * <p>Outcomes:
 *
 * <ul>
 *   <li>event types that never book: returned as parsed (ignored, with the table's reason), no
 *       call;
 *   <li>no client ID or secret on the account: {@linkplain ParsedWebhook#held held} {@value
 *       ParsedWebhook#NEEDS_API_CREDENTIALS};
 *   <li>PayPal answers 401 or 403 (to the token request or the lookup): held {@value
 *       ParsedWebhook#API_CREDENTIALS_REJECTED};
 *   <li>PayPal answers 404: ignored, saying PayPal does not know the resource;
 *   <li>PayPal unreachable, slow, 429 or 5xx: a failed future with the retryable {@link
 *       GatewayApiException}, so the platform answers 503 and PayPal delivers again; any other
 *       error, or an answer that is not a PayPal resource, fails the same way (not retryable);
 *   <li>otherwise the entries {@link PayPalEvents#confirmed} builds from the answer, or an ignored
 *       delivery with the reason (a capture that is still pending, a dispute lost, …).
 * </ul>
 */
final class PayPalResolver {

  private final PayPalApi api;

  PayPalResolver(PayPalApi api) {
    this.api = api;
  }

  /** Whether the account holds what {@link PayPalApi} needs to get an access token. */
  static boolean hasApiCredentials(Credentials credentials) {
    String id = credentials.get(PayPalPlugin.CLIENT_ID);
    String secret = credentials.get(PayPalPlugin.CLIENT_SECRET);
    return id != null && !id.isBlank() && secret != null && !secret.isBlank();
  }

  Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    PayPalEvents.Claim claim;
    try {
      claim = PayPalEvents.claim(request.body());
    } catch (MalformedWebhookException e) {
      return Future.failedFuture(e);
    }
    PayPalEventTable.Lookup lookup = claim.lookup();
    if (lookup == null) {
      return Future.succeededFuture(parsed);
    }
    String what = lookup.noun() + " " + claim.resourceId();
    if (!hasApiCredentials(credentials)) {
      return Future.succeededFuture(
          ParsedWebhook.held(
              claim.eventId(),
              claim.eventType(),
              ParsedWebhook.NEEDS_API_CREDENTIALS,
              "Paybridge books a PayPal event only as PayPal's API confirms it, and this account"
                  + " has no client ID and secret to ask with: add them (Developer Dashboard >"
                  + " Apps & Credentials) and "
                  + what
                  + " is booked."));
    }
    String refKey =
        credentials.getOrDefault(
            PayPalPlugin.CUSTOMER_REF_KEY, PayPalPlugin.DEFAULT_CUSTOMER_REF_KEY);
    return fetch(lookup, claim.resourceId(), credentials)
        .compose(
            resource -> {
              try {
                return Future.succeededFuture(PayPalEvents.confirmed(claim, resource, refKey));
              } catch (MalformedWebhookException e) {
                return Future.failedFuture(
                    new GatewayApiException(
                        PayPalPlugin.ID,
                        lookup.noun() + " lookup",
                        200,
                        "PayPal's answer for " + what + " is not one: " + e.getMessage()));
              }
            },
            err -> outcomeOf(err, claim, what));
  }

  private Future<JsonObject> fetch(
      PayPalEventTable.Lookup lookup, String id, Credentials credentials) {
    return switch (lookup) {
      case CAPTURE -> api.capture(id, credentials);
      case CAPTURE_REFUND -> api.captureRefund(id, credentials);
      case SALE -> api.sale(id, credentials);
      case SALE_REFUND -> api.saleRefund(id, credentials);
      case DISPUTE -> api.dispute(id, credentials);
      case SUBSCRIPTION -> api.subscription(id, credentials);
    };
  }

  /** A failed lookup: held, ignored, or failed for the platform to answer 503. */
  private static Future<ParsedWebhook> outcomeOf(
      Throwable err, PayPalEvents.Claim claim, String what) {
    if (err instanceof GatewayApiException e) {
      if (e.status() == 401 || e.status() == 403) {
        return Future.succeededFuture(
            ParsedWebhook.held(
                claim.eventId(),
                claim.eventType(),
                ParsedWebhook.API_CREDENTIALS_REJECTED,
                "PayPal refused the account's client ID and secret (HTTP "
                    + e.status()
                    + ") when Paybridge looked up "
                    + what
                    + " to confirm the delivery: save a client ID and secret of the REST app that"
                    + " owns the webhook, and the delivery is booked."));
      }
      if (e.status() == 404) {
        return Future.succeededFuture(
            ParsedWebhook.ignored(
                claim.eventId(),
                claim.eventType(),
                "PayPal has no "
                    + what
                    + " for this account (HTTP 404): the delivery names a resource PayPal does"
                    + " not know, so nothing is booked."));
      }
    }
    return Future.failedFuture(err);
  }
}
