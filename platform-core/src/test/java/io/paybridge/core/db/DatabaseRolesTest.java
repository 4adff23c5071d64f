package io.paybridge.core.db;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The node's runtime role on a real PostgreSQL, after the owner migrated and granted: it reads and
 * writes every table, uses sequences and functions, and can neither create, alter, drop nor
 * truncate anything, nor read Flyway's history; tables the owner creates later follow; a role that
 * could change the schema is named, and refused before anything is migrated when asked.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRolesTest {

  /** insufficient_privilege, which "must be owner" and "permission denied" both are. */
  private static final String DENIED = "42501";

  private Vertx vertx;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private Pool pool(PgConnectOptions options) {
    return Database.pool(vertx, options, 2);
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

  @Test
  void theRuntimeRoleReadsAndWritesButCannotChangeTheSchema() {
    // GIVEN a database with an owner and a runtime role, readied as a node readies it
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("roles_runtime");
    await(DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), true));
    Pool runtime = pool(roles.runtime());
    try {
      // THEN it reads and writes rows, identity columns and functions included
      UUID tenant = UUID.randomUUID();
      run(
          runtime,
          "INSERT INTO tenants (id, name, email, password_hash) VALUES ('"
              + tenant
              + "', 'Acme', '"
              + tenant
              + "@acme.test', 'h')");
      run(
          runtime,
          "INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type, raw_body)"
              + " VALUES ('"
              + tenant
              + "', 'stripe', 'evt_1', 'charge.succeeded', '\\x7b7d')");
      run(runtime, "UPDATE tenants SET name = 'Acme Ltd' WHERE id = '" + tenant + "'");
      run(runtime, "SELECT * FROM tenants FOR UPDATE");
      run(runtime, "SELECT reserve_attempt(ARRAY['k'], ARRAY[5], ARRAY[60000::bigint])");
      run(runtime, "DELETE FROM webhook_receipts WHERE tenant_id = '" + tenant + "'");
      // AND nothing else
      for (String ddl :
          List.of(
              "CREATE TABLE intruder (id int)",
              "CREATE TABLE public.intruder (id int)",
              "CREATE SCHEMA intruder",
              "CREATE VIEW intruder AS SELECT 1",
              "DROP TABLE ledger_entries",
              "TRUNCATE tenants CASCADE",
              "ALTER TABLE tenants ADD COLUMN intruder int",
              "ALTER TABLE tenants DISABLE TRIGGER ALL",
              "CREATE INDEX intruder ON tenants (name)",
              "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
              "DROP FUNCTION reserve_attempt(text[], integer[], bigint[])",
              "SELECT * FROM flyway_schema_history",
              "DELETE FROM flyway_schema_history")) {
        assertThat(denied(runtime, ddl)).as(ddl).isEqualTo(DENIED);
      }
      assertThat(DatabaseRoles.excess(Migrations.dataSource(roles.runtime()))).isEmpty();
    } finally {
      await(runtime.close());
    }
  }

  @Test
  void tablesTheOwnerCreatesLaterAreReadAndWrittenButNotChanged() {
    // GIVEN a readied database
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("roles_later");
    await(DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), true));
    Pool owner = pool(roles.owner());
    Pool runtime = pool(roles.runtime());
    try {
      // WHEN a later migration (here: the owner by hand) adds a table, before any grant step
      run(owner, "CREATE TABLE later_things (id bigint GENERATED ALWAYS AS IDENTITY, v text)");
      // THEN the runtime role reads and writes it at once, and cannot change it
      run(runtime, "INSERT INTO later_things (v) VALUES ('x')");
      run(runtime, "UPDATE later_things SET v = 'y'");
      assertThat(denied(runtime, "DROP TABLE later_things")).isEqualTo(DENIED);
      assertThat(denied(runtime, "TRUNCATE later_things")).isEqualTo(DENIED);
      // AND readying again (the next start) changes nothing of that
      await(DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), true));
      run(runtime, "DELETE FROM later_things");
      assertThat(DatabaseRoles.excess(Migrations.dataSource(roles.runtime()))).isEmpty();
    } finally {
      await(runtime.close());
      await(owner.close());
    }
  }

  @Test
  void aRoleThatCouldChangeTheSchemaIsNamedAndRefusedBeforeAnythingIsMigrated() {
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("roles_refused");
    // The owner itself, and a superuser, can do anything.
    assertThat(DatabaseRoles.excess(Migrations.dataSource(roles.owner())))
        .anyMatch(e -> e.startsWith("owns, or may act as the owner of, database"))
        .anyMatch(e -> e.startsWith("may create in schema public"));
    PgConnectOptions admin = PgFixture.adminOptions().setDatabase(roles.owner().getDatabase());
    assertThat(DatabaseRoles.excess(Migrations.dataSource(admin))).contains("is a superuser");

    // GIVEN a runtime role that was made a member of the owner
    Pool adminPool = pool(admin);
    run(adminPool, "GRANT " + roles.owner().getUser() + " TO " + roles.runtime().getUser());
    await(adminPool.close());
    // WHEN production readies the database with it
    // THEN it refuses, naming what the role can do and the settings, and migrated nothing
    assertThatThrownBy(
            () ->
                DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), true)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get())
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owns, or may act as the owner of, database")
        .hasMessageContaining("PAYBRIDGE_DB_MIGRATION_USER")
        .hasMessageContaining("PAYBRIDGE_DB_ALLOW_DDL=true");
    Pool owner = pool(roles.owner());
    try {
      assertThat(
              await(owner.query("SELECT to_regclass('flyway_schema_history') IS NULL").execute())
                  .iterator()
                  .next()
                  .getBoolean(0))
          .isTrue();
      // WHEN the operator accepts it (dev mode, or PAYBRIDGE_DB_ALLOW_DDL)
      await(DatabaseRoles.prepare(vertx, roles.owner(), roles.runtime(), false));
      // THEN the database is migrated
      assertThat(await(owner.query("SELECT count(*) FROM tenants").execute())).hasSize(1);
    } finally {
      await(owner.close());
    }
  }
}
