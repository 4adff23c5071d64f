package io.paybridge.core.sync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of a delivery: posts a message to a target's checked address, with the URL's host
 * name as the {@code Host} header, the TLS server name (SNI) and the name the certificate must
 * match, so the client never resolves the name itself. Redirects are not followed.
 *
 * <p>Connections are kept alive and pooled per target (host, port and checked address), each pool
 * as large as a target's most requests in flight ({@link DispatchSettings#targetMaxInFlight}),
 * which the dispatcher never exceeds; a TLS receiver that offers HTTP/2 through ALPN gets it. An
 * attempt's timeout runs from when its request is sent, not while it waits for a connection (that
 * wait is bounded by the same time).
 */
final class TargetClient {

  /** What a receiver answered: its status, the headers read, and the first bytes of its body. */
  record Answer(int status, String retryAfter, String contentType, ErrorExcerpt.FirstBytes body) {}

  /** An answer, or why there was none, and the time from sending the request to the end. */
  record Sent(Answer answer, Throwable failure, long latencyMs) {}

  private final Vertx vertx;
  private final HttpClientAgent plain;
  private final HttpClientAgent tls;
  private final long timeoutMs;

  TargetClient(Vertx vertx, DispatchSettings dispatch, TrustOptions trust, Duration timeout) {
    this.vertx = vertx;
    this.timeoutMs = timeout.toMillis();
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(dispatch.targetMaxInFlight())
            .setHttp2MaxSize(1)
            .setMaxWaitQueueSize(-1);
    this.plain = vertx.createHttpClient(options(HttpVersion.HTTP_1_1, null), pool);
    this.tls = vertx.createHttpClient(options(HttpVersion.HTTP_2, trust), pool);
  }

  private static HttpClientOptions options(HttpVersion version, TrustOptions trust) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(5_000)
            .setProtocolVersion(version)
            .setUseAlpn(version == HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    return options;
  }

  /** Posts {@code message} to {@code uri} at the checked {@code address}; never fails. */
  Future<Sent> post(URI uri, InetAddress address, SyncMessages.Message message) {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = TargetUrls.hostOf(uri);
    String ip = address.getHostAddress();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            // a name: the checked address is connected to; the name is what the server is asked for
            .setHost(!host.equals(ip) && !host.contains(":") ? host : ip)
            .setPort(port)
            .setServer(SocketAddress.inetSocketAddress(port, ip))
            .setURI(path)
            .setSsl(https)
            .setFollowRedirects(false)
            .setConnectTimeout(timeoutMs)
            .setHeaders(message.headers())
            .putHeader("User-Agent", "Paybridge-Webhooks/1");
    long[] sent = {System.nanoTime()};
    return (https ? tls : plain)
        .request(options)
        .compose(
            request -> {
              // The request has its connection (the pool's wait is over): the timeout starts here.
              sent[0] = System.nanoTime();
              boolean[] timedOut = {false};
              long timer =
                  vertx.setTimer(
                      timeoutMs,
                      id -> {
                        timedOut[0] = true;
                        request.reset(0);
                      });
              ErrorExcerpt.FirstBytes body = new ErrorExcerpt.FirstBytes();
              return request
                  .send(message.body())
                  .compose(
                      r ->
                          r.pipeTo(body)
                              .map(
                                  v ->
                                      new Answer(
                                          r.statusCode(),
                                          r.getHeader("Retry-After"),
                                          r.getHeader("Content-Type"),
                                          body)))
                  .andThen(ar -> vertx.cancelTimer(timer))
                  .recover(
                      err ->
                          Future.failedFuture(
                              timedOut[0]
                                  ? new TimeoutException(
                                      "no answer within " + timeoutMs + " ms of sending")
                                  : err));
            })
        .transform(
            ar -> {
              long latency = (System.nanoTime() - sent[0]) / 1_000_000;
              return Future.succeededFuture(
                  ar.succeeded()
                      ? new Sent(ar.result(), null, latency)
                      : new Sent(null, ar.cause(), latency));
            });
  }

  void close() {
    plain.close();
    tls.close();
  }
}
