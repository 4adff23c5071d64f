package io.paybridge.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The two database roles of a node. Migrations run as the schema's owner ({@code
 * PAYBRIDGE_DB_MIGRATION_USER}); the node's pool runs as a runtime role ({@code PAYBRIDGE_DB_URL})
 * that may only read and write the platform's tables and use their sequences, so that no query the
 * node runs, whatever went wrong in it, can create, alter, drop or truncate anything. After every
 * migration the owner grants the runtime role exactly that on every table of the schema but
 * Flyway's history, and the same on tables it creates later (default privileges).
 *
 * <p>Before anything is migrated the runtime role is asked what it can do beyond that: be a
 * superuser or create roles, create schemas, create in a schema, own (or be able to act as the
 * owner of) the database, a schema or a table, or truncate, add triggers to or reference a table.
 * Production refuses to start then, unless the operator said otherwise ({@code
 * PAYBRIDGE_DB_ALLOW_DDL=true}); dev mode says so.
 */
public final class DatabaseRoles {

  private static final Logger LOG = Logger.getLogger(DatabaseRoles.class.getName());

  /** Nodes starting together take turns granting: PostgreSQL refuses concurrent grants. */
  private static final long GRANT_LOCK = 0x7061796272696467L;

  private static final String SYSTEM_SCHEMA =
      "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

  /** Everything the runtime role may do beyond reading and writing rows, one phrase a row. */
  private static final String EXCESS =
      "SELECT 'is a superuser' FROM pg_roles WHERE rolname = current_user AND rolsuper"
          + " UNION ALL SELECT 'may create roles' FROM pg_roles"
          + " WHERE rolname = current_user AND rolcreaterole AND NOT rolsuper"
          + " UNION ALL SELECT 'may create schemas in database ' || current_database()"
          + " WHERE has_database_privilege(current_database(), 'CREATE')"
          + " UNION ALL SELECT 'owns, or may act as the owner of, database ' || d.datname"
          + " FROM pg_database d WHERE d.datname = current_database()"
          + " AND pg_has_role(d.datdba, 'MEMBER')"
          + " UNION ALL SELECT 'may create in schema ' || n.nspname FROM pg_namespace n"
          + " WHERE "
          + SYSTEM_SCHEMA
          + " AND has_schema_privilege(n.oid, 'CREATE')"
          + " UNION ALL SELECT 'owns, or may act as the owner of, schema ' || n.nspname"
          + " FROM pg_namespace n WHERE "
          + SYSTEM_SCHEMA
          + " AND pg_has_role(n.nspowner, 'MEMBER')"
          + " UNION ALL SELECT 'owns, or may act as the owner of, ' || count(*)"
          + " || ' tables or sequences (' || min(c.relname) || ', …)'"
          + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE "
          + SYSTEM_SCHEMA
          + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
          + " AND pg_has_role(c.relowner, 'MEMBER') HAVING count(*) > 0"
          + " UNION ALL SELECT 'may truncate, add triggers to or reference ' || count(*)"
          + " || ' tables (' || min(c.relname) || ', …)'"
          + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE "
          + SYSTEM_SCHEMA
          + " AND c.relkind IN ('r', 'p')"
          + " AND (has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER')"
          + " OR has_table_privilege(c.oid, 'REFERENCES')) HAVING count(*) > 0";

  /**
   * The roles' settings.
   *
   * @param migrationUser {@code PAYBRIDGE_DB_MIGRATION_USER}: the schema's owner, on the server and
   *     database of {@code PAYBRIDGE_DB_URL}; {@code null}: that URL's user migrates too
   * @param migrationPassword {@code PAYBRIDGE_DB_MIGRATION_PASSWORD}
   * @param allowDdl {@code PAYBRIDGE_DB_ALLOW_DDL}: whether production runs although its runtime
   *     role could change the schema
   */
  public record Settings(String migrationUser, String migrationPassword, boolean allowDdl) {

    /** One role for everything, checked in production. */
    public static final Settings DEFAULTS = new Settings(null, null, false);

