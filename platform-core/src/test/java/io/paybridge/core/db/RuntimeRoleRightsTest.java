package io.paybridge.core.db;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the node's runtime role cannot do beyond the schema, on a real PostgreSQL with the roles as
 * production sets them (an owner that migrates, a runtime role readied by {@link DatabaseRoles}):
 * reach the server's files or programs, read what another schema or another database keeps, become
 * or make another role, or change the server's settings. Whoever takes over a node gets rows to
 * read and write, and nothing of the machine the database runs on.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeRoleRightsTest {

  /** insufficient_privilege. */
  private static final String DENIED = "42501";

  private Vertx vertx;
  private PgFixture.Roles roles;
  private Pool runtime;
  private Pool owner;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    roles = PgFixture.newDatabaseWithRoles("rights");
    await(DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), true));
    runtime = Database.pool(vertx, roles.runtime(), 2);
    owner = Database.pool(vertx, roles.owner(), 2);
  }

  @AfterAll
  void stop() {
    await(runtime.close());
    await(owner.close());
    await(vertx.close());
  }

  @Test
  void theServersProgramsAndFilesAreOutOfReach() {
    for (String sql :
        List.of(
            "COPY tenants TO PROGRAM 'id'",
            "COPY tenants FROM PROGRAM 'cat /etc/passwd'",
            "COPY tenants FROM '/etc/passwd'",
            "COPY tenants TO '/tmp/paybridge-tenants.csv'",
            "COPY (SELECT 1) TO '/tmp/paybridge-one.csv'",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT pg_read_binary_file('postgresql.conf')",
            "SELECT pg_ls_dir('.')",
            "SELECT lo_import('/etc/passwd')",
            "SELECT lo_export(0, '/tmp/paybridge-lo')")) {
      assertThat(denied(runtime, sql)).as(sql).isEqualTo(DENIED);
    }
  }

  @Test
  void anotherSchemaOfTheDatabaseIsNotRead() {
    // GIVEN a schema of another application in the same database, its owner's, granted nothing
    run(owner, "CREATE SCHEMA IF NOT EXISTS payroll");
    run(owner, "CREATE TABLE IF NOT EXISTS payroll.salaries (name text, cents bigint)");
    run(owner, "INSERT INTO payroll.salaries VALUES ('a', 100)");
    // THEN the runtime role can neither read nor write it, nor create there
    for (String sql :
        List.of(
            "SELECT * FROM payroll.salaries",
            "INSERT INTO payroll.salaries VALUES ('b', 1)",
            "CREATE TABLE payroll.intruder (id int)",
            "SELECT * FROM pg_catalog.pg_authid",
            "SELECT * FROM pg_shadow")) {
      assertThat(denied(runtime, sql)).as(sql).isEqualTo(DENIED);
    }
  }

  @Test
  void anotherDatabaseOnTheServerIsNotRead() {
    // GIVEN another Paybridge database on the same server, migrated by its own owner
    PgFixture.Roles neighbour = PgFixture.newDatabaseWithRoles("rights_neighbour");
    await(DatabaseRoles.prepare(vertx, neighbour.owner(), neighbour.runtime(), true));
    // WHEN this database's runtime role connects to it (PostgreSQL lets every role connect)
    PgConnectOptions across =
        new PgConnectOptions(roles.runtime()).setDatabase(neighbour.owner().getDatabase());
    Pool there = Database.pool(vertx, across, 1);
    try {
      // THEN none of its tables can be read, written or changed
      for (String sql :
          List.of(
              "SELECT * FROM tenants",
              "SELECT * FROM console_sessions",
              "INSERT INTO tenants (id, name, email, password_hash)"
                  + " VALUES (gen_random_uuid(), 'x', 'x@x.test', 'h')",
              "DROP TABLE tenants",
              "CREATE TABLE intruder (id int)")) {
        assertThat(denied(there, sql)).as(sql).isEqualTo(DENIED);
      }
    } finally {
      await(there.close());
    }
  }

  @Test
  void noOtherRoleCanBeMadeOrBecome() {
    String self = roles.runtime().getUser();
    String theOwner = roles.owner().getUser();
    for (String sql :
        List.of(
            "CREATE ROLE intruder LOGIN PASSWORD 'intruder'",
            "CREATE USER intruder",
            "ALTER ROLE " + self + " SUPERUSER",
            "ALTER ROLE " + self + " CREATEROLE",
            "ALTER ROLE " + self + " CREATEDB",
            "GRANT " + theOwner + " TO " + self,
            "SET ROLE " + theOwner,
            "SET SESSION AUTHORIZATION " + theOwner,
            "CREATE DATABASE intruder",
            "ALTER SYSTEM SET log_statement = 'none'",
            "SET session_replication_role = replica")) {
      assertThat(denied(runtime, sql)).as(sql).isEqualTo(DENIED);
    }
  }

  @Test
  void thePlatformsTablesCannotBeChangedOrGivenAway() {
    for (String sql :
        List.of(
            "CREATE TABLE intruder (id int)",
            "ALTER TABLE console_sessions ADD COLUMN intruder int",
            "ALTER TABLE ledger_entries OWNER TO " + roles.runtime().getUser(),
            "ALTER TABLE tenants RENAME TO intruders",
            "ALTER TABLE tenants DROP CONSTRAINT tenants_pkey",
            "ALTER TABLE console_sessions DISABLE ROW LEVEL SECURITY",
            "DROP TABLE console_sessions",
            "DROP TABLE tenants CASCADE",
            "TRUNCATE console_sessions",
            "CREATE RULE intruder AS ON INSERT TO tenants DO INSTEAD NOTHING",
            "CREATE TRIGGER intruder BEFORE INSERT ON tenants"
                + " FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
            "CREATE POLICY intruder ON tenants USING (true)")) {
      assertThat(denied(runtime, sql)).as(sql).isEqualTo(DENIED);
    }
    // AND a grant of a table it does not own gives nobody anything (PostgreSQL only warns)
    run(runtime, "GRANT ALL ON tenants TO PUBLIC");
    assertThat(
            await(
                    owner
                        .query("SELECT has_table_privilege('public', 'tenants', 'SELECT')")
                        .execute())
                .iterator()
                .next()
                .getBoolean(0))
        .isFalse();
  }

  private static void run(Pool pool, String sql) {
    await(pool.query(sql).execute());
  }

  private static String denied(Pool pool, String sql) {
    Future<?> attempt = pool.query(sql).execute();
    try {
      attempt.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause();
      assertThat(cause).as(sql).isInstanceOf(PgException.class);
      return ((PgException) cause).getSqlState();
    }
    throw new AssertionError("the runtime role was allowed: " + sql);
  }
}
