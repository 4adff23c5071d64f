package io.paybridge.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A webhook delivery exactly as it arrived: verifiers get the whole request, because some gateways
 * sign headers and some sign the body, and all of them sign raw bytes.
 *
 * @param method HTTP method
 * @param path request path
 * @param headers request headers (case-insensitive)
 * @param query query parameters
 * @param body raw body bytes, never re-encoded
 * @param remoteAddress the peer's IP address as the platform sees it (after trusted proxies)
 * @param receivedAt when the platform received the delivery; freshness checks compare against it
 */
public record WebhookRequest(
    String method,
    String path,
    MultiMap headers,
    MultiMap query,
    Buffer body,
    String remoteAddress,
    Instant receivedAt) {

  public WebhookRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /** A header value, or {@code null}. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The body decoded as UTF-8. */
  public String bodyAsString() {
    return body.toString(StandardCharsets.UTF_8);
  }

  /** A copy with another body; the test kit uses it to tamper with deliveries. */
  public WebhookRequest withBody(Buffer newBody) {
    return new WebhookRequest(method, path, headers, query, newBody, remoteAddress, receivedAt);
  }

  /** A copy with one header replaced. */
  public WebhookRequest withHeader(String name, String value) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers).set(name, value);
    return new WebhookRequest(method, path, copy, query, body, remoteAddress, receivedAt);
  }

  /** A copy received at another instant. */
  public WebhookRequest receivedAt(Instant when) {
    return new WebhookRequest(method, path, headers, query, body, remoteAddress, when);
  }
}
