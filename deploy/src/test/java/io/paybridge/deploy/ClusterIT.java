package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three nodes in separate JVMs (the real {@code paybridge.jar}), clustered over Hazelcast on
 * loopback, sharing one PostgreSQL. Thousands of webhooks are posted across them and one node is
 * killed with SIGKILL in the middle: every acknowledged webhook must be recorded exactly once and
 * delivered to the tenant's server at least once, and every node must have done a share.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private static final int NODES = 3;
  private static final int WEBHOOKS = 3000;

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();
  private Vertx vertx;
  private WebClient http;
  private Pool sql;
  private Sink sink;

  @BeforeAll
  void startCluster() throws IOException {
    vertx = Vertx.vertx();
    http =
        WebClient.create(
            vertx,
            new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(10),
            new PoolOptions().setHttp1MaxSize(32));
    sink = new Sink(vertx).start();
    // The owner migrates, the nodes run as a role that can only read and write.
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("cluster");
    PgConnectOptions db = roles.runtime();
    sql = PgBuilder.pool().connectingTo(roles.owner()).using(vertx).build();
    String dbUrl =
        "postgresql://"
            + URLEncoder.encode(db.getUser(), StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(db.getPassword(), StandardCharsets.UTF_8)
            + "@"
            + db.getHost()
            + ":"
            + db.getPort()
            + "/"
            + db.getDatabase();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      clusterPorts.add(freePort());
      httpPorts.add(freePort());
    }
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    String masterKey = MasterKeys.generateSpec("cluster");
    String clusterName = "it-" + UUID.randomUUID();
    String clusterSecret = "secret-" + UUID.randomUUID() + UUID.randomUUID();
    Path logs = Files.createDirectories(Path.of("target", "cluster-logs"));
    File jar = new File("target/paybridge.jar");
    assertThat(jar).as("the node jar is built in the package phase").exists();
    for (int i = 0; i < NODES; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("PAYBRIDGE_HTTP_PORT", String.valueOf(httpPorts.get(i)));
      env.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
      env.put("PAYBRIDGE_HTTP_INSTANCES", "1");
      env.put("PAYBRIDGE_DB_URL", dbUrl);
      env.put("PAYBRIDGE_DB_MIGRATION_USER", roles.owner().getUser());
      env.put("PAYBRIDGE_DB_MIGRATION_PASSWORD", roles.owner().getPassword());
      // Loopback, plain http and a sink on loopback: development settings, said out loud.
      env.put("PAYBRIDGE_MODE", "dev");
      env.put("PAYBRIDGE_DB_POOL_SIZE", "6");
      env.put("PAYBRIDGE_MASTER_KEY", masterKey);
      env.put("PAYBRIDGE_DATA_DIR", Files.createTempDirectory("paybridge-node").toString());
      env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
      env.put("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "10000/3600");
      env.put("PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "10000/60");
      env.put("PAYBRIDGE_SYNC_TIMEOUT_MS", "2000");
      env.put("PAYBRIDGE_RETRY_BASE_MS", "200");
      env.put("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
      env.put("PAYBRIDGE_NODE_NAME", "node-" + i);
      env.put("PAYBRIDGE_CLUSTER_MEMBERS", members);
      env.put("PAYBRIDGE_CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
      env.put("PAYBRIDGE_CLUSTER_NAME", clusterName);
      // A closed cluster: the name Hazelcast checks and the event bus's TLS key come from it.
      env.put("PAYBRIDGE_CLUSTER_SECRET", clusterSecret);
      ProcessBuilder pb =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-jar",
                  jar.getAbsolutePath())
              .redirectErrorStream(true)
              .redirectOutput(logs.resolve("node-" + i + ".log").toFile());
      pb.environment().putAll(env);
      processes.add(pb.start());
    }
    for (int i = 0; i < NODES; i++) {
      waitHealthy(i);
    }
  }

  @AfterAll
  void stopCluster() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (sink != null) {
      sink.close();
    }
    if (sql != null) {
      await(sql.close());
    }
    await(vertx.close());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void waitHealthy(int node) {
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      assertThat(processes.get(node).isAlive())
          .as("node %d is running (see target/cluster-logs)", node)
          .isTrue();
      try {
        HttpResponse<Buffer> r =
            await(http.get(httpPorts.get(node), "127.0.0.1", "/health").send());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      assertThat(System.currentTimeMillis())
          .as("node %d healthy within 90 s", node)
          .isLessThan(deadline);
      await(vertx.timer(250));
    }
  }

  private long count(String query) {
    return await(sql.query(query).execute()).iterator().next().getLong(0);
  }

  @Test
  void webhooksSurviveANodeKilledMidStreamAndAreRecordedOnceAndDeliveredAtLeastOnce() {
    // GIVEN a tenant, signed up on node 0, with Stripe connected and a webhook target at the sink
    String email = "cluster-" + UUID.randomUUID() + "@example.com";
    JsonObject creds =
        await(
                http.post(httpPorts.get(0), "127.0.0.1", "/api/v1/signup")
                    .sendJsonObject(
                        new JsonObject()
                            .put("name", "Cluster")
                            .put("email", email)
                            .put("password", "cluster password")))
            .bodyAsJsonObject();
    String token =
        Tenant.token(
            WebClient.create(
                vertx,
                new WebClientOptions()
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(httpPorts.get(1))),
            creds.getString("clientId"),
            creds.getString("clientSecret"));
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account =
        await(
                http.put(httpPorts.get(2), "127.0.0.1", "/api/v1/gateway-accounts/stripe")
                    .bearerTokenAuthentication(token)
                    .sendJsonObject(new JsonObject().put("webhookSecret", secret)))
            .bodyAsJsonObject();
    String hookPath = Tenant.hookPath(account);
    JsonObject target =
        await(
                http.post(httpPorts.get(0), "127.0.0.1", "/api/v1/sync-targets")
                    .bearerTokenAuthentication(token)
                    .sendJsonObject(
                        new JsonObject().put("type", "webhook").put("url", sink.url("/cluster"))))
            .bodyAsJsonObject();
    sink.secret("/cluster", target.getString("secret"));

    // WHEN thousands of webhooks are posted across the nodes, and node 2 is killed a third of the
    // way in
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failovers = new AtomicInteger();
    List<Future<Void>> senders = new ArrayList<>();
    for (int s = 0; s < 48; s++) {
      senders.add(sendLoop(stripe, hookPath, next, sent, acknowledged, failovers));
    }
    long killAt = System.currentTimeMillis() + 600_000;
    while (sent.get() < WEBHOOKS / 3 && System.currentTimeMillis() < killAt) {
      await(vertx.timer(20));
    }
    processes.get(2).destroyForcibly(); // SIGKILL: no shutdown hook, leases left behind
    await(Future.join(senders));

    // THEN every webhook was acknowledged (the load balancer's retry went to a live node) ...
    assertThat(acknowledged).hasSize(WEBHOOKS);
    assertThat(failovers.get()).as("some requests hit the killed node").isPositive();
    // ... each is recorded exactly once ...
    // (a retry whose first attempt committed before its node died leaves a duplicate's receipt)
    assertThat(count("SELECT count(*) FROM webhook_receipts WHERE verdict = 'recorded'"))
        .isEqualTo(WEBHOOKS);
    assertThat(
            count(
                "SELECT count(*) FROM webhook_receipts WHERE verdict NOT IN ('recorded', 'duplicate')"))
        .isZero();
    assertThat(count("SELECT count(*) FROM ledger_entries")).isEqualTo(WEBHOOKS);
    // ... and every one reaches the tenant's server at least once, exactly once after dedupe
    long deadline = System.currentTimeMillis() + 120_000;
    while (distinctDelivered() < WEBHOOKS) {
      assertThat(System.currentTimeMillis())
          .as("all delivered within 2 minutes (%d so far)", distinctDelivered())
          .isLessThan(deadline);
      await(vertx.timer(200));
    }
    assertThat(sink.at("/cluster")).allMatch(sink::signatureValid);
    long deadline2 = System.currentTimeMillis() + 30_000;
    while (count("SELECT count(*) FROM ledger_entries WHERE synced_at IS NULL") > 0) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline2);
      await(vertx.timer(200));
    }
    // and every node did a share of the delivery work
    assertThat(count("SELECT count(DISTINCT node) FROM delivery_attempts")).isEqualTo(NODES);
  }

  private long distinctDelivered() {
    return sink.at("/cluster").stream().map(r -> r.headers().get("webhook-id")).distinct().count();
  }

  /**
   * One sender: takes the next webhook number, posts it to a node, fails over like a load balancer.
   */
  private Future<Void> sendLoop(
      StripeSimulator stripe,
      String hookPath,
      AtomicInteger next,
      AtomicInteger sent,
      Set<String> acknowledged,
      AtomicInteger failovers) {
    int i = next.getAndIncrement();
    if (i >= WEBHOOKS) {
      return Future.succeededFuture();
    }
    String eventId = "evt_cluster_" + i;
    String body =
        stripe.paymentIntentSucceeded(
            eventId, "pi_cluster_" + i, 100 + (i % 50), "usd", "c" + (i % 97));
    return post(stripe, hookPath, body, i % NODES, 0, failovers)
        .compose(
            r -> {
              sent.incrementAndGet();
              if (r.statusCode() == 200) {
                acknowledged.add(eventId);
              }
              return sendLoop(stripe, hookPath, next, sent, acknowledged, failovers);
            });
  }

  private Future<HttpResponse<Buffer>> post(
      StripeSimulator stripe,
      String hookPath,
      String body,
      int node,
      int tries,
      AtomicInteger failovers) {
    int port = httpPorts.get(node);
    return stripe
        .post(http, "http://127.0.0.1:" + port + hookPath, body)
        .compose(
            r ->
                r.statusCode() == 200 || tries > 20
                    ? Future.succeededFuture(r)
                    : vertx
                        .timer(100)
                        .compose(
                            x ->
                                post(
                                    stripe,
                                    hookPath,
                                    body,
                                    (node + 1) % NODES,
                                    tries + 1,
                                    failovers)))
        .recover(
            err -> {
              failovers.incrementAndGet();
              return tries > 20
                  ? Future.failedFuture(err)
                  : vertx
                      .timer(50)
                      .compose(
                          x ->
                              post(
                                  stripe,
                                  hookPath,
                                  body,
                                  (node + 1) % NODES,
                                  tries + 1,
                                  failovers));
            });
  }
}
