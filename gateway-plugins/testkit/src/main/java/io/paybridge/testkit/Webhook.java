package io.paybridge.testkit;

import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A webhook exactly as a gateway sends it: the headers and raw body a simulator signed, and any
 * parameters it puts in the query string. It is posted over real HTTP ({@link #post}) or handed to
 * a plugin as the platform's ingest would receive it ({@link #received}).
 *
 * @param headers the request headers, signature headers included (case-insensitive)
 * @param query parameters sent in the query string (most gateways send none)
 * @param body the raw body, never re-encoded
 */
public record Webhook(MultiMap headers, MultiMap query, Buffer body) {

  /** How long a gateway waits for the answer to a delivery. */
  public static final long TIMEOUT_MS = 10_000;

  public Webhook {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
  }

  /** A webhook with this UTF-8 body and these headers, in order. */
  public static Webhook of(String body, Map<String, String> headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(all::add);
    return of(body, all);
  }

  /** A webhook with this UTF-8 body and these headers. */
  public static Webhook of(String body, MultiMap headers) {
    return new Webhook(
        MultiMap.caseInsensitiveMultiMap().addAll(headers),
        MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A copy with the header set, replacing any value it had. */
  public Webhook withHeader(String name, String value) {
    return new Webhook(
        MultiMap.caseInsensitiveMultiMap().addAll(headers).set(name, value), query, body);
  }

  /** A copy with these parameters in the query string, in order. */
  public Webhook withQuery(Map<String, String> parameters) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap();
    parameters.forEach(all::add);
    return new Webhook(headers, all, body);
  }

  /**
   * The webhook as the platform's ingest hands it to a plugin: a POST to {@code path} from {@code
   * remoteAddress}, received at {@code receivedAt}.
   */
  public WebhookRequest received(String path, String remoteAddress, Instant receivedAt) {
    return new WebhookRequest(
        "POST",
        path,
        MultiMap.caseInsensitiveMultiMap().addAll(headers),
        MultiMap.caseInsensitiveMultiMap().addAll(query),
        body,
        remoteAddress,
        receivedAt);
  }

  /**
   * Posts the webhook to {@code url} as the gateway does, failing when no answer comes within
   * {@link #TIMEOUT_MS}; completes with the answer whatever its status.
   */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url) {
    HttpRequest<Buffer> request = client.postAbs(url).timeout(TIMEOUT_MS);
    // Set, not add: the gateway's headers replace the client's own (its User-Agent).
    headers.names().forEach(name -> request.putHeader(name, headers.getAll(name)));
    query.forEach(request::addQueryParam);
    return request.sendBuffer(body);
  }
}
