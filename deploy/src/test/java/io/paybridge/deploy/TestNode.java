package io.paybridge.deploy;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Paybridge node for end-to-end tests: the production {@link Node} on a free port, on a
 * database of its own in the test PostgreSQL with the two roles production uses (the owner
 * migrates, the node runs as a role that can only read and write), with an HTTP client and a direct
 * SQL pool, as the owner, for checking what was recorded.
 */
final class TestNode implements AutoCloseable {

  final Node node;
  final Vertx client;
  final WebClient http;
  final Pool sql;
  final PgConnectOptions database;

  private TestNode(Node node, Vertx client, WebClient http, Pool sql, PgConnectOptions database) {
    this.node = node;
    this.client = client;
    this.http = http;
    this.sql = sql;
    this.database = database;
  }

  static TestNode start(String name) {
    return start(name, Map.of());
  }

  static TestNode start(String name, Map<String, String> extraEnv) {
    return start(name, PgFixture.newDatabaseWithRoles(name), ClusterSettings.NONE, extraEnv);
  }

  /**
   * A node on a database of the caller's (another node's, for a cluster), joining the cluster
   * {@code cluster} describes: migrating as the database's owner, querying as its runtime role.
   */
  static TestNode start(
      String name, PgFixture.Roles roles, ClusterSettings cluster, Map<String, String> extraEnv) {
    try {
      Path dataDir = Files.createTempDirectory("paybridge-" + name);
      Map<String, String> env = new HashMap<>();
      env.put("PAYBRIDGE_HTTP_PORT", "0");
      env.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
      env.put("PAYBRIDGE_DATA_DIR", dataDir.toString());
      env.put("PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("test"));
      env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
      env.put("PAYBRIDGE_DB_POOL_SIZE", "8");
      // A test class signs up many tenants from 127.0.0.1; the limits per email stay as in
      // production.
      env.put("PAYBRIDGE_THROTTLE_LOGIN_ADDRESS", "10000/900");
      env.put("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "10000/3600");
      env.put("PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "10000/60");
      // As in production: the owner migrates, the node's queries run as a role that can only
      // read and write; the test's own checks connect as the owner.
      env.put("PAYBRIDGE_DB_MIGRATION_USER", roles.owner().getUser());
      env.put("PAYBRIDGE_DB_MIGRATION_PASSWORD", roles.owner().getPassword());
      env.putAll(extraEnv);
      PgConnectOptions db = roles.owner();
      Node node = await(Node.start(PaybridgeConfig.from(env), cluster, roles.runtime()));
      Vertx client = Vertx.vertx();
      WebClient http =
          WebClient.create(
              client,
              new WebClientOptions()
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(node.port())
                  .setKeepAlive(true),
              new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
      Pool sql = PgBuilder.pool().connectingTo(db).using(client).build();
      return new TestNode(node, client, http, sql, db);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + node.port();
  }

  long count(String sqlText) {
    return await(sql.query(sqlText).execute()).iterator().next().getLong(0);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code condition} holds, checking every 200 ms; fails after {@code within} with
   * what {@code state} says then.
   */
  static void eventually(
      Duration within,
      java.util.function.BooleanSupplier condition,
      java.util.function.Supplier<String> state) {
    java.time.Instant deadline = java.time.Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (java.time.Instant.now().isAfter(deadline)) {
        throw new AssertionError("waited " + within + ": " + state.get());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static JsonObject json(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject();
  }

  @Override
  public void close() {
    await(node.close());
    await(sql.close());
    await(client.close());
  }
}
