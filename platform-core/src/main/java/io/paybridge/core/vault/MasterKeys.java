package io.paybridge.core.vault;

import io.paybridge.core.config.Mode;
import io.paybridge.core.config.PaybridgeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keys that encrypt gateway credentials and the platform's own secrets. The first key encrypts;
 * every key decrypts, so a key is rotated by putting the new one first and keeping the old one
 * until accounts are re-saved. Keys come from the environment or from a file outside the data
 * folder that only its owner can read, and are never stored beside the data, except in dev mode,
 * where a key is generated once into the data folder. Production never generates one.
 */
public final class MasterKeys {

  private static final String DEV_KEY_FILE = "master.key";
  private static final String ENV = "PAYBRIDGE_MASTER_KEY";
  private static final String FILE_ENV = "PAYBRIDGE_MASTER_KEY_FILE";

  private final String currentId;
  private final Map<String, byte[]> keys;
  private final Path devKeyFile;

  private MasterKeys(String currentId, Map<String, byte[]> keys, Path devKeyFile) {
    this.currentId = currentId;
    this.keys = keys;
    this.devKeyFile = devKeyFile;
  }

  /**
   * Parses {@code base64} (one key, id {@code k1}) or {@code id:base64,id:base64} (current first).
   * Each key must be 32 bytes.
   */
  public static MasterKeys parse(String spec) {
    return parse(spec, ENV, null);
  }

  private static MasterKeys parse(String spec, String setting, Path devKeyFile) {
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
        throw new IllegalArgumentException(setting + ": key '" + id + "' is not base64");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException(
            setting + ": key '" + id + "' must be 32 bytes, is " + key.length);
      }
      if (!id.matches("[A-Za-z0-9_-]{1,32}") || keys.putIfAbsent(id, key) != null) {
        throw new IllegalArgumentException(setting + ": bad or repeated key id '" + id + "'");
      }
      if (first == null) {
        first = id;
      }
    }
    if (first == null) {
      throw new IllegalArgumentException(setting + " is empty");
    }
    return new MasterKeys(first, Map.copyOf(keys), devKeyFile);
  }

  /**
   * The keys a node runs with: {@code PAYBRIDGE_MASTER_KEY}, else {@code
   * PAYBRIDGE_MASTER_KEY_FILE}, else, in dev mode only, the key kept in the data folder, generated
   * on first start. Blocking file I/O: call at start-up, before serving.
   *
   * @throws IllegalArgumentException naming the setting at fault: production without a key, or a
   *     key file inside the data folder, readable by others, or malformed
   */
  public static MasterKeys forNode(PaybridgeConfig config) {
    if (config.masterKey() != null) {
      return parse(config.masterKey());
    }
    if (config.masterKeyFile() != null) {
      return fromFile(config.masterKeyFile(), config.dataDir());
    }
    if (config.mode() != Mode.DEV) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_MASTER_KEY or PAYBRIDGE_MASTER_KEY_FILE must be set: production never"
              + " generates a master key");
    }
    return devKey(config.dataDir());
  }

  /**
   * The keys in a file kept away from the data (a backup of the data folder must not carry them)
   * and readable by its owner only.
   */
  static MasterKeys fromFile(Path file, Path dataDir) {
    try {
      Path real = file.toRealPath();
      Path data = dataDir.toAbsolutePath().normalize();
      if (Files.exists(data)) {
        data = data.toRealPath();
      }
      if (real.startsWith(data)) {
        throw new IllegalArgumentException(
            FILE_ENV + " must be outside the data folder " + data + " (is " + real + ")");
      }
      try {
        Set<PosixFilePermission> open = Files.getPosixFilePermissions(real);
        open.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        if (!open.isEmpty()) {
          throw new IllegalArgumentException(
              FILE_ENV
                  + " "
                  + real
                  + " must be readable by its owner only (chmod 400), has "
                  + PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        }
      } catch (UnsupportedOperationException notPosix) {
        // not a POSIX file system: its access control lists are the operator's to check
      }
      return parse(Files.readString(real, StandardCharsets.UTF_8).strip(), FILE_ENV, null);
    } catch (IOException e) {
      throw new IllegalArgumentException(FILE_ENV + " " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * Dev mode's key, kept in {@code dataDir/master.key} and generated on first start. Blocking file
   * I/O.
   */
  public static MasterKeys devKey(Path dataDir) {
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
      return parse(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the dev master key " + file, e);
    }
  }

  /** The data-folder file the keys were generated into in dev mode, or {@code null}. */
  public Path devKeyFile() {
    return devKeyFile;
  }

  /** A fresh random key specification, for tests and for operators generating a key. */
  public static String generateSpec(String id) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return id + ":" + Base64.getEncoder().encodeToString(key);
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
