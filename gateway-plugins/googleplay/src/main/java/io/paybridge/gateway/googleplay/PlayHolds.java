package io.paybridge.gateway.googleplay;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;

/**
 * The Google Play deliveries kept until the tenant fixes the account's service account key, which
 * every booking notification needs: none saved, one that does not parse, or one Google refuses.
 * Each says what to do; the platform books the delivery once a working key is saved.
 */
final class PlayHolds {

  private PlayHolds() {}

  /** Held: the account has no service account key, and this notification needs the API. */
  static ParsedWebhook needsKey(PlayNotification n) {
    return ParsedWebhook.held(
        n.messageId(),
        n.typeName(),
        ParsedWebhook.NEEDS_API_CREDENTIALS,
        n.typeName()
            + ": Google Play notifications carry no amount or customer; Paybridge reads them from"
            + " the Play Developer API with a service account key, and this account has none."
            + " Add the key in the 'Service account key (JSON)' field (serviceAccountJson); this"
            + " notification is kept and booked once you save it.");
  }

  /** Held: the account's service account key does not parse. */
  static ParsedWebhook unusableKey(
      PlayNotification n, ServiceAccount.InvalidServiceAccountException e) {
    return ParsedWebhook.held(
        n.messageId(),
        n.typeName(),
        ParsedWebhook.NEEDS_API_CREDENTIALS,
        n.typeName()
            + ": the saved service account key cannot be used ("
            + e.getMessage()
            + "); paste the JSON key file into serviceAccountJson again. This"
            + " notification is kept and booked once you do.");
  }

  /** Held: Google refused the account's service account. */
  static ParsedWebhook refused(PlayNotification n, ServiceAccount account, GatewayApiException e) {
    boolean tokenRefused =
        e instanceof ServiceAccountRefusedException refusal && refusal.tokenExchangeRefused();
    String what =
        tokenRefused
            ? "Google would not issue an access token for the service account "
                + account.clientEmail()
                + " (HTTP "
                + e.status()
                + ": "
                + ServiceAccountRefusedException.detail(e)
                + "): its key was probably deleted or disabled. Create a new JSON key for it"
                + " and paste it into serviceAccountJson."
            : "the Play Developer API refused the service account "
                + account.clientEmail()
                + " (HTTP "
                + e.status()
                + ": "
                + ServiceAccountRefusedException.detail(e)
                + "). In Play Console > Users and permissions, give it access to this app with"
                + " 'View financial data' and 'Manage orders and subscriptions', and make sure"
                + " the Google Play Android Developer API is enabled in its Cloud project; then"
                + " save the account again.";
    return ParsedWebhook.held(
        n.messageId(),
        n.typeName(),
        ParsedWebhook.API_CREDENTIALS_REJECTED,
        n.typeName() + ": " + what + " This notification is kept and booked once the key works.");
  }
}
