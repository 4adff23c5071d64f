package io.paybridge.core.idempotency;

import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a partner does to retry a write blindly: send it again with the same {@code
 * Idempotency-Key}. The first request with a key takes it and its successful answer is kept for
 * {@link #KEEP}; the same request again gets that answer, a different request under the key is
 * refused, and a request still running makes the second wait its turn. Kept in PostgreSQL, so it
 * holds across nodes and restarts.
 */
public final class ApiIdempotency {

  /** How long an answer is replayed. */
  public static final Duration KEEP = Duration.ofHours(24);

  /** How long a running request holds its key before a retry may take it over. */
  public static final Duration LOCK = Duration.ofMinutes(2);

  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final IdempotencyStore store;

  public ApiIdempotency(IdempotencyStore store) {
    this.store = store;
  }

  /**
   * Takes the key for a request, or says what an earlier one left: its answer, that it is still
   * running, or that it was another request. Fails with {@link InvalidInput} for a malformed key.
   */
  public Future<IdempotencyStore.Claim> take(
      UUID tenantId, String key, String method, String target, Buffer body) {
    if (key == null || !KEY.matcher(key).matches()) {
      return Future.failedFuture(
          InvalidInput.of(
              "Idempotency-Key",
              "the 'Idempotency-Key' header must be 1 to 255 printable ASCII characters"));
    }
    return store.take(tenantId, key, fingerprint(method, target, body), LOCK, KEEP);
  }

  /** Keeps the answer of the request that took the key. */
  public Future<Void> answered(
      UUID tenantId, String key, int status, String contentType, String location, Buffer body) {
    return store.answered(tenantId, key, status, contentType, location, body);
  }

  /** Lets the key go after a request that failed: the partner may send it again as it was. */
  public Future<Void> release(UUID tenantId, String key) {
    return store.release(tenantId, key);
  }

  /** What makes two requests the same: method, path and query, and the body's bytes. */
  static String fingerprint(String method, String target, Buffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((method + " " + target + "\n").getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        digest.update(body.getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
