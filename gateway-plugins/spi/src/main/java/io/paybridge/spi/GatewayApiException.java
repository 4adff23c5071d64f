package io.paybridge.spi;

/**
 * A call to a gateway's API failed: unreachable, timed out, or answered with an error. Says which
 * gateway, which operation and what came back, never the credentials.
 */
public class GatewayApiException extends RuntimeException {

  private final String gateway;
  private final int status;
  private final String body;

  public GatewayApiException(String gateway, String operation, int status, String detail) {
    this(gateway, operation, status, detail, null);
  }

  /**
   * @param body the gateway's whole error answer (for a plugin that reads the gateway's error
   *     object, such as a card decline's code and message), or null
   */
  public GatewayApiException(
      String gateway, String operation, int status, String detail, String body) {
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
    this.body = body;
  }

  public GatewayApiException(String gateway, String operation, Throwable cause) {
    super(gateway + " " + operation + " failed: " + cause, cause, false, false);
    this.gateway = gateway;
    this.status = 0;
    this.body = null;
  }

  public String gateway() {
    return gateway;
  }

  /** The HTTP status the gateway answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** The gateway's whole error answer, or null when there was none. */
  public String body() {
    return body;
  }

  /** Whether trying again later may succeed: no answer, 408, 429 or a 5xx. */
  public boolean retryable() {
    return status == 0 || status == 408 || status == 429 || status >= 500;
  }
}
