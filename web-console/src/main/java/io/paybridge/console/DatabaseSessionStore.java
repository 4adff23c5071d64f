package io.paybridge.console;

import io.paybridge.core.tenant.ConsoleSessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;
import java.time.Duration;
import java.util.UUID;

/**
 * Console sessions kept in PostgreSQL ({@link ConsoleSessionStore}), in every mode: every node
 * finds every session, a restart ends none, and nothing of them travels over the cluster's
 * unencrypted traffic. The tenant of a session is its row's tenant column, which replaces whatever
 * the stored data says. A session ends after its idle timeout, and its lifetime after it was stored
 * under its id (at sign-in, which gives it a new one), however busy it is.
 *
 * <p>A session is written only under the version it was read with, so of two requests of one
 * session that both change it, the later write fails rather than undo the other; one that only used
 * it moves its idle end. An ended or deleted session is never written again.
 */
final class DatabaseSessionStore implements SessionStore {

  private final ConsoleSessionStore rows;
  private final Duration lifetime;
  private VertxContextPRNG random;

  DatabaseSessionStore(Vertx vertx, ConsoleSessionStore rows, Duration lifetime) {
    this.rows = rows;
    this.lifetime = lifetime;
    init(vertx, new JsonObject());
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    random = VertxContextPRNG.current(vertx);
    return this;
  }

  /** A session written is in the database before its answer leaves: no wait for it to spread. */
  @Override
  public long retryTimeout() {
    return 0;
  }

  @Override
  public Session createSession(long timeout) {
    return createSession(timeout, DEFAULT_SESSIONID_LENGTH);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return new StoredSession(random, timeout, length);
  }

  @Override
  public Future<Session> get(String cookieValue) {
    return rows.find(cookieValue)
        .map(
            stored ->
                stored == null
                    ? null
                    : StoredSession.read(
                        random, cookieValue, ConsoleRoutes.SESSION_TIMEOUT_MS, stored));
  }

  @Override
  public Future<Void> delete(String id) {
    return rows.delete(id);
  }

  @Override
  public Future<Void> put(Session session) {
    StoredSession s = (StoredSession) session;
    Duration idle = Duration.ofMillis(s.timeout());
    int read = s.version();
    s.incrementVersion();
    Future<Boolean> written;
    if (!s.storedUnderItsId()) {
      written = rows.insert(s.id(), tenant(s), s.serialized(), s.version(), idle, lifetime);
    } else if (s.version() != read) {
      written = rows.update(s.id(), tenant(s), s.serialized(), read, s.version(), idle, lifetime);
    } else {
      written = rows.touch(s.id(), idle, lifetime);
    }
    return written.compose(
        ok -> {
          if (!ok) {
            return Future.failedFuture(
                new IllegalStateException("the console session ended or changed meanwhile"));
          }
          s.stored();
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> clear() {
    return rows.deleteAll();
  }

  @Override
  public Future<Integer> size() {
    return rows.live();
  }

  @Override
  public void close() {}

  private static UUID tenant(Session session) {
    String id = session.get(ConsoleRoutes.TENANT);
    return id == null ? null : UUID.fromString(id);
  }
}
