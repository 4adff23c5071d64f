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
 * Encrypts gateway credentials at rest with AES-256-GCM. The ciphertext is bound to its owner: the
 * tenant id and gateway are the additional authenticated data, so a ciphertext copied onto another
 * tenant's row does not decrypt.
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
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] plain = credentials.encode().getBytes(StandardCharsets.UTF_8);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keys.current(), "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(tenantId, gateway));
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

  /**
   * Decrypts credentials sealed for this tenant and gateway.
   *
   * @throws IllegalStateException when the key is unknown or the ciphertext was not made for this
   *     owner (tampered, or moved between rows)
   */
  public JsonObject open(UUID tenantId, String gateway, byte[] ciphertext, String keyId) {
    byte[] key = keys.get(keyId);
    if (key == null) {
      throw new IllegalStateException("master key '" + keyId + "' is not configured");
    }
    if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
      throw new IllegalStateException("credential ciphertext has an unknown format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(aad(tenantId, gateway));
      byte[] plain =
          cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException(
          "credentials do not authenticate for this tenant and gateway");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot decrypt credentials", e);
    }
  }

  private static byte[] aad(UUID tenantId, String gateway) {
    return ("paybridge:gateway-account:" + tenantId + ":" + gateway)
        .getBytes(StandardCharsets.UTF_8);
  }
}
