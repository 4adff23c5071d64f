package io.paybridge.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Versioned schema migrations, applied by Flyway at start-up (ADR 11) from {@code db/migration} on
 * the class path: {@code V<n>__<description>.sql}, each in its own transaction. A migration, once
 * released, is never edited: a change is a new version, and a node whose copy of an applied
 * migration differs from what the database recorded refuses to start.
 *
 * <p>Every node runs them before it deploys anything; Flyway's PostgreSQL advisory lock makes
 * concurrent starts of a cluster apply each version once. A database from before Flyway (its
 * versions in {@code schema_migrations}, no Flyway history) is baselined at the newest version it
 * records, and the versions after that are applied.
 */
public final class Migrations {

  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

  static final String LOCATION = "classpath:db/migration";
  static final String HISTORY_TABLE = "flyway_schema_history";

  /** Where the migration runner before Flyway recorded the versions it applied. */
  static final String LEGACY_TABLE = "schema_migrations";

  private static final Pattern LEGACY_VERSION = Pattern.compile("V([1-9][0-9]*)__[^/]+\\.sql");

  /**
   * Seconds a node waits for another node's migrations to finish (one attempt a second): as long as
   * a start may take.
   */
  private static final int LOCK_RETRIES = 300;

  private Migrations() {}

  /**
   * Applies every migration this node knows and the database has not seen, on a worker thread (JDBC
   * blocks).
   *
   * @param options where the database is; the same options the node's pool connects with
   */
  public static Future<Void> migrate(Vertx vertx, PgConnectOptions options) {
    return vertx.executeBlocking(() -> migrate(dataSource(options), LOCATION), false).mapEmpty();
  }

  /**
   * Blocking: migrates the database behind {@code dataSource} with the migrations at {@code
   * location}.
   */
  static MigrateResult migrate(DataSource dataSource, String location) {
    FluentConfiguration configuration =
        Flyway.configure(Migrations.class.getClassLoader())
            .loggers(FlywayLogging.class.getName())
            .dataSource(dataSource)
            .locations(location)
            .table(HISTORY_TABLE)
            .failOnMissingLocations(true)
            .validateMigrationNaming(true)
            // Released SQL runs as written: no ${…} substitution.
            .placeholderReplacement(false)
            .lockRetryCount(LOCK_RETRIES);
    OptionalInt legacy = legacyVersion(dataSource);
    if (legacy.isPresent()) {
      LOG.info(
          () ->
              "the database's migrations up to V"
                  + legacy.getAsInt()
                  + " were recorded in "
                  + LEGACY_TABLE
                  + ": Flyway takes over from there");
      configuration
          .baselineOnMigrate(true)
          .baselineVersion(Integer.toString(legacy.getAsInt()))
          .baselineDescription("applied before Flyway, recorded in " + LEGACY_TABLE);
    }
    MigrateResult result = configuration.load().migrate();
    LOG.info(
        () ->
            result.migrationsExecuted == 0
                ? "database schema is at version " + result.initialSchemaVersion
                : "database schema migrated from version "
                    + (result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion)
                    + " to "
                    + result.targetSchemaVersion
                    + ", applying "
                    + result.getSuccessfulMigrations().stream()
                        .sorted(
                            java.util.Comparator.comparing(
                                m -> org.flywaydb.core.api.MigrationVersion.fromVersion(m.version)))
                        .map(m -> m.version + " (" + m.description + ")")
                        .collect(Collectors.joining(", ")));
    return result;
  }

  /**
   * The newest version the runner before Flyway applied, when the database has its table and no
   * Flyway history yet. That runner applied versions in order, all in one transaction, so the table
   * holds V1 to Vn without a gap; anything else is refused rather than guessed at.
   */
  static OptionalInt legacyVersion(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet tables =
          statement.executeQuery(
              "SELECT to_regclass('"
                  + HISTORY_TABLE
                  + "') IS NULL AND to_regclass('"
                  + LEGACY_TABLE
                  + "') IS NOT NULL")) {
        tables.next();
        if (!tables.getBoolean(1)) {
          return OptionalInt.empty();
        }
      }
      List<String> recorded = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT version FROM " + LEGACY_TABLE)) {
        while (rows.next()) {
          recorded.add(rows.getString(1));
        }
      }
      TreeSet<Integer> versions = new TreeSet<>();
      for (String name : recorded) {
        Matcher m = LEGACY_VERSION.matcher(name);
        if (!m.matches()) {
          throw new IllegalStateException(
              LEGACY_TABLE + " records a migration this node does not know: " + name);
        }
        versions.add(Integer.parseInt(m.group(1)));
      }
      if (versions.isEmpty()) {
        return OptionalInt.empty();
      }
      if (versions.first() != 1 || versions.last() != versions.size()) {
        throw new IllegalStateException(
            LEGACY_TABLE
                + " records versions "
                + versions
                + ", not 1 to "
                + versions.last()
                + " in order: repair it before starting");
      }
      return OptionalInt.of(versions.last());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database's migration history", e);
    }
  }

  /** A JDBC data source reaching the same database, as the same user, as {@code options}. */
  static DataSource dataSource(PgConnectOptions options) {
    if (options.getHost() != null && options.getHost().startsWith("/")) {
      throw new IllegalArgumentException(
          "migrations connect over TCP; a Unix-domain socket is not supported: "
              + options.getHost());
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {options.getHost()});
    ds.setPortNumbers(new int[] {options.getPort()});
    ds.setDatabaseName(options.getDatabase());
    ds.setUser(options.getUser());
    if (options.getPassword() != null) {
      ds.setPassword(options.getPassword());
    }
    ds.setApplicationName("paybridge-migrations");
    String searchPath = options.getProperties().get("search_path");
    if (searchPath != null) {
      ds.setCurrentSchema(searchPath);
    }
    SslMode ssl = options.getSslMode() == null ? SslMode.DISABLE : options.getSslMode();
    ds.setSslMode(ssl.value);
    ClientSSLOptions sslOptions = options.getSslOptions();
    if (ssl != SslMode.DISABLE
        && sslOptions != null
        && sslOptions.getTrustOptions() instanceof PemTrustOptions pem
        && !pem.getCertPaths().isEmpty()) {
      ds.setSslRootCert(pem.getCertPaths().get(0));
    }
    return ds;
  }
}
