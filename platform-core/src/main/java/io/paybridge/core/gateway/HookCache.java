package io.paybridge.core.gateway;

import io.paybridge.core.EventBusAddresses;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gateway accounts by hook key, kept in memory so the ingest path touches the database only to
 * record. Concurrent misses for one key share a single query; unknown keys are remembered briefly
 * so a flood of forged URLs costs no queries. A credential edit anywhere publishes an invalidation
 * on the event bus and every node drops its copy.
 *
 * <p>Answers come back on the caller's own event loop. A Vert.x future runs its callbacks on the
 * context it was created on, so handing every caller the one future of the first lookup would move
 * each later webhook's verification and parsing onto the event loop that happened to load its
 * account first, and back again to record it: the cache keeps accounts, not futures.
 */
public final class HookCache {

  private static final int MAX_ENTRIES = 100_000;
  private static final long NEGATIVE_TTL_MS = 10_000;

  private final Vertx vertx;
  private final GatewayAccountStore store;
  private final Map<String, GatewayAccount> accounts = new ConcurrentHashMap<>();
  private final Map<String, Future<GatewayAccount>> loading = new ConcurrentHashMap<>();
  private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();
  private MessageConsumer<String> consumer;

  public HookCache(Vertx vertx, GatewayAccountStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Starts listening for invalidations; the future completes once the consumer is registered. */
  public Future<Void> start() {
    consumer =
        vertx.eventBus().consumer(EventBusAddresses.HOOK_INVALIDATE, msg -> evict(msg.body()));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The account for a hook key, or {@code null} when there is none. */
  public Future<GatewayAccount> get(String hookKey) {
    Long until = unknownUntil.get(hookKey);
    if (until != null) {
      if (until > System.currentTimeMillis()) {
        return Future.succeededFuture();
      }
      unknownUntil.remove(hookKey);
    }
    GatewayAccount known = accounts.get(hookKey);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Future<GatewayAccount> load = loading.get(hookKey);
    if (load == null) {
      Future<GatewayAccount> started = store.findByHookKey(hookKey);
      load = loading.putIfAbsent(hookKey, started);
      if (load == null) {
        load = started;
        started.onComplete(ar -> loaded(hookKey, started, ar));
      }
    }
    return onCallersContext(load);
  }

  /** Keeps what a lookup found, unless the account was invalidated while the query ran. */
  private void loaded(
      String hookKey, Future<GatewayAccount> load, AsyncResult<GatewayAccount> outcome) {
    if (!loading.remove(hookKey, load) || outcome.failed()) {
      return;
    }
    GatewayAccount account = outcome.result();
    if (account != null) {
      if (accounts.size() >= MAX_ENTRIES) {
        accounts.clear();
      }
      accounts.put(hookKey, account);
    } else {
      if (unknownUntil.size() >= MAX_ENTRIES) {
        unknownUntil.clear();
      }
      unknownUntil.put(hookKey, System.currentTimeMillis() + NEGATIVE_TTL_MS);
    }
  }

  /** The outcome of a shared lookup, delivered on the calling context (if there is one). */
  private static Future<GatewayAccount> onCallersContext(Future<GatewayAccount> load) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return load;
    }
    Promise<GatewayAccount> answer = Promise.promise();
    load.onComplete(ar -> caller.runOnContext(v -> answer.handle(ar)));
    return answer.future();
  }

  /** Tells every node (this one included) that the account behind this hook key changed. */
  public void invalidate(String hookKey) {
    evict(hookKey);
    vertx.eventBus().publish(EventBusAddresses.HOOK_INVALIDATE, hookKey);
  }

  private void evict(String hookKey) {
    accounts.remove(hookKey);
    loading.remove(hookKey);
    unknownUntil.remove(hookKey);
  }
}
