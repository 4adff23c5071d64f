package io.paybridge.testkit;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A small HTTP receiver on loopback that does with a plugin what the platform's ingest does, on the
 * event loop: every request becomes a {@link WebhookRequest} exactly as it arrived over the wire,
 * which must verify; an authentic one is parsed, resolved and acknowledged as recorded, ignored or
 * held, a forged one gets the plugin's rejection, a malformed one a 400, and one that cannot be
 * resolved now (the gateway's API is down) a 503. Tests {@link #post} their simulator's webhooks to
 * it and assert on what it received, what the plugin made of it and what it answered.
 */
public final class PluginReceiver {

  private final GatewayPlugin plugin;
  private final Supplier<Credentials> credentials;
  private final Queue<WebhookRequest> received = new ConcurrentLinkedQueue<>();
  private final Queue<ParsedWebhook> resolved = new ConcurrentLinkedQueue<>();
  private final Queue<String> rejections = new ConcurrentLinkedQueue<>();
  private final WebClient client;
  private HttpServer server;

  private PluginReceiver(Vertx vertx, GatewayPlugin plugin, Supplier<Credentials> credentials) {
    this.plugin = plugin;
    this.credentials = credentials;
    this.client = WebClient.create(vertx);
  }

  /**
   * Starts a receiver on 127.0.0.1.
   *
   * @param credentials the account's credentials, read at each request (a test may change them)
   */
  public static Future<PluginReceiver> start(
      Vertx vertx, GatewayPlugin plugin, Supplier<Credentials> credentials) {
    PluginReceiver receiver = new PluginReceiver(vertx, plugin, credentials);
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

  /** Posts the webhook to this receiver as the gateway would. */
  public Future<HttpResponse<Buffer>> post(Webhook webhook) {
    return webhook.post(client, url());
  }

  /** Every request received, as the plugin saw it, oldest first. */
  public Queue<WebhookRequest> received() {
    return received;
  }

  /** What the plugin resolved each authentic, well-formed delivery to, oldest first. */
  public Queue<ParsedWebhook> resolved() {
    return resolved;
  }

  /** The payment events of every resolved delivery, oldest first. */
  public List<PaymentEvent> events() {
    return resolved.stream().flatMap(parsed -> parsed.events().stream()).toList();
  }

  /** Why each delivery that did not verify was refused, oldest first. */
  public Queue<String> rejections() {
    return rejections;
  }

  /** Stops the receiver and its client. */
  public Future<Void> close() {
    client.close();
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
            verdict ->
                verdict.authentic()
                    ? resolve(delivery, account)
                    : Future.succeededFuture(refuse(delivery, verdict)));
  }

  private WebhookAnswer refuse(WebhookRequest delivery, Verdict verdict) {
    rejections.add(verdict.reason());
    return plugin.reject(delivery, verdict);
  }

  private Future<WebhookAnswer> resolve(WebhookRequest delivery, Credentials account) {
    ParsedWebhook parsed;
    try {
      parsed = plugin.parse(delivery, account);
    } catch (MalformedWebhookException e) {
      return Future.succeededFuture(WebhookAnswer.text(400, e.getMessage()));
    }
    return plugin
        .resolve(delivery, parsed, account)
        .onSuccess(resolved::add)
        .map(done -> plugin.acknowledge(delivery, done, outcome(done)));
  }

  private static GatewayPlugin.Outcome outcome(ParsedWebhook resolved) {
    if (resolved.isHeld()) {
      return GatewayPlugin.Outcome.HELD;
    }
    return resolved.isIgnored() ? GatewayPlugin.Outcome.IGNORED : GatewayPlugin.Outcome.RECORDED;
  }
}
