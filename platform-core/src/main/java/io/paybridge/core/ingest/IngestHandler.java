package io.paybridge.core.ingest;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.metrics.PlatformMetrics.WebhookOutcome;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code POST /hooks/{hookKey}/{gateway}}: find the gateway account by its unguessable hook key,
 * let the gateway's plugin verify and parse the delivery, record it, and answer as the gateway
 * expects, only after the commit. Forged deliveries get 401 and are logged with the reason;
 * authentic but malformed ones get 400; a database outage gets 503 so the gateway retries.
 */
public final class IngestHandler implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(IngestHandler.class.getName());
  private static final Pattern HOOK_KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private final HookCache accounts;
  private final GroupCommitRecorder recorder;
  private final PlatformMetrics metrics;
  private final Clock clock;
  private final WebhookLog log;

  public IngestHandler(
      HookCache accounts,
      GroupCommitRecorder recorder,
      PlatformMetrics metrics,
      Clock clock,
      WebhookLog log) {
    this.accounts = accounts;
    this.recorder = recorder;
    this.metrics = metrics;
    this.clock = clock;
    this.log = log;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String hookKey = ctx.pathParam("hookKey");
    String gateway = ctx.pathParam("gateway");
    if (hookKey == null || !HOOK_KEY.matcher(hookKey).matches()) {
      notFound(ctx);
      return;
    }
    Buffer body = ctx.body().buffer();
    WebhookRequest request =
        new WebhookRequest(
            ctx.request().method().name(),
            ctx.request().path(),
            ctx.request().headers(),
            ctx.queryParams(),
            body == null ? Buffer.buffer() : body,
            ctx.request().remoteAddress() == null
                ? null
                : ctx.request().remoteAddress().hostAddress(),
            clock.instant());
    accounts
        .get(hookKey)
        .compose(
            account -> {
              if (account == null || !account.gateway().equals(gateway)) {
                notFound(ctx);
                return Future.succeededFuture();
              }
              return handle(ctx, account, request, started);
            })
        .onFailure(err -> unavailable(ctx, gateway, err));
  }

  private Future<Void> handle(
      RoutingContext ctx, GatewayAccount account, WebhookRequest request, long started) {
    GatewayPlugin plugin = account.plugin();
    return plugin
        .verify(request, account.credentials())
        .compose(
            verdict -> {
              if (!verdict.authentic()) {
                LOG.log(
                    Level.WARNING,
                    "webhook rejected: gateway={0} account={1} remote={2} reason={3}",
                    new Object[] {
                      plugin.id(), account.id(), request.remoteAddress(), verdict.reason()
                    });
                metrics.webhook(plugin.id(), WebhookOutcome.REJECTED);
                log.record(
                    account.tenantId(),
                    plugin.id(),
                    "rejected",
                    verdict.reason(),
                    null,
                    null,
                    request.remoteAddress());
                answer(ctx, plugin.reject(request));
                return Future.succeededFuture();
              }
              ParsedWebhook parsed;
              try {
                parsed = plugin.parse(request, account.credentials());
              } catch (MalformedWebhookException e) {
                malformed(ctx, plugin, account, e);
                return Future.succeededFuture();
              }
              return plugin
                  .resolve(request, parsed, account.credentials())
                  .compose(
                      resolved -> record(ctx, account, request, resolved, started),
                      err -> {
                        if (err instanceof MalformedWebhookException e) {
                          malformed(ctx, plugin, account, e);
                          return Future.succeededFuture();
                        }
                        return Future.failedFuture(err);
                      });
            });
  }

  private Future<Void> record(
      RoutingContext ctx,
      GatewayAccount account,
      WebhookRequest request,
      ParsedWebhook parsed,
      long started) {
    GatewayPlugin plugin = account.plugin();
    if (parsed.isIgnored()) {
      metrics.webhook(plugin.id(), WebhookOutcome.IGNORED);
      log.record(
          account.tenantId(),
          plugin.id(),
          "ignored",
          "event type not acted on",
          parsed.eventId(),
          parsed.eventType(),
          request.remoteAddress());
      answer(ctx, plugin.acknowledge(request, parsed, Outcome.IGNORED));
      return Future.succeededFuture();
    }
    return recorder
        .record(
            new GroupCommitRecorder.Receipt(
                account.tenantId(),
                plugin.id(),
                parsed,
                request.body(),
                account.cancelsUnknownSubscriptions()))
        .map(
            outcome -> {
              metrics.webhook(
                  plugin.id(),
                  outcome == Outcome.RECORDED ? WebhookOutcome.RECORDED : WebhookOutcome.DUPLICATE);
              metrics.recorded(System.nanoTime() - started);
              if (outcome == Outcome.DUPLICATE) {
                log.record(
                    account.tenantId(),
                    plugin.id(),
                    "duplicate",
                    "already recorded",
                    parsed.eventId(),
                    parsed.eventType(),
                    request.remoteAddress());
              }
              answer(ctx, plugin.acknowledge(request, parsed, outcome));
              return null;
            });
  }

  private void malformed(
      RoutingContext ctx,
      GatewayPlugin plugin,
      GatewayAccount account,
      MalformedWebhookException e) {
    LOG.log(
        Level.WARNING,
        "webhook malformed: gateway={0} account={1} reason={2}",
        new Object[] {plugin.id(), account.id(), e.getMessage()});
    metrics.webhook(plugin.id(), WebhookOutcome.MALFORMED);
    log.record(account.tenantId(), plugin.id(), "malformed", e.getMessage(), null, null, null);
    HttpErrors.respond(ctx, 400, "malformed_webhook", e.getMessage());
  }

  private void notFound(RoutingContext ctx) {
    metrics.webhook(PlatformMetrics.UNKNOWN_GATEWAY, WebhookOutcome.NOT_FOUND);
    HttpErrors.respond(ctx, 404, "unknown_webhook_url", "no gateway account has this webhook URL");
  }

  /**
   * The account lookup, a plugin or the database failed: nothing was recorded, so the gateway must
   * retry. Plugin bugs and database outages both land here; the log tells them apart.
   */
  private void unavailable(RoutingContext ctx, String gateway, Throwable err) {
    boolean expected =
        err instanceof io.vertx.core.VertxException
            || err instanceof io.vertx.pgclient.PgException
            || err instanceof io.paybridge.spi.GatewayApiException
            || err instanceof java.net.ConnectException;
    if (expected) {
      LOG.log(
          Level.WARNING,
          "webhook not recorded (gateway {0}), answering 503: {1}",
          new Object[] {gateway, err});
    } else {
      LOG.log(Level.SEVERE, "webhook not recorded (gateway " + gateway + "), answering 503", err);
    }
    metrics.webhook(PlatformMetrics.UNKNOWN_GATEWAY, WebhookOutcome.UNAVAILABLE);
    ctx.response().putHeader("Retry-After", "5");
    HttpErrors.respond(
        ctx, 503, "unavailable", "the webhook could not be recorded now; retry later");
  }

  private static void answer(RoutingContext ctx, WebhookAnswer answer) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      return;
    }
    response.setStatusCode(answer.status());
    if (answer.contentType() != null) {
      response.putHeader("Content-Type", answer.contentType());
    }
    response.end(answer.body());
  }
}
