package io.paybridge.spi.testkit;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A small HTTP receiver on loopback that does with a plugin what the platform's ingest does, on the
 * event loop: every request becomes a {@link WebhookRequest} exactly as it arrived over the wire,
 * which must verify; an authentic one is parsed, resolved and acknowledged as recorded (or
 * ignored), a forged one gets the plugin's rejection, a malformed one a 400, and one that cannot be
 * resolved now (the gateway's API is down) a 503. For the simulators' tests of their {@code post}:
 * what the gateway sends over HTTP is what the plugin verifies.
 */
public final class PluginReceiver {

  private final GatewayPlugin plugin;
  private final Supplier<Credentials> credentials;
  private final Queue<WebhookRequest> received = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  private PluginReceiver(GatewayPlugin plugin, Supplier<Credentials> credentials) {
    this.plugin = plugin;
    this.credentials = credentials;
  }

  /**
   * Starts a receiver on 127.0.0.1.
   *
   * @param credentials the account's credentials, read at each request (a test may change them)
   */
  public static Future<PluginReceiver> start(
      Vertx vertx, GatewayPlugin plugin, Supplier<Credentials> credentials) {
    PluginReceiver receiver = new PluginReceiver(plugin, credentials);
    return vertx
        .createHttpServer()
        .requestHandler(receiver::receive)
        .listen(0, "127.0.0.1")
        .map(
            server -> {
              receiver.server = server;
              return receiver;
            });
  }

  /** The webhook URL of this receiver for the plugin's gateway. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/test/" + plugin.id();
  }

  /** Every request received, as the plugin saw it, oldest first. */
  public Queue<WebhookRequest> received() {
    return received;
  }

  public Future<Void> close() {
    return server.close();
  }

  private void receive(HttpServerRequest req) {
    req.body()
        .compose(
            body -> {
              WebhookRequest delivery =
                  new WebhookRequest(
                      req.method().name(),
                      req.path(),
                      MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                      MultiMap.caseInsensitiveMultiMap().addAll(req.params()),
                      body,
                      req.remoteAddress().hostAddress(),
                      Instant.now());
              received.add(delivery);
              return answer(delivery);
            })
        .onSuccess(
            answer ->
                req.response()
                    .setStatusCode(answer.status())
                    .putHeader(
                        "Content-Type",
                        answer.contentType() == null ? "text/plain" : answer.contentType())
                    .end(answer.body()))
        .onFailure(e -> req.response().setStatusCode(503).end(String.valueOf(e.getMessage())));
  }

  private Future<WebhookAnswer> answer(WebhookRequest delivery) {
    Credentials account = credentials.get();
    return plugin
        .verify(delivery, account)
        .compose(
            verdict -> {
              if (!verdict.authentic()) {
                return Future.succeededFuture(plugin.reject(delivery, verdict));
              }
              ParsedWebhook parsed;
              try {
                parsed = plugin.parse(delivery, account);
              } catch (MalformedWebhookException e) {
                return Future.succeededFuture(WebhookAnswer.text(400, e.getMessage()));
              }
              return plugin
                  .resolve(delivery, parsed, account)
                  .map(
                      resolved ->
                          plugin.acknowledge(
                              delivery,
                              resolved,
                              resolved.isHeld()
                                  ? GatewayPlugin.Outcome.HELD
                                  : resolved.isIgnored()
                                      ? GatewayPlugin.Outcome.IGNORED
                                      : GatewayPlugin.Outcome.RECORDED));
            });
  }
}
