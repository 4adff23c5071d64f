package io.paybridge.spi;

/** The HTTP answer a gateway expects: status, content type and body. */
public record WebhookAnswer(int status, String contentType, String body) {

  public static WebhookAnswer json(int status, String body) {
    return new WebhookAnswer(status, "application/json", body);
  }

  public static WebhookAnswer text(int status, String body) {
    return new WebhookAnswer(status, "text/plain; charset=utf-8", body);
  }

  /** Status only, empty body. */
  public static WebhookAnswer empty(int status) {
    return new WebhookAnswer(status, null, "");
  }
}
