package io.paybridge.spi;

/**
 * A call to a gateway's API failed: unreachable, timed out, or answered with an error. Says which
 * gateway, which operation and what came back, never the credentials.
 */
public class GatewayApiException extends RuntimeException {

  private final String gateway;
  private final int status;

  public GatewayApiException(String gateway, String operation, int status, String detail) {
    super(
        gateway
            + " "
            + operation
            + " failed"
            + (status > 0 ? " with HTTP " + status : "")
            + ": "
            + detail,
        null,
        false,
        false);
    this.gateway = gateway;
    this.status = status;
  }

  public GatewayApiException(String gateway, String operation, Throwable cause) {
    super(gateway + " " + operation + " failed: " + cause, cause, false, false);
    this.gateway = gateway;
    this.status = 0;
  }

  public String gateway() {
    return gateway;
  }

  /** The HTTP status the gateway answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** Whether trying again later may succeed: no answer, 408, 429 or a 5xx. */
  public boolean retryable() {
    return status == 0 || status == 408 || status == 429 || status >= 500;
  }
}
