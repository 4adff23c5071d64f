package io.paybridge.gateway.code;

import io.paybridge.spi.JwsAlgorithm;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ed25519 public keys from their Base58 text, kept in a small bounded cache: decoding Base58 and
 * building a JCA key on every webhook would dominate the cost of verification, while a platform
 * sees few distinct keys (almost every tenant uses the wallet's published one).
 *
 * <p>The cache is lock-free for readers. When it holds {@code capacity} keys and a new one arrives
 * it is emptied and refilled on demand: crude, but bounded and correct, and only reachable when an
 * unusual number of tenants configure their own keys.
 */
final class Ed25519Keys {

  /** Length of a raw Ed25519 public key (RFC 8032 §5.1.5). */
  static final int RAW_KEY_LENGTH = JwsAlgorithm.ED25519_KEY_LENGTH;

  private final int capacity;
  private final Map<String, PublicKey> cache = new ConcurrentHashMap<>();

  Ed25519Keys(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /**
   * The key a Base58 text stands for, from the cache when seen before.
   *
   * @throws IllegalArgumentException saying why the text is not a raw 32-byte Ed25519 key
   */
  PublicKey get(String base58) {
    PublicKey key = cache.get(base58);
    if (key != null) {
      return key;
    }
    key = JwsAlgorithm.ed25519PublicKey(rawKey(base58));
    if (cache.size() >= capacity) {
      cache.clear();
    }
    cache.put(base58, key);
    return key;
  }

  int size() {
    return cache.size();
  }

  /**
   * The 32 raw key bytes of a Base58 text.
   *
   * @throws IllegalArgumentException when the text is not Base58 or not 32 bytes long
   */
  static byte[] rawKey(String base58) {
    if (base58 == null || base58.isEmpty()) {
      throw new IllegalArgumentException("public key is empty");
    }
    byte[] raw;
    try {
      raw = Base58.decode(base58);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not Base58: " + e.getMessage(), e);
    }
    if (raw.length != RAW_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "public key must be "
              + RAW_KEY_LENGTH
              + " bytes of Ed25519 key in Base58, but decodes to "
              + raw.length
              + " bytes");
    }
    return raw;
  }
}
