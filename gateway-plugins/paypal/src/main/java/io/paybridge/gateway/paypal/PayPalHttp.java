package io.paybridge.gateway.paypal;

import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;

/**
 * The plugin's outbound HTTP: {@link GatewayHttp}, always entered on a Vert.x context.
 *
 * <p>The platform calls plugins on its event loops, but a caller on a plain thread (a test, a tool)
 * is possible too. {@link GatewayHttp} reads the response body in a continuation of the send; begun
 * outside any Vert.x context, that continuation can run after the body has already been delivered,
 * and the call then waits for its timeout. A call begun off-context is therefore moved onto one.
 */
final class PayPalHttp {

  private final Vertx vertx;
  private final GatewayHttp http;

  PayPalHttp(Vertx vertx, GatewayHttp http) {
    this.vertx = vertx;
    this.http = http;
  }

  /** {@link GatewayHttp#send} with a timeout, on the caller's context or a Vert.x one. */
  Future<GatewayHttp.Response> send(
      String operation,
      HttpMethod method,
      String url,
      Map<String, String> headers,
      Buffer body,
      long timeoutMs) {
    if (Vertx.currentContext() != null) {
      return http.send(operation, method, url, headers, body, timeoutMs);
    }
    Promise<GatewayHttp.Response> answer = Promise.promise();
    vertx.runOnContext(
        v -> http.send(operation, method, url, headers, body, timeoutMs).onComplete(answer));
    return answer.future();
  }
}
