package io.paybridge.devdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The folder, owned by this JVM's user and writable by no one else, that holds the unpacked
 * binaries, the throwaway clusters, the clusters relocated for the server account, and the locks
 * that serialise starts on one data folder.
 */
record PostgresHome(Path path, ServerAccount account) {

  private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

  private static final String THROWAWAY_FOLDER = "throwaway";
  private static final String RELOCATED_FOLDER = "clusters";
  private static final String LOCKS_FOLDER = "locks";

  /**
   * The folder {@code configured}, else {@value EmbeddedPostgres#HOME_ENV}, else {@code
   * /var/tmp/paybridge-postgres-<uid>} (which survives reboots, unlike {@code /tmp}), created if
   * missing. A root JVM runs programs from it, so it must belong to this user and be writable by no
   * one else, and the server account must reach it.
   */
  static PostgresHome resolve(Path configured, ServerAccount account) throws IOException {
    Path base = configured;
    if (base == null) {
      String env = System.getenv(EmbeddedPostgres.HOME_ENV);
      if (env != null && !env.isBlank()) {
        base = Path.of(env);
      } else {
        Path varTmp = Path.of("/var/tmp");
        Path parent =
            Files.isDirectory(varTmp) && Files.isWritable(varTmp)
                ? varTmp
                : Path.of(System.getProperty("java.io.tmpdir"));
        base = parent.resolve("paybridge-postgres-" + account.jvmUid());
      }
    }
    base = base.toAbsolutePath().normalize();
    ServerAccount.createDirectories(base);
    Object ownerUid = Files.getAttribute(base, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(base);
    if (((Number) ownerUid).longValue() != account.jvmUid()
        || permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new EmbeddedPostgresException(
          "Refusing to use "
              + base
              + " for the embedded PostgreSQL: it belongs to another user"
              + " or others may write to it. Remove it, or choose another folder with "
              + EmbeddedPostgres.HOME_ENV);
    }
    if (!account.canTraverse(base)) {
      throw new EmbeddedPostgresException(
          "The account "
              + account.name()
              + " that runs PostgreSQL cannot reach "
              + base
              + " (a folder above it lacks o+x); choose another folder with "
              + EmbeddedPostgres.HOME_ENV);
    }
    return new PostgresHome(base, account);
  }

  /**
   * Empty when the server account can reach the requested data folder; otherwise (a root JVM with
   * the data under {@code /root}, say) a stable folder derived from the requested path, {@code
   * <home>/clusters/<hash>/}, whose {@code data} folder holds the cluster instead.
   */
  private Optional<Path> relocatedCluster(Path requested) throws IOException {
    if (requested.getParent() == null || account.canTraverse(requested.getParent())) {
      return Optional.empty();
    }
    Path cluster = path.resolve(RELOCATED_FOLDER).resolve(shortHash(requested));
    ServerAccount.createDirectories(cluster);
    Files.writeString(cluster.resolve("requested-path"), requested + "\n", StandardCharsets.UTF_8);
    LOG.log(
        System.Logger.Level.WARNING,
        "PostgreSQL runs as {0}, which cannot reach {1} (a folder above it lacks o+x);"
            + " the cluster lives in {2} instead",
        account.name(),
        requested,
        cluster.resolve("data"));
    return Optional.of(cluster);
  }

  /**
   * Where a start's cluster lives, and what its close deletes ({@code null}: nothing).
   *
   * @param removeOnClose the throwaway folder that holds the cluster, or the folder relocated for
   *     it, or the data folder itself; {@code null} for a durable cluster
   */
  record Placement(Path dataDirectory, Path removeOnClose) {}

  /**
   * Places the cluster of {@code spec}: in a fresh throwaway folder (after sweeping those of dead
   * JVMs, whose servers are stopped with the programs in {@code bin}), or in the requested data
   * folder, or in the folder that replaces it when the server account cannot reach it.
   */
  Placement place(ClusterSpec spec, Path bin) throws IOException {
    if (spec.dataDirectory() == null) {
      removeAbandonedThrowawayClusters(bin);
      Path cluster = newThrowawayCluster();
      return new Placement(cluster.resolve("data"), cluster);
    }
    Optional<Path> cluster = relocatedCluster(spec.dataDirectory());
    Path data = cluster.map(c -> c.resolve("data")).orElse(spec.dataDirectory());
    return new Placement(data, spec.throwaway() ? cluster.orElse(data) : null);
  }

  /** A new {@code <home>/throwaway/<pid>-<random>/} folder; its name records its JVM. */
  private Path newThrowawayCluster() throws IOException {
    Path root = path.resolve(THROWAWAY_FOLDER);
    ServerAccount.createDirectories(root);
    Path cluster = Files.createTempDirectory(root, ProcessHandle.current().pid() + "-");
    Files.setPosixFilePermissions(cluster, PostgresBinaries.DIRECTORY_PERMISSIONS);
    return cluster;
  }

  /** The lock file that serialises starts on {@code dataDirectory} across JVMs. */
  Path startLock(Path dataDirectory) throws IOException {
    Path locks = path.resolve(LOCKS_FOLDER);
    ServerAccount.createDirectories(locks);
    return locks.resolve(shortHash(dataDirectory) + ".lock");
  }

  /**
   * Removes throwaway clusters whose JVM is gone (killed before it could close them), stopping
   * their server first with the programs in {@code bin}, so that killed test runs do not leave
   * servers and disk behind.
   */
  private void removeAbandonedThrowawayClusters(Path bin) {
    Path root = path.resolve(THROWAWAY_FOLDER);
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> clusters = Files.newDirectoryStream(root)) {
      for (Path cluster : clusters) {
        Optional<Long> pid = abandonedBy(cluster);
        if (pid.isEmpty()) {
          continue;
        }
        DataDirectory data = new DataDirectory(cluster.resolve("data"), account);
        if (data.hasPidFile()) {
          new PostgresPrograms(account, bin, path, data)
              .stopLeftover("pg_ctl stop (abandoned)", "immediate");
        }
        FileTrees.deleteRecursively(cluster);
        LOG.log(
            System.Logger.Level.INFO,
            "Removed the throwaway PostgreSQL cluster {0} of the finished process {1}",
            cluster,
            String.valueOf(pid.get()));
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.DEBUG, "Could not sweep " + root, e);
    }
  }

  /**
   * The process a throwaway cluster's folder name records, when that process is gone (or its pid
   * now belongs to a process started after the folder was created); empty while it lives, or for a
   * folder not named by a process.
   */
  private static Optional<Long> abandonedBy(Path cluster) throws IOException {
    String name = cluster.getFileName().toString();
    int dash = name.indexOf('-');
    long pid;
    try {
      pid = Long.parseLong(name.substring(0, Math.max(dash, 0)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Instant created =
        Files.readAttributes(cluster, BasicFileAttributes.class).creationTime().toInstant();
    boolean owned =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .map(
                handle ->
                    handle
                        .info()
                        .startInstant()
                        .map(start -> !start.isAfter(created.plusSeconds(1)))
                        .orElse(true))
            .orElse(false);
    return owned ? Optional.empty() : Optional.of(pid);
  }

  /** The first 16 hex digits of the SHA-256 of a path: a stable, file-name-safe key for it. */
  private static String shortHash(Path absolute) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(absolute.toString().getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
