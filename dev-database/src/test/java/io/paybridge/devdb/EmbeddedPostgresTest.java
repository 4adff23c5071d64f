package io.paybridge.devdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts real PostgreSQL clusters from the bundled binaries. The build runs as root here (as on
 * most CI), which is the case that matters: the server must then run as the unprivileged account,
 * and everything it touches must be reachable by that account.
 */
@Tag("security")
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedPostgresTest {

  private static final boolean ROOT = ServerAccount.currentUid() == 0;
  private static final String SERVER_ACCOUNT =
      System.getenv().getOrDefault(ServerAccount.OS_USER_ENV, "nobody");

  @Test
  void throwawayClusterServesQueriesAndIsDeletedOnClose(Vertx vertx) throws Exception {
    // GIVEN a throwaway cluster
    EmbeddedPostgres pg =
        EmbeddedPostgres.start(
            EmbeddedPostgres.Options.throwaway()
                .setDatabase("shop")
                .setSetting("work_mem", "12MB")
                .setSetting("cluster_name", "it's paybridge")
                .setSetting("paybridge.test_marker", "qualified"));
    Path data = pg.dataDirectory();
    long serverPid = pg.serverPid().orElseThrow();
    try {
      // THEN it runs as the unprivileged account when this JVM is root
      if (ROOT) {
        assertThat(Files.getOwner(data).getName()).isEqualTo(SERVER_ACCOUNT);
        assertThat(Files.getOwner(pg.serverLog()).getName()).isEqualTo(SERVER_ACCOUNT);
        assertThat(ProcessHandle.of(serverPid).flatMap(p -> p.info().user()))
            .contains(SERVER_ACCOUNT);
      }
      // WHEN a client connects, creates a table, writes and reads
      Pool pool = pool(vertx, pg.connectOptions());
      try {
        assertThat(single(pool, "select version()")).startsWith("PostgreSQL 17.");
        assertThat(single(pool, "select current_database()")).isEqualTo("shop");
        assertThat(single(pool, "show fsync")).isEqualTo("off");
        assertThat(single(pool, "show listen_addresses")).isEqualTo("127.0.0.1");
        // THEN the caller's settings are in force, quoted safely
        assertThat(single(pool, "show work_mem")).isEqualTo("12MB");
        assertThat(single(pool, "show cluster_name")).isEqualTo("it's paybridge");
        assertThat(single(pool, "show paybridge.test_marker")).isEqualTo("qualified");
        await(pool.query("create table item (id int primary key, name text)").execute());
        await(
            pool.preparedQuery("insert into item values ($1, $2)").execute(Tuple.of(1, "coffee")));
        RowSet<Row> rows =
            await(pool.preparedQuery("select name from item where id = $1").execute(Tuple.of(1)));
        // THEN the row comes back
        assertThat(rows.iterator().next().getString("name")).isEqualTo("coffee");
      } finally {
        await(pool.close());
      }
    } finally {
      pg.close();
    }
    // THEN the server is gone and its folder deleted
    assertThat(pg.isRunning()).isFalse();
    awaitExit(serverPid);
    assertThat(data).doesNotExist();
    assertThat(data.getParent()).doesNotExist();
  }

  @Test
  void settingNamesAreCheckedBeforeTheyReachTheConfiguration() {
    assertThatThrownBy(
            () -> new EmbeddedPostgres.Options().setSetting("work_mem = 1\nfsync", "off"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a server setting name");
    assertThatThrownBy(() -> new EmbeddedPostgres.Options().setSetting("a.b.c", "on"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EmbeddedPostgres.Options().setSetting("auto_explain.", "on"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durableClusterKeepsItsDataAndFollowsThePassword(Vertx vertx) throws Exception {
    Path parent = reachableTempFolder("pb-pg-durable-");
    Path data = parent.resolve("data");
    EmbeddedPostgres.Options options =
        EmbeddedPostgres.Options.persistent(data).setDatabase("ledger").setPassword("first-secret");
    try {
      // GIVEN a durable cluster holding a row
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
        assertThat(pg.dataDirectory()).isEqualTo(data);
        Pool pool = pool(vertx, pg.connectOptions());
        try {
          assertThat(single(pool, "show fsync")).isEqualTo("on");
          await(pool.query("create table entry (amount int)").execute());
          await(pool.query("insert into entry values (1250)").execute());
        } finally {
          await(pool.close());
        }
      }
      assertThat(data.resolve("PG_VERSION")).exists();
      // WHEN it starts again on the same folder, configured with another password
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(options.setPassword("second-secret"))) {
        // THEN the row is still there, and the new password is the one that works
        Pool pool = pool(vertx, pg.connectOptions());
        try {
          assertThat(single(pool, "select sum(amount)::text from entry")).isEqualTo("1250");
        } finally {
          await(pool.close());
        }
        Pool stale = pool(vertx, pg.connectOptions().setPassword("first-secret"));
        try {
          assertThatThrownBy(() -> single(stale, "select 1"))
              .hasMessageContaining("password authentication failed");
        } finally {
          await(stale.close());
        }
      }
      assertThat(data).exists();
    } finally {
      FileTrees.deleteRecursively(parent);
    }
  }

  @Test
  void aRuntimeRoleIsCreatedWithNoRightsOfItsOwnAndANewPasswordAtEveryStart(Vertx vertx)
      throws Exception {
    Path parent = reachableTempFolder("pb-pg-runtime-");
    EmbeddedPostgres.Options options =
        EmbeddedPostgres.Options.persistent(parent.resolve("data"))
            .setDatabase("ledger")
            .setRuntimeUser("ledger_app");
    try {
      PgConnectOptions first;
      // GIVEN a cluster started with a runtime role
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
        first = pg.runtimeConnectOptions();
        Pool pool = pool(vertx, first);
        try {
          // THEN the role logs in to the database, and may do nothing of its own there
          assertThat(single(pool, "select current_user || '@' || current_database()"))
              .isEqualTo("ledger_app@ledger");
          assertThat(
                  single(
                      pool,
                      "select concat_ws(',', rolsuper, rolcreaterole, rolcreatedb, rolinherit,"
                          + " rolreplication) from pg_roles where rolname = current_user"))
              .isEqualTo("f,f,f,f,f");
          assertThatThrownBy(() -> single(pool, "create table intruder (id int)"))
              .hasMessageContaining("permission denied");
        } finally {
          await(pool.close());
        }
      }
      // WHEN it starts again
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
        // THEN the role has a new password, and the old one no longer works
        assertThat(pg.runtimeConnectOptions().getPassword()).isNotEqualTo(first.getPassword());
        Pool pool = pool(vertx, pg.runtimeConnectOptions());
        Pool stale =
            pool(vertx, pg.connectOptions().setUser("ledger_app").setPassword(first.getPassword()));
        try {
          assertThat(single(pool, "select current_user")).isEqualTo("ledger_app");
          assertThatThrownBy(() -> single(stale, "select 1"))
              .hasMessageContaining("password authentication failed");
        } finally {
          await(pool.close());
          await(stale.close());
        }
      }
    } finally {
      FileTrees.deleteRecursively(parent);
    }
  }

  @Test
  void unreachableDataFolderIsRelocatedForTheServerAccount(Vertx vertx) throws Exception {
    assumeTrue(ROOT, "only a root JVM drops privileges");
    // GIVEN a data folder under a folder that only root may enter
    Path hidden = Files.createTempDirectory("pb-pg-private-");
    Path requested = hidden.resolve("data");
    EmbeddedPostgres pg =
        EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(requested).setThrowaway(true));
    try {
      // THEN the cluster lives in a derived folder that the server account can reach
      Path cluster = pg.dataDirectory().getParent();
      assertThat(pg.dataDirectory()).isNotEqualTo(requested);
      assertThat(cluster.getParent()).isEqualTo(pg.baseDirectory().resolve("clusters"));
      assertThat(Files.readString(cluster.resolve("requested-path")).strip())
          .isEqualTo(requested.toString());
      assertThat(requested).doesNotExist();
      Pool pool = pool(vertx, pg.connectOptions());
      try {
        assertThat(single(pool, "select 'reachable'")).isEqualTo("reachable");
      } finally {
        await(pool.close());
      }
      // WHEN it is closed THEN the derived folder goes too
      pg.close();
      assertThat(cluster).doesNotExist();
    } finally {
      pg.close();
      FileTrees.deleteRecursively(hidden);
    }
  }

  @Test
  void serverLeftRunningByAKilledJvmIsStoppedAndReplaced(Vertx vertx) throws Exception {
    Path parent = reachableTempFolder("pb-pg-leftover-");
    Path data = parent.resolve("data");
    try {
      // GIVEN a JVM that started a durable cluster and was then killed
      long leftover = startInChildJvmAndKill(data);
      assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).contains(true);
      // WHEN this JVM starts a server on the same folder
      try (EmbeddedPostgres pg = startOnTheChildsFolder(data)) {
        // THEN the leftover server is stopped, and a new one serves the same cluster
        awaitExit(leftover);
        assertThat(pg.serverPid().orElseThrow()).isNotEqualTo(leftover);
        assertServesTheChildsCluster(vertx, pg);
      }
    } finally {
      FileTrees.deleteRecursively(parent);
    }
  }

  @Test
  void stalePidFileOfAKilledServerIsRecovered(Vertx vertx) throws Exception {
    Path parent = reachableTempFolder("pb-pg-stale-");
    Path data = parent.resolve("data");
    try {
      // GIVEN a killed JVM whose server was killed too, leaving a stale postmaster.pid
      long leftover = startInChildJvmAndKill(data);
      List<ProcessHandle> workers = ProcessHandle.of(leftover).orElseThrow().children().toList();
      ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
      awaitExit(leftover);
      for (ProcessHandle worker : workers) {
        awaitExit(worker.pid());
      }
      assertThat(data.resolve("postmaster.pid")).exists();
      // WHEN this JVM starts a server on the same folder
      try (EmbeddedPostgres pg = startOnTheChildsFolder(data)) {
        // THEN the cluster recovers and serves its data
        assertServesTheChildsCluster(vertx, pg);
      }
    } finally {
      FileTrees.deleteRecursively(parent);
    }
  }

  @Test
  void throwawayClusterOfADeadJvmIsRemoved() throws Exception {
    // GIVEN the throwaway folder of a process that has exited
    Path base;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.throwaway())) {
      base = pg.baseDirectory();
    }
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    Path abandoned = base.resolve("throwaway").resolve(finished.pid() + "-test");
    Files.createDirectories(abandoned.resolve("data"));
    // WHEN another throwaway cluster starts
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.throwaway())) {
      // THEN the abandoned folder is gone, and the new cluster is not
      assertThat(abandoned).doesNotExist();
      assertThat(pg.dataDirectory()).exists();
    }
  }

  @Test
  void folderInUseIsRefusedAndFreeAgainAfterClose() throws Exception {
    Path parent = reachableTempFolder("pb-pg-busy-");
    Path data = parent.resolve("data");
    try {
      // GIVEN a running durable cluster with the default names
      try (EmbeddedPostgres pg =
          EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(data))) {
        // WHEN a second instance starts on the same folder THEN it is refused
        assertThatThrownBy(() -> EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(data)))
            .isInstanceOf(EmbeddedPostgresException.class)
            .hasMessageContaining("already run by an open EmbeddedPostgres");
        assertThat(pg.isRunning()).isTrue();
      }
      // WHEN the first is closed THEN the folder starts again, its database already there
      try (EmbeddedPostgres pg =
          EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(data))) {
        assertThat(pg.isRunning()).isTrue();
      }
    } finally {
      FileTrees.deleteRecursively(parent);
    }
  }

  /**
   * Starts a durable cluster on {@code data} from another JVM, which creates a marker table, then
   * kills that JVM (SIGKILL, so nothing is cleaned up) and returns the pid of the server it left
   * running.
   */
  private static long startInChildJvmAndKill(Path data) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(java, "-cp", classPath, ChildJvm.class.getName(), data.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder transcript = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        transcript.append(line).append('\n');
        if (line.startsWith("READY ")) {
          child.destroyForcibly();
          child.waitFor();
          return Long.parseLong(line.substring("READY ".length()).strip());
        }
      }
      throw new AssertionError("The child JVM ended without starting PostgreSQL:\n" + transcript);
    } finally {
      child.destroyForcibly();
    }
  }

  /** The body of the JVM that {@link #startInChildJvmAndKill(Path)} kills. */
  static final class ChildJvm {
    public static void main(String[] args) throws Exception {
      EmbeddedPostgres pg = startOnTheChildsFolder(Path.of(args[0]));
      Vertx vertx = Vertx.vertx();
      Pool pool = pool(vertx, pg.connectOptions());
      await(pool.query("create table child_marker (id int)").execute());
      await(pool.close());
      System.out.println("READY " + pg.serverPid().orElseThrow());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }

  /** Starts the durable cluster that the child JVM (and then this one) runs on {@code data}. */
  private static EmbeddedPostgres startOnTheChildsFolder(Path data) {
    return EmbeddedPostgres.start(
        EmbeddedPostgres.Options.persistent(data).setDatabase("leftover"));
  }

  /** The server holds the (empty) marker table that the child JVM created. */
  private static void assertServesTheChildsCluster(Vertx vertx, EmbeddedPostgres pg)
      throws Exception {
    Pool pool = pool(vertx, pg.connectOptions());
    try {
      assertThat(single(pool, "select count(*)::text from child_marker")).isEqualTo("0");
    } finally {
      await(pool.close());
    }
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options) {
    return PgBuilder.pool().connectingTo(options).using(vertx).build();
  }

  private static String single(Pool pool, String sql) throws Exception {
    return await(pool.query(sql).execute()).iterator().next().getValue(0).toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  /** Waits until a (non-child) process has exited and been reaped. */
  private static void awaitExit(long pid) throws Exception {
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle != null) {
      handle.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  /** A fresh temporary folder that the unprivileged server account may traverse. */
  private static Path reachableTempFolder(String prefix) throws IOException {
    Path folder = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    return folder;
  }
}
