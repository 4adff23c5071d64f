package io.paybridge.devdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster's data folder and the files Paybridge keeps in it beside PostgreSQL's own: the settings
 * it writes at every start, the owner file naming the JVM that runs the server, and the set-up log
 * of the programs run on it; every file written is handed to the server account.
 */
record DataDirectory(Path path, ServerAccount account) {

  private static final String SETTINGS_FILE = "paybridge.conf";
  private static final String OWNER_FILE = "paybridge.owner";
  private static final String PID_FILE = "postmaster.pid";
  private static final Set<PosixFilePermission> PRIVATE_FOLDER =
      PosixFilePermissions.fromString("rwx------");

  /**
   * The process that started a cluster's server, as its owner file records it.
   *
   * @param startedMillis when that process started, in epoch milliseconds (0: unknown)
   */
  record Owner(long pid, long startedMillis) {

    /** Whether that process still runs (a recycled pid of a later process does not count). */
    boolean isAlive() {
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(
              handle ->
                  startedMillis == 0
                      || handle
                          .info()
                          .startInstant()
                          .map(start -> start.toEpochMilli() == startedMillis)
                          .orElse(true))
          .orElse(false);
    }
  }

  /** The server's own log. */
  Path serverLog() {
    return path.resolve("server.log");
  }

  /** Whether the folder holds a cluster ({@code initdb} has run). */
  boolean isInitialised() {
    return Files.exists(path.resolve("PG_VERSION"));
  }

  /** Whether a server runs here, or ran and died without removing its {@code postmaster.pid}. */
  boolean hasPidFile() {
    return Files.exists(path.resolve(PID_FILE));
  }

  /** The process id of the running postmaster, from its {@code postmaster.pid}. */
  Optional<Long> serverPid() {
    try {
      List<String> lines = Files.readAllLines(path.resolve(PID_FILE));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates the folder if missing and hands it to the server account. A folder that holds something
   * other than a cluster is refused before anything in it changes owner, so a mistyped data folder
   * cannot give a root JVM's files away.
   */
  void prepare() throws IOException {
    if (!Files.exists(path)) {
      ServerAccount.createDirectories(path.getParent());
      Files.createDirectory(path);
      Files.setPosixFilePermissions(path, PRIVATE_FOLDER);
    } else if (!Files.isDirectory(path)) {
      throw new EmbeddedPostgresException(
          "The PostgreSQL data folder " + path + " exists and is not a folder");
    } else if (!isInitialised()) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
        if (entries.iterator().hasNext()) {
          throw new EmbeddedPostgresException(
              "The data folder "
                  + path
                  + " is not empty but holds no PostgreSQL"
                  + " cluster (no PG_VERSION); empty it or choose another folder");
        }
      }
    }
    account.handOver(path);
  }

  /** Makes a fresh cluster's {@code postgresql.conf} include the settings this class writes. */
  void includeSettings() throws IOException {
    Files.writeString(
        path.resolve("postgresql.conf"),
        "\n# Paybridge EmbeddedPostgres writes "
            + SETTINGS_FILE
            + " at every start; it wins.\n"
            + "include '"
            + SETTINGS_FILE
            + "'\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  /**
   * Writes the settings Paybridge owns: loopback on {@code port} only, durability off for a
   * throwaway cluster, then the caller's {@code extra} settings, quoted.
   */
  void writeSettings(int port, boolean throwaway, Map<String, String> extra) throws IOException {
    StringBuilder settings =
        new StringBuilder()
            .append("# Written by Paybridge EmbeddedPostgres at every start; edits are lost.\n")
            .append("listen_addresses = '")
            .append(EmbeddedPostgres.HOST)
            .append("'\n")
            .append("port = ")
            .append(port)
            .append('\n')
            .append("unix_socket_directories = ''\n")
            .append("max_connections = 200\n")
            .append("shared_buffers = 128MB\n");
    if (throwaway) {
      settings
          .append("# Throwaway cluster: speed over durability.\n")
          .append("fsync = off\n")
          .append("synchronous_commit = off\n")
          .append("full_page_writes = off\n");
    }
    if (!extra.isEmpty()) {
      settings.append("# Asked for by the caller.\n");
      extra.forEach(
          (name, value) ->
              settings.append(name).append(" = '").append(value.replace("'", "''")).append("'\n"));
    }
    Path file = path.resolve(SETTINGS_FILE);
    Files.writeString(file, settings, StandardCharsets.UTF_8);
    account.handOver(file);
  }

  /** Records this JVM as the one that runs the server here. */
  void recordOwner() throws IOException {
    long self = ProcessHandle.current().pid();
    long started =
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    Path owner = path.resolve(OWNER_FILE);
    Files.writeString(owner, self + " " + started + "\n", StandardCharsets.UTF_8);
    account.handOver(owner);
  }

  /** Forgets the owner once the server has stopped. */
  void forgetOwner() throws IOException {
    Files.deleteIfExists(path.resolve(OWNER_FILE));
  }

  /** The process that started the server here, if its owner file is readable. */
  Optional<Owner> owner() {
    try {
      String[] parts = Files.readString(path.resolve(OWNER_FILE)).strip().split(" ");
      return Optional.of(new Owner(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Appends a program's output to the set-up log, only in an initialised cluster: {@code initdb}
   * wants an empty folder, even after a failed attempt.
   */
  void appendSetupLog(String step, int exitCode, String output) throws IOException {
    if (!isInitialised()) {
      return;
    }
    Path log = path.resolve("paybridge-setup.log");
    boolean created = !Files.exists(log);
    Files.writeString(
        log,
        "== "
            + Instant.now()
            + " "
            + step
            + " (exit "
            + exitCode
            + ")\n"
            + output
            + (output.endsWith("\n") || output.isEmpty() ? "" : "\n"),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    if (created) {
      account.handOver(log);
    }
  }

  /** The last {@code lines} lines of the server log, or why there are none. */
  String serverLogTail(int lines) {
    Path log = serverLog();
    if (!Files.exists(log)) {
      return "(none yet)";
    }
    try {
      return lastLines(Files.readString(log, StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(not readable: " + e.getMessage() + ")";
    }
  }

  /** The last {@code lines} lines of {@code text}. */
  static String lastLines(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
