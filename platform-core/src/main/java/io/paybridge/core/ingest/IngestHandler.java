package io.paybridge.core.ingest;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.ingest.DeliveryCheck.Malformed;
import io.paybridge.core.ingest.DeliveryCheck.Parsed;
import io.paybridge.core.ingest.DeliveryCheck.Rejected;
import io.paybridge.core.ingest.DeliveryCheck.Unverified;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.metrics.PlatformMetrics.WebhookOutcome;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /hooks/{hookKey}/{gateway}}: find the gateway account by its unguessable hook key,
 * let the gateway's plugin verify and parse the delivery, record it, and answer as the gateway
 * expects, only after the commit.
 *
 * <p>Every delivery that reaches an account leaves a receipt with its verdict before it is
 * answered: {@code recorded}, {@code duplicate}, {@code held} (kept until the tenant fixes its
 * account), {@code ignored} (with the reason) or {@code rejected} (why). A delivery to an account
 * that has no signing secret yet is kept unverified ({@link UnverifiedHolds}) and acknowledged as
 * held; past the account's cap of such deliveries it gets 503, so the gateway delivers it again.
 * Forged deliveries get the plugin's refusal (401 by default) and their receipts are sampled per
 * account; authentic but malformed ones get 400 and keep their body; a database or gateway outage
 * gets 503 so the gateway retries, and nothing is acknowledged that is not durable. A delivery
 * whose tenant already holds its share of the ingest queue ({@link TenantShares}) gets 503 with
 * {@code Retry-After} and no receipt, before it is verified when the share is already full on
 * arrival: it was not acknowledged, and the gateway delivers it again. So does a delivery refused
 * because the node is overloaded and its tenant floods it, sending far more than the other tenants
 * ({@link FairAdmission}, when turned on), before the request is even read.
 */
