package io.paybridge.core.tenant;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.tenant.TenantStore.ClientStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each node knows of the API clients whose tokens it checks: whether a client was deleted and
 * which secret generations it accepts, so that checking a token on every request costs no query. A
 * client deleted or rotated on any node is dropped on every node at once, over the clustered event
 * bus ({@link EventBusAddresses#API_CLIENT_INVALIDATE}); what a node knows is also read again after
 * {@link #TTL}, should an invalidation be lost while a node was cut off from the cluster.
 * Concurrent misses for one client share a single query, and answers come back on the caller's
 * event loop.
 */
public final class ClientStatusCache {

  /** How long a node trusts what it read of a client without being told of a change. */
  public static final Duration TTL = Duration.ofSeconds(30);

  private static final int MAX_ENTRIES = 100_000;

  /** A client's status as read at {@code readAt}; {@code status} is null for no such client. */
  private record Entry(ClientStatus status, Instant readAt) {}

  private final Vertx vertx;
  private final TenantStore store;
  private final Clock clock;
  private final Map<String, Entry> known = new ConcurrentHashMap<>();
  private final Map<String, Future<ClientStatus>> loading = new ConcurrentHashMap<>();
  private final Future<Void> listening;

  /** A cache that starts listening for invalidations at once; see {@link #listening()}. */
  public ClientStatusCache(Vertx vertx, TenantStore store, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    MessageConsumer<String> consumer =
        vertx
            .eventBus()
            .consumer(EventBusAddresses.API_CLIENT_INVALIDATE, msg -> evict(msg.body()));
    this.listening = consumer.completion();
  }

  /**
   * Completes once this node receives invalidations from the whole cluster; a node answers API
   * requests only after it. The consumer goes when Vert.x closes.
   */
  public Future<Void> listening() {
    return listening;
  }

  /** The client's status, or {@code null} when there is no such client. */
  public Future<ClientStatus> get(String clientId) {
    Entry entry = known.get(clientId);
    if (entry != null && clock.instant().isBefore(entry.readAt().plus(TTL))) {
      return Future.succeededFuture(entry.status());
    }
    Future<ClientStatus> load = loading.get(clientId);
    if (load == null) {
      Instant readAt = clock.instant();
      Future<ClientStatus> started = store.clientStatus(clientId);
      load = loading.putIfAbsent(clientId, started);
      if (load == null) {
        load = started;
        started.onComplete(ar -> loaded(clientId, started, readAt, ar));
      }
    }
    return onCallersContext(load);
  }

  /** Keeps what a lookup found, unless the client was invalidated while the query ran. */
  private void loaded(
      String clientId, Future<ClientStatus> load, Instant readAt, AsyncResult<ClientStatus> ar) {
    if (!loading.remove(clientId, load) || ar.failed()) {
      return;
    }
    if (known.size() >= MAX_ENTRIES) {
      known.clear();
    }
    known.put(clientId, new Entry(ar.result(), readAt));
  }

  private static Future<ClientStatus> onCallersContext(Future<ClientStatus> load) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return load;
    }
    Promise<ClientStatus> answer = Promise.promise();
    load.onComplete(ar -> caller.runOnContext(v -> answer.handle(ar)));
    return answer.future();
  }

  /** Tells every node (this one included) that the client was deleted or rotated. */
  public void invalidate(String clientId) {
    evict(clientId);
    vertx.eventBus().publish(EventBusAddresses.API_CLIENT_INVALIDATE, clientId);
  }

  private void evict(String clientId) {
    if (clientId != null) {
      known.remove(clientId);
      loading.remove(clientId);
    }
  }
}
