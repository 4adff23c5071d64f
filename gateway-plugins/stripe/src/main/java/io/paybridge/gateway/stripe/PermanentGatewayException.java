package io.paybridge.gateway.stripe;

import io.paybridge.spi.GatewayApiException;

/**
 * A Stripe API operation that trying again cannot fix, although Stripe gave no HTTP error: the
 * account lacks the API key the call needs, so nothing was sent, or Stripe answered with success
 * but with something the plugin cannot use. {@link #status()} is 0 as for any failure without an
 * HTTP error status, but unlike unanswered calls these are not {@link #retryable()}.
 */
final class PermanentGatewayException extends GatewayApiException {

  PermanentGatewayException(String operation, String detail) {
    super(StripePlugin.ID, operation, 0, detail);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
