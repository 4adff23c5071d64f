package io.paybridge.api;

import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.idempotency.ApiIdempotency;
import io.paybridge.core.idempotency.IdempotencyStore;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code Idempotency-Key} on the API's writes: a request that carries one takes it before its
 * handler runs; a successful answer is kept (see {@link Answers}) and replayed, with {@code
 * Idempotent-Replayed: true}, to the same request sent again within 24 hours; the key with another
 * request is {@code 422}, and while the first request runs, {@code 409}. A request that fails lets
 * its key go, so the partner can send it again as it was.
 */
final class Idempotency {

  private static final Logger LOG = Logger.getLogger(Idempotency.class.getName());
  private static final String ENTRY = "paybridge.idempotency.entry";

  /** A key this request took, and whether its answer was kept. */
  static final class Entry {
    final ApiIdempotency keys;
    final UUID tenantId;
    final String key;
    boolean answered;

    Entry(ApiIdempotency keys, UUID tenantId, String key) {
      this.keys = keys;
      this.tenantId = tenantId;
      this.key = key;
    }
  }

  private final ApiIdempotency keys;

  Idempotency(ApiIdempotency keys) {
    this.keys = keys;
  }

  /** The entry this request took, or null. */
  static Entry entry(RoutingContext ctx) {
    return ctx.get(ENTRY);
  }

  /** The handler that runs before an idempotent operation's own. */
  Handler<RoutingContext> handler() {
    return ctx -> {
      String key = ctx.request().getHeader("Idempotency-Key");
      if (key == null) {
        ctx.next();
        return;
      }
      UUID tenant = TokenService.tenantOf(ctx);
      String target =
          ctx.request().path() + (ctx.request().query() == null ? "" : "?" + ctx.request().query());
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      keys.take(tenant, key, ctx.request().method().name(), target, body)
          .onFailure(ctx::fail)
          .onSuccess(
              claim -> {
                if (claim instanceof IdempotencyStore.Taken) {
                  Entry entry = new Entry(keys, tenant, key);
                  ctx.put(ENTRY, entry);
                  ctx.addEndHandler(ended -> releaseUnanswered(entry));
                  ctx.next();
                } else if (claim instanceof IdempotencyStore.Answered a) {
                  replay(ctx, a);
                } else if (claim instanceof IdempotencyStore.Running) {
                  ctx.response().putHeader("Retry-After", "1");
                  HttpErrors.respond(
                      ctx,
                      409,
                      "idempotency_key_in_use",
                      "a request with this Idempotency-Key is still being processed; send it"
                          + " again in a moment to get its answer");
                } else {
                  HttpErrors.respond(
                      ctx,
                      422,
                      "idempotency_key_reused",
                      "this Idempotency-Key was used for a different request (another method,"
                          + " path or body); use a new key for a new request");
                }
              });
    };
  }

  private void releaseUnanswered(Entry entry) {
    if (!entry.answered) {
      keys.release(entry.tenantId, entry.key)
          .onFailure(
              err ->
                  LOG.log(
                      Level.WARNING,
                      "could not release Idempotency-Key of tenant {0}: {1}",
                      new Object[] {entry.tenantId, String.valueOf(err)}));
    }
  }

  private static void replay(RoutingContext ctx, IdempotencyStore.Answered a) {
    var response =
        ctx.response().setStatusCode(a.status()).putHeader("Idempotent-Replayed", "true");
    if (a.contentType() != null) {
      response.putHeader("Content-Type", a.contentType());
    }
    if (a.location() != null) {
      response.putHeader("Location", a.location());
    }
    if (a.body() == null) {
      response.end();
    } else {
      response.end(a.body());
    }
  }
}
