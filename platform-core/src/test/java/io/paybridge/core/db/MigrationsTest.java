package io.paybridge.core.db;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Schema migrations against a real PostgreSQL, each case in a database of its own: an empty
 * database, concurrent starts of a cluster, an edited migration, and a database that the runner
 * before Flyway migrated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationsTest {

  /** The migrations the runner before Flyway knew, in order. */
  private static final List<String> BEFORE_FLYWAY =
      List.of(
          "V1__backbone.sql",
          "V2__job_leases.sql",
          "V3__sync.sql",
          "V4__attempt_node.sql",
          "V5__renewals.sql",
          "V6__webhook_log.sql",
          "V7__unknown_subscriptions.sql",
          "V8__renewal_entries.sql",
          "V9__wake_running_jobs.sql",
          "V10__receipts_for_every_delivery.sql");

  /** The released migrations, in order. */
  private static final List<String> RELEASED =
      Stream.concat(
              BEFORE_FLYWAY.stream(),
              Stream.of(
                  "V11__charges.sql",
                  "V12__cobot.sql",
                  "V13__login_attempts.sql",
                  "V14__token_keys.sql",
                  "V15__api_idempotency.sql",
                  "V16__payer_contact_retention.sql",
                  "V17__checkouts.sql",
                  "V18__app_purchases.sql",
                  "V19__receipt_causes.sql",
                  "V21__api_client_rotation.sql",
                  "V22__refunds.sql",
                  "V23__delivery_dispatch.sql",
                  "V25__console_sessions.sql",
                  "V26__target_revision.sql",
                  "V27__claims_by_kind_index.sql"))
          .toList();

  private Vertx vertx;
  private final List<Pool> pools = new ArrayList<>();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    pools.forEach(pool -> await(pool.close()));
    await(vertx.close());
  }

  @Test
  void anEmptyDatabaseGetsEveryReleasedVersionOnceAndQuietly() {
    // GIVEN an empty database
    PgConnectOptions db = PgFixture.newDatabase("migrations");
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    try {
      // WHEN a node starts, and starts again
      await(Migrations.migrate(vertx, db));
      await(Migrations.migrate(vertx, db));
    } finally {
      root.removeHandler(handler);
    }
    // THEN every released migration was applied once, in order
    Pool pool = pool(db);
    assertThat(history(pool)).containsExactlyElementsOf(applied(RELEASED));
    assertThat(single(pool, "SELECT to_regclass('signed_deliveries')::text"))
        .isEqualTo("signed_deliveries");
    // AND each start logged one line, and no warning
    String last = applied(RELEASED).get(RELEASED.size() - 1).split(" ")[0];
    List<LogRecord> lines =
        logged.stream()
            .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
            .filter(
                r ->
                    r.getLoggerName().startsWith("org.flywaydb")
                        || r.getLoggerName().startsWith(Migrations.class.getPackageName()))
            .toList();
    assertThat(lines).extracting(LogRecord::getLevel).containsOnly(Level.INFO).hasSize(2);
    assertThat(lines.get(0).getMessage())
        .startsWith("database schema migrated from version none to " + last + ", applying")
        .contains("1 (backbone), 2 (job leases)");
    assertThat(lines.get(1).getMessage()).isEqualTo("database schema is at version " + last);
  }

  @Test
  void concurrentStartsOfAClusterApplyEachVersionOnce() {
    // GIVEN an empty database
    PgConnectOptions db = PgFixture.newDatabase("migrations_race");
    // WHEN three nodes start at once
    List<Future<Void>> starts =
        IntStream.range(0, 3).mapToObj(i -> Migrations.migrate(vertx, db)).toList();
    await(Future.all(starts));
    // THEN each version was applied by one of them, once
    assertThat(history(pool(db))).containsExactlyElementsOf(applied(RELEASED));
  }

  @Test
  void anEditedMigrationIsRefusedAtStart(@TempDir Path edited) throws IOException {
    // GIVEN a database migrated by the released files
    PgConnectOptions db = PgFixture.newDatabase("migrations_edited");
    await(Migrations.migrate(vertx, db));
    // AND a node whose copy of V3 differs from the one applied
    for (String name : RELEASED) {
      Files.writeString(edited.resolve(name), migration(name));
    }
    Files.writeString(
        edited.resolve("V3__sync.sql"),
        migration("V3__sync.sql") + "ALTER TABLE sync_targets ADD COLUMN edited boolean;\n");
    // WHEN that node starts
    // THEN it refuses, naming the version, and changes nothing
    Pool pool = pool(db);
    assertThatThrownBy(
            () -> Migrations.migrate(Migrations.dataSource(db), "filesystem:" + edited.toString()))
        .isInstanceOf(FlywayValidateException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("version 3");
    assertThat(
            single(
                pool,
                "SELECT count(*) FROM information_schema.columns WHERE column_name = 'edited'"))
        .isEqualTo("0");
    assertThat(history(pool)).containsExactlyElementsOf(applied(RELEASED));
  }

  @Test
  void aDatabaseOfTheRunnerBeforeFlywayIsUpgradedInPlace() {
    // GIVEN a database the runner before Flyway took to V9, with a tenant, a receipt, a ledger
    // entry and a logged delivery in it
    PgConnectOptions db = PgFixture.newDatabase("migrations_legacy");
    Pool pool = pool(db);
    migrateAsBeforeFlyway(pool, BEFORE_FLYWAY.subList(0, 9));
    UUID tenant = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'Acme', $2, 'h')")
            .execute(Tuple.of(tenant, tenant + "@acme.test")));
    long receipt =
        await(
                pool.preparedQuery(
                        "INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type,"
                            + " raw_body) VALUES ($1, 'stripe', 'evt_1', 'charge.succeeded', '\\x7b7d')"
                            + " RETURNING id")
                    .execute(Tuple.of(tenant)))
            .iterator()
            .next()
            .getLong(0);
    await(
        pool.preparedQuery(
                "INSERT INTO ledger_entries (tenant_id, gateway, receipt_id, entry_key, kind,"
                    + " amount_minor, currency, customer_ref, occurred_at) VALUES ($1, 'stripe', $2,"
                    + " 'pi_1', 'PAYMENT', 1500, 'EUR', 'member-7', now())")
            .execute(Tuple.of(tenant, receipt)));
    await(
        pool.preparedQuery(
                "INSERT INTO webhook_log (tenant_id, gateway, outcome, reason, event_type)"
                    + " VALUES ($1, 'stripe', 'rejected', 'bad signature', 'charge.succeeded')")
            .execute(Tuple.of(tenant)));

    // WHEN the node with Flyway starts, and starts again
    await(Migrations.migrate(vertx, db));
    await(Migrations.migrate(vertx, db));

    // THEN Flyway's history starts from the old runner's V9 and V10 was applied once
    assertThat(history(pool))
        .containsExactly(
            "9 BASELINE applied before Flyway, recorded in schema_migrations",
            "10 SQL V10__receipts_for_every_delivery.sql",
            "11 SQL V11__charges.sql",
            "12 SQL V12__cobot.sql",
            "13 SQL V13__login_attempts.sql",
            "14 SQL V14__token_keys.sql",
            "15 SQL V15__api_idempotency.sql",
            "16 SQL V16__payer_contact_retention.sql",
            "17 SQL V17__checkouts.sql",
            "18 SQL V18__app_purchases.sql",
            "19 SQL V19__receipt_causes.sql",
            "21 SQL V21__api_client_rotation.sql",
            "22 SQL V22__refunds.sql",
            "23 SQL V23__delivery_dispatch.sql",
            "25 SQL V25__console_sessions.sql",
            "26 SQL V26__target_revision.sql",
            "27 SQL V27__claims_by_kind_index.sql");
    // AND V10 did its work: the logged delivery became a receipt, the old receipt is recorded
    assertThat(single(pool, "SELECT coalesce(to_regclass('webhook_log')::text, 'gone')"))
        .isEqualTo("gone");
    assertThat(
            rows(
                pool,
                "SELECT verdict || ' ' || coalesce(event_id, '-') || ' ' || coalesce(reason, '-')"
                    + " FROM webhook_receipts ORDER BY id"))
        .containsExactly("recorded evt_1 -", "rejected - bad signature");
    // AND the data from before is intact
    assertThat(
            single(
                pool,
                "SELECT name || ' ' || (SELECT sum(amount_minor) FROM ledger_entries"
                    + " WHERE customer_ref = 'member-7') FROM tenants"))
        .isEqualTo("Acme 1500");
    // AND the old runner's record is left as it was
    assertThat(single(pool, "SELECT count(*) FROM schema_migrations")).isEqualTo("9");
  }

  @Test
  void aDatabaseTheRunnerBeforeFlywayCompletedNeedsNothing() {
    // GIVEN a database the runner before Flyway took to the last released version
    PgConnectOptions db = PgFixture.newDatabase("migrations_legacy_done");
    Pool pool = pool(db);
    migrateAsBeforeFlyway(pool, BEFORE_FLYWAY);
    // WHEN the node with Flyway starts
    await(Migrations.migrate(vertx, db));
    // THEN it records where the old runner left off, and applies only what came after it
    assertThat(history(pool))
        .containsExactly(
            "10 BASELINE applied before Flyway, recorded in schema_migrations",
            "11 SQL V11__charges.sql",
            "12 SQL V12__cobot.sql",
            "13 SQL V13__login_attempts.sql",
            "14 SQL V14__token_keys.sql",
            "15 SQL V15__api_idempotency.sql",
            "16 SQL V16__payer_contact_retention.sql",
            "17 SQL V17__checkouts.sql",
            "18 SQL V18__app_purchases.sql",
            "19 SQL V19__receipt_causes.sql",
            "21 SQL V21__api_client_rotation.sql",
            "22 SQL V22__refunds.sql",
            "23 SQL V23__delivery_dispatch.sql",
            "25 SQL V25__console_sessions.sql",
            "26 SQL V26__target_revision.sql",
            "27 SQL V27__claims_by_kind_index.sql");
  }

  @Test
  void anOldRecordWithAGapIsRefused() {
    // GIVEN a database whose old record lacks a version between others
    PgConnectOptions db = PgFixture.newDatabase("migrations_legacy_gap");
    Pool pool = pool(db);
    await(pool.query("CREATE TABLE schema_migrations (version text PRIMARY KEY)").execute());
    await(
        pool.query("INSERT INTO schema_migrations VALUES ('V1__backbone.sql'), ('V3__sync.sql')")
            .execute());
    // WHEN a node starts THEN it refuses rather than guess
    assertThatThrownBy(() -> await(Migrations.migrate(vertx, db)))
        .hasStackTraceContaining("schema_migrations records versions [1, 3]");
    assertThat(single(pool, "SELECT coalesce(to_regclass('flyway_schema_history')::text, 'none')"))
        .isEqualTo("none");
  }

  @Test
  void migrationsConnectWhereAndAsTheNodeDoes() {
    // GIVEN the node's connect options, with TLS verified against a root certificate
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost("db.internal")
            .setPort(6432)
            .setDatabase("paybridge")
            .setUser("pb")
            .setPassword("s3cret")
            .setSslMode(SslMode.VERIFY_FULL)
            .setSslOptions(
                new ClientSSLOptions()
                    .setTrustOptions(new PemTrustOptions().addCertPath("/etc/paybridge/ca.pem")));
    // WHEN they become the migrations' JDBC data source
    PGSimpleDataSource jdbc = (PGSimpleDataSource) Migrations.dataSource(options);
    // THEN it reaches the same server, database and user, as securely
    assertThat(jdbc.getServerNames()).containsExactly("db.internal");
    assertThat(jdbc.getPortNumbers()).containsExactly(6432);
    assertThat(jdbc.getDatabaseName()).isEqualTo("paybridge");
    assertThat(jdbc.getUser()).isEqualTo("pb");
    assertThat(jdbc.getPassword()).isEqualTo("s3cret");
    assertThat(jdbc.getSslMode()).isEqualTo("verify-full");
    assertThat(jdbc.getSslRootCert()).isEqualTo("/etc/paybridge/ca.pem");
    // AND a URL's sslmode carries over, and no sslmode means none, as for the pool
    assertThat(
            ((PGSimpleDataSource)
                    Migrations.dataSource(
                        Database.fromUrl("postgresql://pb:pw@db.internal:5433/pb?sslmode=require")))
                .getSslMode())
        .isEqualTo("require");
    assertThat(
            ((PGSimpleDataSource)
                    Migrations.dataSource(Database.fromUrl("postgresql://pb:pw@db.internal/pb")))
                .getSslMode())
        .isEqualTo("disable");
  }

  /** What the runner before Flyway did: one transaction, its table, each file, a row each. */
  private static void migrateAsBeforeFlyway(Pool pool, List<String> versions) {
    await(
        pool.withTransaction(
            conn -> {
              Future<?> chain =
                  conn.query(
                          "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY,"
                              + " applied_at timestamptz NOT NULL DEFAULT now())")
                      .execute();
              for (String version : versions) {
                chain = chain.compose(x -> applyAsBeforeFlyway(conn, version));
              }
              return chain.mapEmpty();
            }));
  }

  private static Future<?> applyAsBeforeFlyway(SqlConnection conn, String version) {
    return conn.query(migration(version))
        .execute()
        .compose(
            v ->
                conn.preparedQuery("INSERT INTO schema_migrations (version) VALUES ($1)")
                    .execute(Tuple.of(version)));
  }

  private static String migration(String name) {
    try (InputStream in =
        MigrationsTest.class.getClassLoader().getResourceAsStream("db/migration/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flyway's history of successful migrations: "version type script-or-description". */
  private static List<String> history(Pool pool) {
    return rows(
        pool,
        "SELECT version || ' ' || type || ' ' || CASE type WHEN 'SQL' THEN script ELSE description"
            + " END FROM flyway_schema_history WHERE success ORDER BY installed_rank");
  }

  private static List<String> applied(List<String> scripts) {
    return scripts.stream().map(s -> s.substring(1, s.indexOf("__")) + " SQL " + s).toList();
  }

  private Pool pool(PgConnectOptions db) {
    Pool pool = PgBuilder.pool().connectingTo(db).using(vertx).build();
    pools.add(pool);
    return pool;
  }

  private static String single(Pool pool, String sql) {
    return rows(pool, sql).get(0);
  }

  private static List<String> rows(Pool pool, String sql) {
    List<String> out = new ArrayList<>();
    for (Row row : await(pool.query(sql).execute())) {
      out.add(String.valueOf(row.getValue(0)));
    }
    return out;
  }
}