    /** The options migrations connect with: the runtime's, as the migration user if one is set. */
    public PgConnectOptions owner(PgConnectOptions runtime) {
      if (migrationUser == null) {
        return runtime;
      }
      return new PgConnectOptions(runtime)
          .setUser(migrationUser)
          .setPassword(migrationPassword == null ? "" : migrationPassword);
    }

    @Override
    public String toString() {
      return "migrationUser="
          + (migrationUser == null ? "none" : migrationUser)
          + ", allowDdl="
          + allowDdl;
    }
  }

  private DatabaseRoles() {}

  /**
   * Readies the database for a node, on a worker thread: checks the runtime role, applies the
   * migrations as the owner, and grants the runtime role what it needs when it is another role.
   * Fails with an {@link IllegalArgumentException} naming the settings, before anything is
   * migrated, when {@code refuse} is set and the runtime role can do more than it needs.
   */
  public static Future<Void> prepare(
      Vertx vertx, PgConnectOptions owner, PgConnectOptions runtime, boolean refuse) {
    return vertx.executeBlocking(
        () -> {
          List<String> excess = excess(Migrations.dataSource(runtime));
          if (!excess.isEmpty()) {
            String what =
                "the database role "
                    + runtime.getUser()
                    + " of PAYBRIDGE_DB_URL "
                    + String.join("; ", excess);
            if (refuse) {
              throw new IllegalArgumentException(
                  "production mode refuses to start: "
                      + what
                      + ". Run migrations as the schema's owner (PAYBRIDGE_DB_MIGRATION_USER,"
                      + " PAYBRIDGE_DB_MIGRATION_PASSWORD) and give this role nothing of its own"
                      + " (docs/security.md), or accept it with PAYBRIDGE_DB_ALLOW_DDL=true");
            }
            LOG.warning(what + ": the node's queries could change the schema");
          }
          Migrations.migrate(Migrations.dataSource(owner), Migrations.LOCATION);
          if (!owner.getUser().equals(runtime.getUser())) {
            grant(Migrations.dataSource(owner), runtime.getUser());
          }
          return null;
        },
        false);
  }

  /** What the role behind {@code runtime} may do beyond reading and writing rows. Blocking. */
  static List<String> excess(DataSource runtime) {
    try (Connection connection = runtime.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(EXCESS)) {
      List<String> found = new ArrayList<>();
      while (rows.next()) {
        found.add(rows.getString(1));
      }
      return found;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot ask the database what its runtime role may do", e);
    }
  }

  /**
   * As the owner behind {@code owner}, grants {@code runtimeRole} reading and writing every table
   * of the current schema but Flyway's history, the use of its sequences and functions, and the
   * same on what the owner creates there later. Blocking.
   */
  static void grant(DataSource owner, String runtimeRole) {
    try (Connection connection = owner.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + GRANT_LOCK + ")");
        String schema;
        try (ResultSet current = statement.executeQuery("SELECT current_schema()")) {
          current.next();
          schema = current.getString(1);
        }
        if (schema == null) {
          throw new IllegalStateException("the migration role's search_path names no schema");
        }
        String s = quote(schema);
        String r = quote(runtimeRole);
        if (!mayUse(connection, runtimeRole, schema)) {
          statement.execute("GRANT USAGE ON SCHEMA " + s + " TO " + r);
        }
        statement.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + s + " TO " + r);
        statement.execute(
            "REVOKE ALL ON TABLE " + s + "." + quote(Migrations.HISTORY_TABLE) + " FROM " + r);
        statement.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + s + " TO " + r);
        statement.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + s + " TO " + r);
        statement.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA "
                + s
                + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
                + r);
        statement.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA "
                + s
                + " GRANT USAGE, SELECT ON SEQUENCES TO "
                + r);
      }
      connection.commit();
      LOG.info(() -> "database role " + runtimeRole + " may read and write the platform's tables");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot grant the database role " + runtimeRole + " its rights: " + e.getMessage(), e);
    }
  }

  private static boolean mayUse(Connection connection, String role, String schema)
      throws SQLException {
    try (PreparedStatement q =
        connection.prepareStatement("SELECT has_schema_privilege(?, ?, 'USAGE')")) {
      q.setString(1, role);
      q.setString(2, schema);
      try (ResultSet rows = q.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
