package io.paybridge.console;

import io.paybridge.core.tenant.ConsoleSessionStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.sstore.AbstractSession;
import java.util.HashMap;
import java.util.Map;

/**
 * A console session as {@link DatabaseSessionStore} keeps it: vertx-web's session, whose data is
 * serialized as the cluster's session store serializes it, but without its id. Where a value begins
 * with the session's id (vertx-web's CSRF handler binds its token to the session that way), the id
 * is written as a mark and put back from the cookie that presents the session, so the stored bytes
 * never tell the id.
 */
final class StoredSession extends AbstractSession {

  /**
   * Stands for the session's id at the start of a stored value; no form or tenant field has NUL.
   */
  private static final String ID_MARK = "\u0000";

  /** The id this session is stored under, {@code null} while it is new. */
  private String storedId;

  private StoredSession() {}

  StoredSession(VertxContextPRNG random, long timeout, int length) {
    super(random, timeout, length);
  }

  /**
   * The session stored under {@code id}: its data read from {@code data} as written by {@link
   * #serialized()}, last used at {@code lastAccessed}, at {@code version}. Its tenant is the row's,
   * whatever the data says.
   */
  static StoredSession read(
      VertxContextPRNG random, String id, long timeout, ConsoleSessionStore.Stored stored) {
    StoredSession s = new StoredSession();
    s.setPRNG(random);
    s.setId(id);
    s.setTimeout(timeout);
    s.setLastAccessed(stored.lastAccessedMillis());
    s.readDataFromBuffer(0, stored.data());
    Map<String, Object> values = new HashMap<>();
    s.data().forEach((k, v) -> values.put(k, unmarked(v, id)));
    values.remove(ConsoleRoutes.TENANT);
    if (stored.tenant() != null) {
      values.put(ConsoleRoutes.TENANT, stored.tenant().toString());
    }
    s.setData(values);
    s.storedId = id;
    s.settle(stored.version());
    return s;
  }

  /** The session's data as it is stored: serialized, with the id marked out. */
  Buffer serialized() {
    StoredSession marked = new StoredSession();
    Map<String, Object> values = new HashMap<>();
    data().forEach((k, v) -> values.put(k, marked(v, id())));
    marked.setData(values);
    Buffer out = Buffer.buffer();
    marked.writeDataToBuffer(out);
    return out;
  }

  /**
   * Takes the data as read as unchanged, so the next write stores it only if the request changed
   * it, and sets the version the row has.
   */
  private void settle(int version) {
    incrementVersion();
    setVersion(version);
  }

  /** Whether this session is stored under its current id (not new, not given a new id). */
  boolean storedUnderItsId() {
    return id().equals(storedId);
  }

  /** Records that the session is now stored under its current id. */
  void stored() {
    storedId = id();
  }

  private static Object marked(Object value, String id) {
    return value instanceof String s && s.startsWith(id)
        ? ID_MARK + s.substring(id.length())
        : value;
  }

  private static Object unmarked(Object value, String id) {
    return value instanceof String s && s.startsWith(ID_MARK)
        ? id + s.substring(ID_MARK.length())
        : value;
  }
}
