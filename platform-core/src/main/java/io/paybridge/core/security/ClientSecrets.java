package io.paybridge.core.security;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How API client secrets are kept and checked. A client secret is 32 random bytes the platform
 * generated, so no guess can find it and a slow hash adds nothing but cost to every token request:
 * it is kept as HMAC-SHA256 under a key of the platform's own, generated once, sealed under the
 * master key in {@code token_keys} (purpose {@value #PURPOSE}) like the token-signing keys, and
 * bound to the client id, stored as {@code hmac-sha256$<kid>$<digest b64>}. Checking one costs
 * microseconds on the event loop; digests are compared in constant time.
 *
 * <p>Clients created before kept a PBKDF2 hash; that is still checked, on the node's hash pool, and
 * replaced by the digest the first time the right secret is shown. A database copy without the
 * master key cannot be used to test guesses offline, as the digest key is sealed under it.
 */
public final class ClientSecrets {

  private static final Logger LOG = Logger.getLogger(ClientSecrets.class.getName());

  /** The purpose of the digest key in {@code token_keys}. */
  public static final String PURPOSE = "client-secret";

  /** The stored form's scheme. */
  static final String SCHEME = "hmac-sha256";

  /** The result of a check: whether the secret matched, and its new stored form when it must. */
  public record Check(boolean matches, String upgraded) {
    static final Check NO = new Check(false, null);
  }

  private final TokenKeyStore store;
  private final HashPool hashes;
  private final Clock clock;
  private final LongAdder checked = new LongAdder();
  private volatile Future<Keys> keys;

  /** The digest keys by kid, and the newest, which digests new secrets. */
  private record Keys(String newest, Map<String, byte[]> byKid) {}

  /**
   * @param store where the digest key lives, sealed
   * @param hashes the node's pool, for the slow hashes of clients created before
   */
  public ClientSecrets(TokenKeyStore store, HashPool hashes, Clock clock) {
    this.store = store;
    this.hashes = hashes;
    this.clock = clock;
  }

  /** The stored form of a new client's secret. */
  public Future<String> digest(String clientId, String secret) {
    return keys().map(k -> digest(k.newest(), k.byKid().get(k.newest()), clientId, secret));
  }

  /**
   * Whether {@code secret} is the secret of client {@code clientId}, whose stored form is {@code
   * storedOrNull} ({@code null}: no such client, checked all the same so the answer takes as long).
   * A match against an older form comes with the digest to store instead.
   */
  public Future<Check> check(String clientId, String secret, String storedOrNull) {
    checked.increment();
    if (storedOrNull != null && !storedOrNull.startsWith(SCHEME + "$")) {
      return hashes
          .matches(secret, storedOrNull)
          .compose(
              ok ->
                  ok ? digest(clientId, secret).map(d -> new Check(true, d)) : succeeded(Check.NO));
    }
    return keys()
        .compose(
            loaded -> {
              if (storedOrNull == null) {
                mac(loaded.byKid().get(loaded.newest()), clientId, secret);
                return succeeded(Check.NO);
              }
              String[] parts = storedOrNull.split("\\$", -1);
              if (parts.length != 3) {
                return succeeded(Check.NO);
              }
              if (!loaded.byKid().containsKey(parts[1])) {
                // A key this node has not loaded: a copy of another platform's row, or a key made
                // after this node read them. Reloaded once, then refused.
                keys = null;
                return keys().map(again -> compare(again, parts, clientId, secret));
              }
              return succeeded(compare(loaded, parts, clientId, secret));
            });
  }

  /** Secrets checked since the node started, for tests and metrics. */
  public long checked() {
    return checked.sum();
  }

  private static Check compare(Keys loaded, String[] parts, String clientId, String secret) {
    byte[] key = loaded.byKid().get(parts[1]);
    if (key == null) {
      return Check.NO;
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Check.NO;
    }
    byte[] actual = mac(key, clientId, secret);
    return MessageDigest.isEqual(expected, actual) ? new Check(true, null) : Check.NO;
  }

  private static String digest(String kid, byte[] key, String clientId, String secret) {
    return SCHEME
        + "$"
        + kid
        + "$"
        + Base64.getEncoder().withoutPadding().encodeToString(mac(key, clientId, secret));
  }

  /** HMAC-SHA256 of the client id, a zero byte and the secret, so a digest fits one client only. */
  private static byte[] mac(byte[] key, String clientId, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(clientId.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The digest keys by kid, newest last: made once for the platform's life by whichever node needs
   * it first, then read, and kept for the node's life (a failed read is tried again next time).
   */
  private Future<Keys> keys() {
    Future<Keys> k = keys;
    if (k == null || k.failed()) {
      Instant now = clock.instant();
      k =
          store
              .rotateIfDue(PURPOSE, now, Instant.EPOCH, now)
              .onSuccess(
                  kid -> {
                    if (kid != null) {
                      LOG.info(() -> "generated the client-secret digest key " + kid);
                    }
                  })
              .compose(kid -> store.load(PURPOSE, Instant.EPOCH))
              .map(ClientSecrets::byKid);
      keys = k;
    }
    return k;
  }

  private static Keys byKid(List<TokenKeyStore.StoredKey> loaded) {
    if (loaded.isEmpty()) {
      throw new IllegalStateException("no client-secret digest key in token_keys");
    }
    Map<String, byte[]> byKid = new LinkedHashMap<>();
    loaded.forEach(k -> byKid.put(k.kid(), k.secret()));
    return new Keys(loaded.get(loaded.size() - 1).kid(), Collections.unmodifiableMap(byKid));
  }

  private static <T> Future<T> succeeded(T value) {
    return Future.succeededFuture(value);
  }
}