public final class IngestHandler implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(IngestHandler.class.getName());

  /** The cause a receipt keeps of a body that is not what the gateway sends. */
  public static final String MALFORMED = "malformed";

  private static final String RETRY_AFTER = String.valueOf(QueueShareExceeded.RETRY_AFTER_SECONDS);

  private static final String FLOODING =
      "this node is overloaded and this account's webhooks arrive far faster than other accounts';"
          + " deliver again later";

  private final HookCache accounts;
  private final GroupCommitRecorder recorder;
  private final PlatformMetrics metrics;
  private final Clock clock;
  private final ReceiptStore receipts;
  private final DeliveryCheck check;
  private final UnverifiedHolds unverified;
  private final FairAdmission admission;
  private final RejectionBudget budget = new RejectionBudget();

  /**
   * @param admission decides, before a delivery is read, whether the node takes it now ({@link
   *     FairAdmission#OPEN}: every delivery)
   */
  public IngestHandler(
      HookCache accounts,
      GroupCommitRecorder recorder,
      PlatformMetrics metrics,
      Clock clock,
      ReceiptStore receipts,
      UnverifiedHolds unverified,
      FairAdmission admission) {
    this.accounts = accounts;
    this.recorder = recorder;
    this.metrics = metrics;
    this.clock = clock;
    this.receipts = receipts;
    this.check = new DeliveryCheck(receipts);
    this.unverified = unverified;
    this.admission = admission;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String hookKey = ctx.pathParam("hookKey");
    String gateway = ctx.pathParam("gateway");
    if (!isHookKey(hookKey)) {
      notFound(ctx);
      return;
    }
    Instant received = clock.instant();
    accounts
        .get(hookKey)
        .compose(
            account -> {
              if (account == null || !account.gateway().equals(gateway)) {
                notFound(ctx);
                return Future.succeededFuture();
              }
              if (!admission.admit(account.tenantId())) {
                // Refused before any work on it: the node is overloaded and this tenant floods it.
                busy(ctx, account.plugin().id(), FLOODING);
                return Future.succeededFuture();
              }
              Buffer body = ctx.body().buffer();
              WebhookRequest request =
                  new WebhookRequest(
                      ctx.request().method().name(),
                      ctx.request().path(),
                      ctx.request().headers(),
                      ctx.queryParams(),
                      body == null ? Buffer.buffer() : body,
                      ClientAddress.of(ctx),
                      received);
              QueueShareExceeded full = recorder.refusalNow(account.tenantId());
              if (full != null) {
                // Refused before the work of verifying it: the tenant's share is full.
                busy(ctx, account.plugin().id(), full.getMessage());
                return Future.succeededFuture();
              }
              return check
                  .check(account, request)
                  .compose(result -> answer(ctx, account, request, result, started))
                  .onComplete(v -> admission.answered(System.nanoTime() - started));
            })
        .onFailure(err -> unavailable(ctx, gateway, err));
  }

  private Future<Void> answer(
      RoutingContext ctx,
      GatewayAccount account,
      WebhookRequest request,
      DeliveryCheck.Result result,
      long started) {
    if (result instanceof Unverified waiting) {
      return holdUnverified(ctx, account, request, waiting.reason());
    }
    if (result instanceof Rejected rejected) {
      return rejected(ctx, account, request, rejected.verdict());
    }
    if (result instanceof Malformed malformed) {
      return malformed(ctx, account, request, malformed.reason());
    }
    return record(ctx, account, request, ((Parsed) result).parsed(), started);
  }

  private Future<Void> holdUnverified(
      RoutingContext ctx, GatewayAccount account, WebhookRequest request, String reason) {
    GatewayPlugin plugin = account.plugin();
    return unverified
        .hold(
            account,
            reason,
            request.body(),
            ReceiptHeaders.encode(request.headers()),
            request.remoteAddress(),
            ctx.request().query())
        .map(
            id -> {
              if (id == null) {
                LOG.log(
                    Level.WARNING,
                    "webhook not kept: gateway={0} account={1} already keeps {2} deliveries"
                        + " waiting for its signing secret; answering 503",
                    new Object[] {plugin.id(), account.id(), unverified.cap()});
                metrics.webhook(plugin.id(), WebhookOutcome.UNAVAILABLE);
                ctx.response().putHeader("Retry-After", "3600");
                HttpErrors.respond(
                    ctx,
                    503,
                    "webhook_secret_missing",
                    "this account cannot verify deliveries until its signing secret is saved;"
                        + " deliver again later");
                return null;
              }
              metrics.webhook(plugin.id(), WebhookOutcome.HELD);
              reply(ctx, plugin.acknowledge(request, null, Outcome.HELD));
              return null;
            });
  }

  private Future<Void> rejected(
      RoutingContext ctx, GatewayAccount account, WebhookRequest request, Verdict verdict) {
    GatewayPlugin plugin = account.plugin();
    LOG.log(
        Level.WARNING,
        "webhook rejected: gateway={0} account={1} remote={2} reason={3}",
        new Object[] {
          plugin.id(),
          account.id(),
          ReceiptStore.clip(request.remoteAddress()),
          ReceiptStore.clip(verdict.reason())
        });
    metrics.webhook(plugin.id(), WebhookOutcome.REJECTED);
    WebhookAnswer refusal = plugin.reject(request, verdict);
    // A forgery flood is sampled; a delivery the gateway really signed is always kept, in full.
    if (!verdict.genuine() && !budget.take(account.tenantId(), plugin.id(), clock.millis())) {
      reply(ctx, refusal);
      return Future.succeededFuture();
    }
    return receipts
        .rejected(
            account.tenantId(),
            plugin.id(),
            verdict.reason(),
            cause(verdict),
            null,
            verdict.genuine() ? request.body() : null,
            verdict.genuine() ? ReceiptHeaders.encode(request.headers()) : null,
            request.remoteAddress(),
            verdict.genuine() ? ctx.request().query() : null)
        .<Void>map(
            id -> {
              reply(ctx, refusal);
              return null;
            })
        .recover(
            err -> {
              if (refusal.status() >= 300) {
                // The answer tells the sender to stop or retry either way; the node log has it.
                reply(ctx, refusal);
                return Future.succeededFuture();
              }
              // A refusal answered as a success must leave its receipt first.
              return Future.failedFuture(err);
            });
  }

  private Future<Void> malformed(
      RoutingContext ctx, GatewayAccount account, WebhookRequest request, String reason) {
    GatewayPlugin plugin = account.plugin();
    LOG.log(
        Level.WARNING,
        "webhook malformed: gateway={0} account={1} reason={2}",
        new Object[] {plugin.id(), account.id(), ReceiptStore.clip(reason)});
    metrics.webhook(plugin.id(), WebhookOutcome.MALFORMED);
    return receipts
        .rejected(
            account.tenantId(),
            plugin.id(),
            "malformed: " + reason,
            MALFORMED,
            null,
            request.body(),
            ReceiptHeaders.encode(request.headers()),
            request.remoteAddress(),
            ctx.request().query())
        .map(
            id -> {
              HttpErrors.respond(ctx, 400, "malformed_webhook", reason);
              return null;
            });
  }

  private Future<Void> record(
      RoutingContext ctx,
      GatewayAccount account,
      WebhookRequest request,
      ParsedWebhook parsed,
      long started) {
    GatewayPlugin plugin = account.plugin();
    return recorder
        .offer(
            new GroupCommitRecorder.Receipt(
                account.tenantId(),
                plugin.id(),
                parsed,
                request.body(),
                account.cancelsUnknownSubscriptions(),
                ReceiptHeaders.encode(request.headers()),
                request.remoteAddress(),
                ctx.request().query()),
            () -> ctx.response().closed())
        .<Void>compose(
            outcome -> {
              metrics.webhook(plugin.id(), metric(outcome));
              if (outcome == Outcome.RECORDED) {
                metrics.recorded(System.nanoTime() - started);
              }
              Future<Void> logged =
                  outcome == Outcome.DUPLICATE
                      ? receipts
                          .duplicate(
                              account.tenantId(), plugin.id(), parsed, request.remoteAddress())
                          .<Void>mapEmpty()
                          .recover(
                              err -> {
                                // The event itself is durable; only the repeat's own row is lost.
                                LOG.warning(() -> "duplicate's receipt not written: " + err);
                                return Future.succeededFuture();
                              })
                      : Future.succeededFuture();
              return logged.map(
                  v -> {
                    reply(ctx, plugin.acknowledge(request, parsed, outcome));
                    return null;
                  });
            })
        .recover(
            err -> {
              if (err instanceof SenderGone) {
                // No one is waiting for the answer: the gateway delivers it again.
                metrics.webhook(plugin.id(), WebhookOutcome.UNAVAILABLE);
                return Future.<Void>succeededFuture();
              }
              if (!(err instanceof QueueShareExceeded full)) {
                return Future.<Void>failedFuture(err);
              }
              busy(ctx, plugin.id(), full.getMessage());
              return Future.<Void>succeededFuture();
            });
  }

  /** 503 with Retry-After: not acknowledged, so no receipt; the gateway delivers it again. */
  private void busy(RoutingContext ctx, String gatewayId, String why) {
    metrics.webhook(gatewayId, WebhookOutcome.UNAVAILABLE);
    ctx.response().putHeader("Retry-After", RETRY_AFTER);
    HttpErrors.respond(ctx, 503, "busy", why);
  }

  /**
   * Whether a path segment has the shape of a hook key, 16 to 64 of {@code A-Z a-z 0-9 _ -};
   * checked by hand, as it is for every delivery, before any lookup.
   */
  static boolean isHookKey(String key) {
    if (key == null || key.length() < 16 || key.length() > 64) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The cause a receipt keeps of a refusal: the kind in lower case, e.g. {@code wrong_secret}. */
  static String cause(Verdict verdict) {
    return verdict.cause() == null
        ? null
        : verdict.cause().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static WebhookOutcome metric(Outcome outcome) {
    return switch (outcome) {
      case RECORDED -> WebhookOutcome.RECORDED;
      case DUPLICATE -> WebhookOutcome.DUPLICATE;
      case IGNORED -> WebhookOutcome.IGNORED;
      case HELD -> WebhookOutcome.HELD;
    };
  }

  private void notFound(RoutingContext ctx) {
    metrics.webhook(PlatformMetrics.UNKNOWN_GATEWAY, WebhookOutcome.NOT_FOUND);
    HttpErrors.respond(ctx, 404, "unknown_webhook_url", "no gateway account has this webhook URL");
  }

  /**
   * The account lookup, a plugin, the gateway's API or the database failed: nothing was recorded,
   * so the gateway must retry. Plugin bugs and outages both land here; the log tells them apart.
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
          new Object[] {ReceiptStore.clip(gateway), ReceiptStore.clip(String.valueOf(err))});
    } else {
      LOG.log(
          Level.SEVERE,
          "webhook not recorded (gateway " + ReceiptStore.clip(gateway) + "), answering 503",
          err);
    }
    metrics.webhook(PlatformMetrics.UNKNOWN_GATEWAY, WebhookOutcome.UNAVAILABLE);
    ctx.response().putHeader("Retry-After", "5");
    HttpErrors.respond(
        ctx, 503, "unavailable", "the webhook could not be recorded now; retry later");
  }

  private static void reply(RoutingContext ctx, WebhookAnswer answer) {
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
