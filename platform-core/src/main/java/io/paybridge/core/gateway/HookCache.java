package io.paybridge.core.gateway;

import io.paybridge.core.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gateway accounts by hook key, kept in memory so the ingest path touches the database only to
 * record. Concurrent misses for one key share a single query; unknown keys are remembered briefly
 * so a flood of forged URLs costs no queries. A credential edit anywhere publishes an invalidation
 * on the event bus and every node drops its copy.
 */
public final class HookCache {

  private static final int MAX_ENTRIES = 100_000;
  private static final long NEGATIVE_TTL_MS = 10_000;

  private final Vertx vertx;
  private final GatewayAccountStore store;
  private final Map<String, Future<GatewayAccount>> accounts = new ConcurrentHashMap<>();
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
    Future<GatewayAccount> cached = accounts.get(hookKey);
    if (cached != null) {
      return cached;
    }
    if (accounts.size() >= MAX_ENTRIES) {
      accounts.clear();
    }
    Future<GatewayAccount> loading = store.findByHookKey(hookKey);
    Future<GatewayAccount> raced = accounts.putIfAbsent(hookKey, loading);
    if (raced != null) {
      return raced;
    }
    return loading.andThen(
        ar -> {
          if (ar.failed() || ar.result() == null) {
            accounts.remove(hookKey, loading);
          }
          if (ar.succeeded() && ar.result() == null) {
            if (unknownUntil.size() >= MAX_ENTRIES) {
              unknownUntil.clear();
            }
            unknownUntil.put(hookKey, System.currentTimeMillis() + NEGATIVE_TTL_MS);
          }
        });
  }

  /** Tells every node (this one included) that the account behind this hook key changed. */
  public void invalidate(String hookKey) {
    evict(hookKey);
    vertx.eventBus().publish(EventBusAddresses.HOOK_INVALIDATE, hookKey);
  }

  private void evict(String hookKey) {
    accounts.remove(hookKey);
    unknownUntil.remove(hookKey);
  }
}
