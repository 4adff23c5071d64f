package io.paybridge.core.vault;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts gateway credentials, and the platform's own secrets, at rest with AES-256-GCM. The
 * ciphertext is bound to its owner: the tenant id and gateway (or the platform secret's name) are
 * the additional authenticated data, so a ciphertext copied onto another tenant's row does not
 * decrypt.
 *
 * <p>Layout: {@code version(1) | nonce(12) | ciphertext+tag}. The key id is stored in its own
 * column beside the ciphertext.
 */
public final class CredentialVault {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final MasterKeys keys;
  private final SecureRandom random = new SecureRandom();

  public CredentialVault(MasterKeys keys) {
    this.keys = keys;
  }

  /** Ciphertext and the id of the key that made it. */
  public record Sealed(byte[] ciphertext, String keyId) {}

  public Sealed seal(UUID tenantId, String gateway, JsonObject credentials) {
    return seal(aad(tenantId, gateway), credentials);
  }

  /**
   * Decrypts credentials sealed for this tenant and gateway.
   *
   * @throws IllegalStateException when the key is unknown or the ciphertext was not made for this
   *     owner (tampered, or moved between rows)
   */
  public JsonObject open(UUID tenantId, String gateway, byte[] ciphertext, String keyId) {
    return open(aad(tenantId, gateway), ciphertext, keyId, "credentials");
  }

  /**
   * Seals a secret of the platform's own (a token-signing key), bound to its name: a ciphertext
   * copied onto another name does not open, nor does any tenant's.
   */
  public Sealed sealPlatformSecret(String name, JsonObject secret) {
    return seal(platformAad(name), secret);
  }

  /** Opens what {@link #sealPlatformSecret} sealed under this name. */
  public JsonObject openPlatformSecret(String name, byte[] ciphertext, String keyId) {
    return open(platformAad(name), ciphertext, keyId, "platform secret '" + name + "'");
  }

  /** The id of the master key that seals now; what another id sealed is due to be sealed again. */
  public String currentKeyId() {
    return keys.currentId();
  }

  private Sealed seal(byte[] aad, JsonObject content) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] plain = content.encode().getBytes(StandardCharsets.UTF_8);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keys.current(), "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plain);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
      out.put(VERSION).put(nonce).put(sealed);
      return new Sealed(out.array(), keys.currentId());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  private JsonObject open(byte[] aad, byte[] ciphertext, String keyId, String what) {
    byte[] key = keys.get(keyId);
    if (key == null) {
      throw new IllegalStateException("master key '" + keyId + "' is not configured");
    }
    if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
      throw new IllegalStateException(what + ": the ciphertext has an unknown format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(aad);
      byte[] plain =
          cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException(
          what + ": the ciphertext does not authenticate for its owner (tampered, or moved)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot decrypt " + what, e);
    }
  }

  private static byte[] aad(UUID tenantId, String gateway) {
    return ("paybridge:gateway-account:" + tenantId + ":" + gateway)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] platformAad(String name) {
    return ("paybridge:platform:" + name).getBytes(StandardCharsets.UTF_8);
  }
}
