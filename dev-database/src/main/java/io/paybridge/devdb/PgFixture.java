package io.paybridge.devdb;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The PostgreSQL that tests run against, shared by every test class of a JVM. Modules depend on
 * this one in test scope to use it.
 *
 * <p>An external server comes first: when {@code PGHOST} is set, the standard {@code PGHOST},
 * {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and {@code PGDATABASE} variables say where it
 * is and how to log in (the user needs {@code CREATEDB}). Otherwise one throwaway {@link
 * EmbeddedPostgres} is started for the whole JVM on first use, run as an unprivileged account when
 * the build runs as root, and stopped and deleted by a shutdown hook.
 *
 * <p>Each test class asks for its own database with {@link #newDatabase(String)}, so classes are
 * isolated from one another and migrations can run through the production code path into an empty
 * database:
 *
 * <pre>{@code
 * @BeforeAll
 * static void database(Vertx vertx) {
 *   PgConnectOptions options = PgFixture.newDatabase("ledger");
 *   pool = PgBuilder.pool().connectingTo(options).using(vertx).build();
 * }
 * }</pre>
 *
 * <p>The methods block (they start a server or create a database), so call them from the test
 * thread, never from an event loop.
 */
public final class PgFixture {

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long TIMEOUT_SECONDS = 60;

  private static EmbeddedPostgres embedded;
  private static PgConnectOptions admin;
  private static Vertx vertx;
  private static boolean shutdownHookAdded;

  private PgFixture() {}

  /** Whether tests run against an external server (from the {@code PG*} environment). */
  public static boolean isExternal() {
    String host = System.getenv("PGHOST");
    return host != null && !host.isBlank();
  }

  /**
   * Creates an empty database named {@code <prefix>_<random>} and returns the options to reach it,
   * starting the embedded server first if this is the first use in this JVM.
   *
   * @param prefix lower-case letters, digits and underscores, naming the test area
   */
  public static PgConnectOptions newDatabase(String prefix) {
    String name = uniqueName(prefix);
    PgConnectOptions server = adminOptions();
    run(server, "CREATE DATABASE " + name);
    return new PgConnectOptions(server).setDatabase(name);
  }

  /**
   * The two logins of a database as production sets it up: its owner, which migrations run as, and
   * a runtime role that has no right of its own there (no superuser, no role or database creation,
   * no inherited rights, no CREATE in {@code public}) until the owner grants it some.
   */
  public record Roles(PgConnectOptions owner, PgConnectOptions runtime) {}

  /**
   * Creates an empty database named {@code <prefix>_<random>}, owned by a new role {@code
   * <name>_owner} that also owns its {@code public} schema, and a new role {@code <name>_app}; the
   * external server's user needs {@code CREATEROLE} as well.
   */
  public static Roles newDatabaseWithRoles(String prefix) {
    String name = uniqueName(prefix);
    String owner = name + "_owner";
    String runtime = name + "_app";
    String ownerPassword = hex(12);
    String runtimePassword = hex(12);
    PgConnectOptions server = adminOptions();
    run(
        server,
        "CREATE ROLE "
            + owner
            + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '"
            + ownerPassword
            + "'");
    run(
        server,
        "CREATE ROLE "
            + runtime
            + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '"
            + runtimePassword
            + "'");
    run(server, "CREATE DATABASE " + name + " OWNER " + owner);
    PgConnectOptions database = new PgConnectOptions(server).setDatabase(name);
    // Before PostgreSQL 15 everyone may create in public, which a superuser owns.
    run(database, "ALTER SCHEMA public OWNER TO " + owner);
    run(database, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    return new Roles(
        new PgConnectOptions(database).setUser(owner).setPassword(ownerPassword),
        new PgConnectOptions(database).setUser(runtime).setPassword(runtimePassword));
  }

  private static String uniqueName(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("The prefix must match " + PREFIX + ": " + prefix);
    }
    return prefix + "_" + hex(6);
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** Runs one statement as {@code options} says, on a connection of its own. */
  private static void run(PgConnectOptions options, String statement) {
    try {
      PgConnection.connect(client(), options)
          .compose(
              connection -> connection.query(statement).execute().eventually(connection::close))
          .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out: " + statement.replaceAll("'.*'", "'…'"), e);
    }
  }

  /**
   * Options that reach the server's maintenance database ({@code PGDATABASE} or {@code postgres})
   * as an administrator; for tests that manage databases or roles themselves.
   */
  public static synchronized PgConnectOptions adminOptions() {
    if (admin == null) {
      admin = isExternal() ? externalOptions() : startEmbedded();
    }
    return new PgConnectOptions(admin);
  }

  /**
   * Whether this run can stop and restart the server: only the embedded one can. Tests of outages
   * call {@code assumeTrue(PgFixture.canRestart())}.
   */
  public static boolean canRestart() {
    return !isExternal();
  }

  /** Stops the embedded server (keeping its data); existing connections break. */
  public static synchronized void stopServer() {
    requireEmbedded().stopServer();
  }

  /** Starts the embedded server again, on the same port, after {@link #stopServer()}. */
  public static synchronized void startServer() {
    requireEmbedded().startServer();
  }

  private static EmbeddedPostgres requireEmbedded() {
    if (!canRestart()) {
      throw new IllegalStateException(
          "The external database cannot be restarted; guard the test with canRestart()");
    }
    adminOptions();
    return embedded;
  }

  private static PgConnectOptions externalOptions() {
    Map<String, String> env = System.getenv();
    return new PgConnectOptions()
        .setHost(env.get("PGHOST"))
        .setPort(Integer.parseInt(env.getOrDefault("PGPORT", "5432")))
        .setUser(env.getOrDefault("PGUSER", System.getProperty("user.name")))
        .setPassword(env.getOrDefault("PGPASSWORD", ""))
        .setDatabase(env.getOrDefault("PGDATABASE", "postgres"));
  }

  private static PgConnectOptions startEmbedded() {
    addShutdownHook();
    embedded = EmbeddedPostgres.start(EmbeddedPostgres.Options.throwaway().setDatabase("postgres"));
    return embedded.connectOptions();
  }

  /** The Vert.x instance behind the fixture's own administrative connections. */
  private static synchronized Vertx client() {
    if (vertx == null) {
      addShutdownHook();
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  private static void addShutdownHook() {
    if (!shutdownHookAdded) {
      Runtime.getRuntime().addShutdownHook(new Thread(PgFixture::shutdown, "pg-fixture-shutdown"));
      shutdownHookAdded = true;
    }
  }

  private static synchronized void shutdown() {
    if (vertx != null) {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway; the server below matters more.
      }
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
