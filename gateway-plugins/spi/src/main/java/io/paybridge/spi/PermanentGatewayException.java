package io.paybridge.spi;

/**
 * A gateway API operation that trying again cannot fix, although the gateway gave no HTTP error:
 * the account lacks a credential the call needs, so nothing was sent, or the gateway answered with
 * success but with something the plugin cannot use. {@link #status()} is 0 as for any failure
 * without an HTTP error status, but unlike unanswered calls these are not {@link #retryable()}.
 */
public final class PermanentGatewayException extends GatewayApiException {

  public PermanentGatewayException(String gateway, String operation, String detail) {
    super(gateway, operation, 0, detail);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
