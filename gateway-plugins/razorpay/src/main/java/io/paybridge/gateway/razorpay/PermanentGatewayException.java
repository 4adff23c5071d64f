package io.paybridge.gateway.razorpay;

import io.paybridge.spi.GatewayApiException;

/**
 * A Razorpay API operation that trying again cannot fix, although Razorpay gave no HTTP error: the
 * account lacks the API key id or secret the call needs, so nothing was sent, or Razorpay answered
 * with success but with something the plugin cannot use. {@link #status()} is 0 as for any failure
 * without an HTTP error status, but unlike unanswered calls these are not {@link #retryable()}.
 */
final class PermanentGatewayException extends GatewayApiException {

  PermanentGatewayException(String operation, String detail) {
    super(RazorpayPlugin.ID, operation, 0, detail);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
