package io.paybridge.bench;

import io.paybridge.devdb.EmbeddedPostgres;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark's PostgreSQL: the platform's own embedded server, but DURABLE ({@code fsync} and
 * {@code synchronous_commit} on, PostgreSQL's defaults), because a webhook acknowledged before its
 * commit reached the disk is not what the benchmark measures. The test fixture's throwaway cluster
 * switches durability off, so the benchmark asks for a persistent cluster in a fresh folder of its
 * own run folder and deletes it afterwards.
 *
 * <p>A run that was killed outright (no shutdown hook) leaves its server behind; the next run finds
 * it through the run folder's owner file and stops it before starting its own.
 */
final class DurablePostgres implements AutoCloseable {

  private static final String DATA = "pgdata";
  private static final String OWNER = "bench.pid";

  /** How long an abandoned server may take to stop before the run moves on. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedPostgres server;
  private final Path requested;

  private DurablePostgres(EmbeddedPostgres server, Path requested) {
    this.server = server;
    this.requested = requested;
  }

  /**
   * Starts a fresh durable cluster in {@code runFolder} with WAL segments kept for recycling
   * ({@code min_wal_size} 1 GB, {@code wal_init_zero} off), dirty pages written back as they are
   * evicted ({@code backend_flush_after} 256 kB, {@code bgwriter_lru_maxpages} 1000), the run's
   * server settings ({@code bench.pgSettings}, and {@code pg_stat_statements} loaded when {@code
   * bench.pgStatements} asks for it), and says how long it took; blocking.
   */
  static DurablePostgres start(Path runFolder, BenchSettings settings) throws IOException {
    long began = System.nanoTime();
    Path data = runFolder.resolve(DATA);
    Files.writeString(runFolder.resolve(OWNER), ProcessHandle.current().pid() + "\n");
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    EmbeddedPostgres.Options options =
        EmbeddedPostgres.Options.persistent(data)
            .setDatabase("paybridge")
            .setPassword(HexFormat.of().formatHex(secret));
    // A server that has run a while recycles its WAL segments; a fresh cluster creates a new one
    // for every 16 MB of WAL until its checkpoints have built up that pool, and after a quiet
    // spell (the checkpoint that empties the tables between pgbench and the platform) it keeps
    // only min_wal_size of them. The pool is written once at the start (warmWalSegments in
    // BenchDatabase) and kept (min_wal_size as large as max_wal_size, the server's 1 GB); the few
    // segments a checkpoint cycle still adds on the way to its steady size are not zero-filled
    // under the WAL write lock. pgbench and the platform both run under these settings, which
    // bench.pgSettings can change.
    options.setSetting("min_wal_size", "1GB");
    options.setSetting("wal_init_zero", "off");
    // Table and index pages the backends evict are handed to the kernel at a steady pace instead of
    // piling up in the page cache (hundreds of MB at these rates) until the checkpoint's fsync
    // writes them all at once, which stalls the WAL flushes behind it for 100-200 ms; and the
    // background writer may clean more pages a round than its default 100, so that backends evict
    // fewer dirty pages themselves.
    options.setSetting("backend_flush_after", "256kB");
    options.setSetting("bgwriter_lru_maxpages", "1000");
    settings.pgSettings().forEach(options::setSetting);
    if (settings.pgStatements()) {
      options.setSetting("shared_preload_libraries", "pg_stat_statements");
    }
    EmbeddedPostgres server = EmbeddedPostgres.start(options);
    System.out.printf(
        Locale.ROOT,
        "PostgreSQL: durable cluster started in %.1f s%n",
        (System.nanoTime() - began) / 1e9);
    return new DurablePostgres(server, data);
  }

  /**
   * Stops servers of earlier runs whose benchmark JVM is gone and deletes their clusters. Only
   * folders under {@code runsFolder} that this benchmark created are considered.
   */
  static void removeAbandoned(Path runsFolder) {
    if (!Files.isDirectory(runsFolder)) {
      return;
    }
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(runsFolder)) {
      for (Path run : runs) {
        Path data = run.resolve(DATA);
        Optional<Long> owner = pidIn(run.resolve(OWNER));
        if (!Files.isDirectory(data)
            || owner.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        pidIn(data.resolve("postmaster.pid"))
            .flatMap(ProcessHandle::of)
            .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
            .ifPresent(
                postmaster -> {
                  System.out.println(
                      "bench: stopping PostgreSQL "
                          + postmaster.pid()
                          + " left by an earlier run in "
                          + run);
                  postmaster.destroy();
                  postmaster
                      .onExit()
                      .orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                      .exceptionally(t -> null)
                      .join();
                });
        deleteRecursively(data);
      }
    } catch (IOException e) {
      System.err.println(
          "bench: could not look for abandoned clusters in " + runsFolder + ": " + e);
    }
  }

  private static Optional<Long> pidIn(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  PgConnectOptions connectOptions() {
    return server.connectOptions();
  }

  /**
   * {@code PAYBRIDGE_DB_URL} for the node: {@code postgresql://user:password@127.0.0.1:port/db}.
   */
  String url() {
    return "postgresql://"
        + encode(server.user())
        + ":"
        + encode(server.password())
        + "@"
        + server.host()
        + ":"
        + server.port()
        + "/"
        + encode(server.database());
  }

  /** The postmaster's process id (its backends are its children). */
  long postmasterPid() {
    return pidIn(server.dataDirectory().resolve("postmaster.pid"))
        .orElseThrow(
            () -> new IllegalStateException("no postmaster.pid in " + server.dataDirectory()));
  }

  Path dataDirectory() {
    return server.dataDirectory();
  }

  /** Stops the server and keeps its cluster, for a restart on the same port; blocking. */
  void stopServer() {
    server.stopServer();
  }

  /** Starts the server again after {@link #stopServer()}, on the same port; blocking. */
  void startServer() {
    server.startServer();
  }

  /**
   * Stops the server, keeps its log in the run folder ({@code postgresql.log}: checkpoints,
   * autovacuum) and deletes the cluster (where it was asked for, or where it was relocated).
   */
  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      Path actual = server.dataDirectory();
      Path log = actual.resolve("server.log");
      if (Files.isRegularFile(log)) {
        Files.copy(
            log, requested.resolveSibling("postgresql.log"), StandardCopyOption.REPLACE_EXISTING);
      }
      deleteRecursively(actual);
      if (!actual.equals(requested)) {
        // Relocated because the server account could not reach the run folder: drop its holder too.
        deleteRecursively(actual.getParent());
      }
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A fresh run folder under {@code <workDir>/bench-runs}, named by the time and {@code suffix},
   * after stopping the servers that killed runs left behind there.
   */
  static Path newRunFolder(Path workDir, String suffix) throws IOException {
    Path runs = traversableFolder(workDir.resolve("bench-runs"));
    removeAbandoned(runs);
    String started =
        java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return traversableFolder(runs.resolve(started + suffix));
  }

  /** Creates a folder the unprivileged server account can traverse (rwxr-xr-x). */
  static Path traversableFolder(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    return folder;
  }
}
