package io.paybridge.gateway.googleplay;

import io.paybridge.spi.GatewayApiException;

/**
 * Google refused the account's service account itself: the OAuth token endpoint would not exchange
 * its signed assertion for an access token (the key was deleted or disabled, or the service account
 * removed), or the Play Developer API refused a fresh token (the service account has no access to
 * the app in Play Console, or the API is off in its Cloud project). Retrying cannot help until the
 * tenant changes something, so a delivery that needs the API is held rather than failed.
 */
final class ServiceAccountRefusedException extends GatewayApiException {

  private final String operation;

  ServiceAccountRefusedException(String operation, int status, String detail) {
    super(GooglePlayPlugin.ID, operation, status, detail);
    this.operation = operation;
  }

  /** Whether the token endpoint refused the key (rather than the API a token it issued). */
  boolean tokenExchangeRefused() {
    return AccessTokens.OPERATION.equals(operation);
  }

  /**
   * Whether a failure means Google refused the service account: a refused token exchange, or a 401
   * or 403 of the API.
   */
  static boolean refuses(Throwable failure) {
    return failure instanceof ServiceAccountRefusedException
        || (failure instanceof GatewayApiException api
            && (api.status() == 401 || api.status() == 403));
  }

  /** What Google said, without the gateway and operation prefix. */
  static String detail(GatewayApiException e) {
    String message = e.getMessage();
    int at = message.indexOf(": ");
    String detail = at < 0 ? message : message.substring(at + 2);
    return detail.length() > 200 ? detail.substring(0, 200) + "…" : detail;
  }
}
