package io.paybridge.core.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The keys that encrypt gateway credentials. The first key encrypts; every key decrypts, so a key
 * is rotated by putting the new one first and keeping the old one until accounts are re-saved. Keys
 * come from configuration and are never stored beside the data, except in dev mode, where a key is
 * generated once into the data folder with a warning.
 */
public final class MasterKeys {

  private static final Logger LOG = Logger.getLogger(MasterKeys.class.getName());
  private static final String DEV_KEY_FILE = "master.key";

  private final String currentId;
  private final Map<String, byte[]> keys;

  private MasterKeys(String currentId, Map<String, byte[]> keys) {
    this.currentId = currentId;
    this.keys = keys;
  }

  /**
   * Parses {@code base64} (one key, id {@code k1}) or {@code id:base64,id:base64} (current first).
   * Each key must be 32 bytes.
   */
  public static MasterKeys parse(String spec) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String first = null;
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      String id = colon < 0 ? "k1" : p.substring(0, colon);
      String b64 = colon < 0 ? p : p.substring(colon + 1);
      byte[] key;
      try {
        key = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PAYBRIDGE_MASTER_KEY: key '" + id + "' is not base64");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException(
            "PAYBRIDGE_MASTER_KEY: key '" + id + "' must be 32 bytes, is " + key.length);
      }
      if (!id.matches("[A-Za-z0-9_-]{1,32}") || keys.putIfAbsent(id, key) != null) {
        throw new IllegalArgumentException(
            "PAYBRIDGE_MASTER_KEY: bad or repeated key id '" + id + "'");
      }
      if (first == null) {
        first = id;
      }
    }
    if (first == null) {
      throw new IllegalArgumentException("PAYBRIDGE_MASTER_KEY is empty");
    }
    return new MasterKeys(first, Map.copyOf(keys));
  }

  /**
   * The configured keys, or in dev mode (none configured) a key kept in {@code dataDir/master.key},
   * generated on first start. Blocking file I/O: call at start-up, before serving.
   */
  public static MasterKeys configuredOrDevKey(String configured, Path dataDir) {
    if (configured != null) {
      return parse(configured);
    }
    Path file = dataDir.resolve(DEV_KEY_FILE);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        // Written aside and linked into place atomically: nodes starting together on one data
        // folder all end up with the key of whichever linked first.
        Path temp = Files.createTempFile(dataDir, "master", ".key");
        try {
          try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
          } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the file keeps the folder's permissions
          }
          Files.writeString(
              temp,
              "dev:" + Base64.getEncoder().encodeToString(key) + "\n",
              StandardCharsets.UTF_8,
              StandardOpenOption.WRITE);
          // A hard link never replaces an existing file (unlike a rename): the first node wins.
          Files.createLink(file, temp);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another node created it first: use theirs
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      LOG.warning(
          "PAYBRIDGE_MASTER_KEY is not set: gateway credentials are encrypted with the dev key in "
              + file
              + ". Set PAYBRIDGE_MASTER_KEY in production and keep it away from the database.");
      return parse(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the dev master key " + file, e);
    }
  }

  /** A fresh random key specification, for tests and for operators generating a key. */
  public static String generateSpec(String id) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return id + ":" + Base64.getEncoder().encodeToString(key);
  }

  /**
   * A key for another purpose derived from the current master key (HMAC-SHA256 of the purpose), so
   * every node of a cluster derives the same one and no second secret needs distributing.
   */
  public byte[] derive(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(current(), "HmacSHA256"));
      return mac.doFinal(("paybridge:" + purpose).getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  String currentId() {
    return currentId;
  }

  byte[] current() {
    return keys.get(currentId);
  }

  byte[] get(String id) {
    return keys.get(id);
  }
}
