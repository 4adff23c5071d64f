package io.paybridge.gateway.code;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
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
  static final int RAW_KEY_LENGTH = 32;

  /** DER of an X.509 SubjectPublicKeyInfo for OID 1.3.101.112 (Ed25519), up to the key bytes. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

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
    key = toPublicKey(rawKey(base58));
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

  /** A JCA public key for 32 raw Ed25519 key bytes, through its X.509 encoding. */
  static PublicKey toPublicKey(byte[] raw) {
    byte[] encoded = new byte[X509_PREFIX.length + raw.length];
    System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
    System.arraycopy(raw, 0, encoded, X509_PREFIX.length, raw.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("public key is not an Ed25519 key: " + e.getMessage(), e);
    }
  }
}
