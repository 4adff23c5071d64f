package io.paybridge.bench;

import io.paybridge.core.vault.MasterKeys;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What both benchmarks set up first: a run id that tells the run's tenants, ids and folder from
 * others', the run folder, the durable PostgreSQL in it, the benchmark's own Vert.x and its look at
 * the database, each stopped by the run's teardown.
 *
 * @param id six random letters and digits
 * @param masterKey the vault key every node of the run is given
 */
record BenchRun(
    BenchSettings settings,
    Teardown teardown,
    String id,
    Path folder,
    DurablePostgres pg,
    Vertx vertx,
    BenchDatabase db,
    String masterKey) {

  /**
   * Opens a run: its folder under {@code bench.workDir} named after {@code kind} (empty for the
   * ingest benchmark), announced with what the nodes leave in it ({@code leftThere}), then
   * PostgreSQL, Vert.x and the database; blocking.
   */
  static BenchRun open(BenchSettings settings, Teardown teardown, String kind, String leftThere)
      throws Exception {
    String id = randomId();
    Path folder = DurablePostgres.newRunFolder(settings.workDir(), "-" + kind + id);
    System.out.println(
        "run folder: " + folder + " (" + leftThere + "; the cluster is deleted at the end)");
    DurablePostgres pg = DurablePostgres.start(folder, settings);
    teardown.add("stop PostgreSQL and delete its cluster", pg::close);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).build();
    teardown.add("close the benchmark's Vert.x", () -> vertx.close().await(30, TimeUnit.SECONDS));
    BenchDatabase db = BenchDatabase.openDurable(vertx, pg, settings);
    return new BenchRun(
        settings, teardown, id, folder, pg, vertx, db, MasterKeys.generateSpec("bench"));
  }

  /**
   * The environment of a node of this run: dev mode (loopback and plain http), the database, the
   * master key, a low password-hashing work factor (only sign-up and token requests hash; it keeps
   * the set-up of many tenants short), sign-up and token limits per address that let the set-up
   * sign all its tenants up from one address, then {@code extra}, then {@code bench.nodeEnv}, which
   * overrides anything before it.
   */
  Map<String, String> nodeEnv(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_MODE", "dev");
    env.put("PAYBRIDGE_DB_URL", pg.url());
    env.put("PAYBRIDGE_MASTER_KEY", masterKey);
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "1000");
    env.put("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "100000/3600");
    env.put("PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "100000/60");
    env.putAll(extra);
    env.putAll(settings.nodeEnv());
    return env;
  }

  private static String randomId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
