package io.paybridge.spi;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Outbound calls from a plugin to its gateway's API, on Vert.x's non-blocking client: every call
 * has a connect and a total timeout, every answer is checked, and failures become {@link
 * GatewayApiException}s that say which gateway and operation failed. Base URLs come from
 * configuration so tests and staging point them at a simulator.
 */
public final class GatewayHttp {

  /** Total time a call may take, unless the call says otherwise. */
  public static final long DEFAULT_TIMEOUT_MS = 15_000;

  private static final int MAX_ERROR_DETAIL = 300;

  private final String gateway;
  private final HttpClient client;
  private final io.vertx.core.Context context;

  public GatewayHttp(Vertx vertx, String gateway) {
    this.gateway = gateway;
    this.context = vertx.getOrCreateContext();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(5_000)
                .setIdleTimeout(30)
                .setKeepAlive(true)
                .setTrustAll(false)
                .setVerifyHost(true),
            new PoolOptions().setHttp1MaxSize(16));
  }

  /** An answer from the gateway, already checked to be 2xx. */
  public record Response(int status, MultiMap headers, Buffer body) {
    /** The body as a JSON object; a {@link GatewayApiException} when it is not one. */
    public JsonObject json() {
      return json("gateway", "answer");
    }

    /**
     * The body as a JSON object; when it is not one, a {@link GatewayApiException} naming the
     * gateway and the operation that got it.
     */
    public JsonObject json(String gateway, String operation) {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        throw new GatewayApiException(
            gateway, operation, status, "the answer is not a JSON object");
      }
    }
  }

  /** One call: method, absolute URL, headers and an optional body. */
  public Future<Response> send(
      String operation, HttpMethod method, String url, Map<String, String> headers, Buffer body) {
    return send(operation, method, url, headers, body, DEFAULT_TIMEOUT_MS);
  }

  public Future<Response> send(
      String operation,
      HttpMethod method,
      String url,
      Map<String, String> headers,
      Buffer body,
      long timeoutMs) {
    if (Vertx.currentContext() == null) {
      // Called from a plain thread (a tool, a test): run the call on a Vert.x context, where the
      // client's callbacks are ordered.
      io.vertx.core.Promise<Response> promise = io.vertx.core.Promise.promise();
      context.runOnContext(
          v -> send(operation, method, url, headers, body, timeoutMs).onComplete(promise));
      return promise.future();
    }
    RequestOptions options =
        new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(timeoutMs);
    headers.forEach(options::putHeader);
    // The body is read inside the send stage: chaining it as a later stage can miss the response
    // when the call starts off a Vert.x thread.
    return client
        .request(options)
        .compose(
            req ->
                (body == null ? req.send() : req.send(body))
                    .compose(
                        resp ->
                            resp.body()
                                .map(b -> new Response(resp.statusCode(), resp.headers(), b))))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof GatewayApiException
                        ? err
                        : new GatewayApiException(gateway, operation, err)))
        .compose(
            r -> {
              if (r.status() >= 200 && r.status() < 300) {
                return Future.succeededFuture(r);
              }
              String answer = r.body().toString(StandardCharsets.UTF_8);
              String detail =
                  answer.length() > MAX_ERROR_DETAIL
                      ? answer.substring(0, MAX_ERROR_DETAIL) + "…"
                      : answer;
              return Future.failedFuture(
                  new GatewayApiException(gateway, operation, r.status(), detail, answer));
            });
  }

  /** A GET that accepts the media types {@code accept} names, within {@code timeoutMs}. */
  public Future<Response> get(String operation, String url, String accept, long timeoutMs) {
    return send(operation, HttpMethod.GET, url, Map.of("Accept", accept), null, timeoutMs);
  }

  /** A GET that expects a JSON object. */
  public Future<JsonObject> getJson(String operation, String url, Map<String, String> headers) {
    return send(operation, HttpMethod.GET, url, withAccept(headers), null).map(Response::json);
  }

  /** A POST of a JSON body that expects a JSON object back. */
  public Future<JsonObject> postJson(
      String operation, String url, Map<String, String> headers, JsonObject body) {
    Map<String, String> h = withAccept(headers);
    h.put("Content-Type", "application/json");
    return send(
            operation, HttpMethod.POST, url, h, body == null ? Buffer.buffer() : body.toBuffer())
        .map(r -> r.body().length() == 0 ? new JsonObject() : r.json());
  }

  /** A POST of a form that expects a JSON object back. */
  public Future<JsonObject> postForm(
      String operation, String url, Map<String, String> headers, Map<String, String> form) {
    Map<String, String> h = withAccept(headers);
    h.put("Content-Type", "application/x-www-form-urlencoded");
    return send(operation, HttpMethod.POST, url, h, Buffer.buffer(formEncode(form)))
        .map(r -> r.body().length() == 0 ? new JsonObject() : r.json());
  }

  /** {@code application/x-www-form-urlencoded} encoding of the pairs, in order. */
  public static String formEncode(Map<String, String> form) {
    StringJoiner out = new StringJoiner("&");
    form.forEach(
        (k, v) ->
            out.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }

  /** HTTP Basic credentials. */
  public static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public Future<Void> close() {
    return client.close();
  }

  private static Map<String, String> withAccept(Map<String, String> headers) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.putIfAbsent("Accept", "application/json");
    return h;
  }
}
