package io.paybridge.core.tenant;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.UUID;

/**
 * The SQL of console sessions ({@code console_sessions}, migration V25): every node reads and
 * writes the same rows, so a session signed in at one node is signed in at all of them and outlives
 * a restart. A session is looked up by the SHA-256 digest of its id, which is all the table holds
 * of it: reading the table gives nobody a session to present, and a row someone writes under an id
 * of their choosing is found by no cookie.
 */
public final class ConsoleSessionStore {

  /**
   * A live session: the tenant signed in ({@code null} before sign-in), the rest of its data as the
   * console serialized it, the version its last write gave it, and when it was last used.
   */
  public record Stored(UUID tenant, Buffer data, int version, long lastAccessedMillis) {}

  /** Most expired sessions one purge deletes; the next purge takes the rest. */
  private static final int PURGE_BATCH = 10_000;

  /** The end of a row: its idle timeout from now, at most its lifetime after it was created. */
  private static final String EXPIRES =
      "least(now() + $%d::bigint * interval '1 millisecond', created_at + $%d::bigint * interval '1 millisecond')";

  private final Pool pool;

  public ConsoleSessionStore(Pool pool) {
    this.pool = pool;
  }

  /** The digest a session id is stored under. */
  public static byte[] digest(String sessionId) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(sessionId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The session with this id if it has not ended, or {@code null}. */
  public Future<Stored> find(String sessionId) {
    return pool.preparedQuery(
            "SELECT tenant_id, data, version,"
                + " (extract(epoch FROM last_accessed) * 1000)::bigint"
                + " FROM console_sessions WHERE id_digest = $1 AND expires_at > now()")
        .execute(Tuple.of(Buffer.buffer(digest(sessionId))))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  /**
   * Stores a session under an id never stored before; answers {@code false} when the id is taken.
   * Its lifetime starts now.
   */
  public Future<Boolean> insert(
      String sessionId, UUID tenant, Buffer data, int version, Duration idle, Duration lifetime) {
    return pool.preparedQuery(
            "INSERT INTO console_sessions"
                + " (id_digest, tenant_id, data, version, created_at, last_accessed, expires_at)"
                + " VALUES ($1, $2, $3, $4, now(), now(),"
                + " now() + least($5::bigint, $6::bigint) * interval '1 millisecond')"
                + " ON CONFLICT (id_digest) DO NOTHING")
        .execute(
            Tuple.of(
                Buffer.buffer(digest(sessionId)),
                tenant,
                data,
                version,
                idle.toMillis(),
                lifetime.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Replaces a live session's data if it still has the version it was read with, and marks it used;
   * answers {@code false} when another request changed it meanwhile or it ended.
   */
  public Future<Boolean> update(
      String sessionId,
      UUID tenant,
      Buffer data,
      int readVersion,
      int newVersion,
      Duration idle,
      Duration lifetime) {
    return pool.preparedQuery(
            "UPDATE console_sessions SET tenant_id = $2, data = $3, version = $5,"
                + " last_accessed = now(), expires_at = "
                + EXPIRES.formatted(6, 7)
                + " WHERE id_digest = $1 AND version = $4 AND expires_at > now()")
        .execute(
            Tuple.of(
                Buffer.buffer(digest(sessionId)),
                tenant,
                data,
                readVersion,
                newVersion,
                idle.toMillis(),
                lifetime.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Marks a live session used, which moves its idle end (never past its lifetime); answers {@code
   * false} when it ended.
   */
  public Future<Boolean> touch(String sessionId, Duration idle, Duration lifetime) {
    return pool.preparedQuery(
            "UPDATE console_sessions SET last_accessed = now(), expires_at = "
                + EXPIRES.formatted(2, 3)
                + " WHERE id_digest = $1 AND expires_at > now()")
        .execute(Tuple.of(Buffer.buffer(digest(sessionId)), idle.toMillis(), lifetime.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Ends a session (sign-out, or an id replaced at sign-in). */
  public Future<Void> delete(String sessionId) {
    return pool.preparedQuery("DELETE FROM console_sessions WHERE id_digest = $1")
        .execute(Tuple.of(Buffer.buffer(digest(sessionId))))
        .mapEmpty();
  }

  /** Ends every session of every tenant. */
  public Future<Void> deleteAll() {
    return pool.query("DELETE FROM console_sessions").execute().mapEmpty();
  }

  /** Sessions that have not ended. */
  public Future<Integer> live() {
    return pool.query("SELECT count(*) FROM console_sessions WHERE expires_at > now()")
        .execute()
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * Deletes sessions that have ended, at most a batch at a time; skips rows a request holds at the
   * moment. Answers how many were deleted.
   */
  public Future<Integer> purge() {
    return pool.preparedQuery(
            "DELETE FROM console_sessions WHERE id_digest IN (SELECT id_digest"
                + " FROM console_sessions WHERE expires_at <= now() LIMIT "
                + PURGE_BATCH
                + " FOR UPDATE SKIP LOCKED)")
        .execute()
        .map(rows -> rows.rowCount());
  }

  private static Stored stored(Row row) {
    return new Stored(row.getUUID(0), row.getBuffer(1), row.getInteger(2), row.getLong(3));
  }
}
