package io.paybridge.core.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow salted hashes for passwords and API client secrets: PBKDF2-HMAC-SHA256, stored as {@code
 * pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>} so the work factor can rise without breaking
 * old hashes. Hashing is deliberately expensive: callers run it off the event loop.
 */
public final class SecretHasher {

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final int iterations;
  private final SecureRandom random = new SecureRandom();

  public SecretHasher(int iterations) {
    if (iterations < 1000) {
      throw new IllegalArgumentException(
          "PBKDF2 needs at least 1000 iterations, got " + iterations);
    }
    this.iterations = iterations;
  }

  /** A new hash of the secret with a fresh salt. */
  public String hash(String secret) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(secret, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  /** Whether the secret matches the stored hash; constant time in the hash comparison. */
  public boolean matches(String secret, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    int storedIterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(secret, salt, storedIterations));
  }

  /**
   * A hash in the stored format that matches nothing, for spending the same time on an unknown
   * account as on a known one.
   */
  public String decoy() {
    return hash(Base64.getEncoder().encodeToString(random.generateSeed(12)));
  }

  private static byte[] derive(String secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }
}
