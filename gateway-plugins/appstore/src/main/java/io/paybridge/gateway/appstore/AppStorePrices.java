package io.paybridge.gateway.appstore;

import io.paybridge.gateway.appstore.AppStoreMapping.Mapped;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Completes a notification whose transaction carries no price with the price the App Store Server
 * API reports ({@code GET /inApps/v1/transactions/{transactionId}}), and says what the tenant must
 * do when that takes an In-App Purchase key the account lacks or Apple refuses.
 */
final class AppStorePrices {

  private AppStorePrices() {}

  /**
   * The notification completed with the price of its transaction as the App Store Server API
   * reports it; held when the account's key cannot be used or Apple refuses it, ignored when Apple
   * reports no price or does not know the transaction.
   */
  static Future<ParsedWebhook> fromApi(
      AppStoreApi client, AppStoreNotification n, String transactionId, Credentials credentials) {
    return client
        .transaction(credentials, transactionId)
        .map(fromApi -> withPrice(n, transactionId, fromApi))
        .recover(
            err -> {
              if (err instanceof InvalidCredentialsException e) {
                return Future.succeededFuture(keyUnusable(n, transactionId, e));
              }
              if (err instanceof GatewayApiException api
                  && (api.status() == 401 || api.status() == 403)) {
                return Future.succeededFuture(
                    keyRefused(n, transactionId, credentials.get(AppStorePlugin.KEY_ID), api));
              }
              if (err instanceof GatewayApiException api && api.status() == 404) {
                return Future.succeededFuture(
                    n.ignored(
                        n.type()
                            + ": the App Store Server API does not know transaction "
                            + transactionId
                            + " (HTTP 404), so its price is unknown and nothing is booked; check"
                            + " the transaction in App Store Connect"));
              }
              return Future.failedFuture(err);
            });
  }

  private static ParsedWebhook withPrice(
      AppStoreNotification n, String transactionId, JsonObject fromApi) {
    JsonObject merged = n.transaction().copy();
    for (String field : List.of("price", "currency")) {
      if (fromApi.getValue(field) != null) {
        merged.put(field, fromApi.getValue(field));
      }
    }
    AppStoreNotification completed = n.withTransaction(merged);
    Mapped mapped = AppStoreMapping.map(completed);
    if (mapped.missingPrice() != null) {
      return n.ignored(
          n.type()
              + ": Apple reports no price for transaction "
              + transactionId
              + ", neither in the notification nor through the App Store Server API,"
              + " so its amount is unknown and nothing is booked; book it by hand from"
              + " App Store Connect's sales reports");
    }
    return mapped.toParsed(completed);
  }

  /** Held: the price must come from the API, and the account has no In-App Purchase key. */
  static ParsedWebhook needsKey(AppStoreNotification n, String transactionId) {
    return n.held(
        ParsedWebhook.NEEDS_API_CREDENTIALS,
        n.type()
            + ": transaction "
            + transactionId
            + " carries no price, so Paybridge must read it from the App Store Server API, and"
            + " this account has no In-App Purchase key. Add issuerId, keyId and privateKey (App"
            + " Store Connect > Users and Access > Integrations > In-App Purchase); the"
            + " notification is kept and booked once you save them.");
  }

  /** Held: the account's In-App Purchase key does not parse. */
  private static ParsedWebhook keyUnusable(
      AppStoreNotification n, String transactionId, InvalidCredentialsException e) {
    return n.held(
        ParsedWebhook.NEEDS_API_CREDENTIALS,
        n.type()
            + ": the saved In-App Purchase key cannot be used ("
            + e.getMessage()
            + "), and the price of transaction "
            + transactionId
            + " must be read with it. Paste the .p8 key into privateKey again; the"
            + " notification is kept and booked once you save it.");
  }

  /** Held: Apple refused the account's In-App Purchase key. */
  private static ParsedWebhook keyRefused(
      AppStoreNotification n, String transactionId, String keyId, GatewayApiException e) {
    return n.held(
        ParsedWebhook.API_CREDENTIALS_REJECTED,
        n.type()
            + ": the App Store Server API refused the In-App Purchase key "
            + keyId
            + " (HTTP "
            + e.status()
            + ") when Paybridge asked for the price of transaction "
            + transactionId
            + ": the key was revoked, or issuerId, keyId and privateKey do not belong together."
            + " Generate a key in App Store Connect > Users and Access > Integrations > In-App"
            + " Purchase and save it; the notification is kept and booked once the key works.");
  }
}
