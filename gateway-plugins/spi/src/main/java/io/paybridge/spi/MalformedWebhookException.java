package io.paybridge.spi;

/** The delivery is authentic but its body is not what the gateway sends; answered with 400. */
public class MalformedWebhookException extends RuntimeException {

  public MalformedWebhookException(String message) {
    super(message, null, false, false);
  }

  public MalformedWebhookException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
