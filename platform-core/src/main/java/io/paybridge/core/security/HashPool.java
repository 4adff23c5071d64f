package io.paybridge.core.security;

import io.paybridge.core.config.PaybridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a node runs its slow hashes ({@link SecretHasher}): a worker pool of its own, {@value
 * #NAME}, with a few threads, so sign-ins, sign-ups and token requests queue behind each other and
 * never take the threads that the rest of the node's blocking work (DNS lookups, migrations) needs.
 * One per node, shared by the use cases that hash.
 */
public final class HashPool {

  /** The worker pool's name, as metrics and thread names show it. */
  public static final String NAME = "paybridge-hash";

  private final SecretHasher hasher;
  private final WorkerExecutor executor;
  private final LongAdder computed = new LongAdder();
  private volatile String decoy;

  /**
   * @param threads how many hashes run at once on this node
   */
  public HashPool(Vertx vertx, SecretHasher hasher, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("the hash pool needs at least 1 thread, got " + threads);
    }
    this.hasher = hasher;
    this.executor = vertx.createSharedWorkerExecutor(NAME, threads);
  }

  /** The node's pool: its work factor and its number of threads from the configuration. */
  public static HashPool forNode(Vertx vertx, PaybridgeConfig config) {
    return new HashPool(
        vertx, new SecretHasher(config.passwordHashIterations()), config.hashThreads());
  }

  /** A new hash of the secret. */
  public Future<String> hash(String secret) {
    return executor.executeBlocking(
        () -> {
          computed.increment();
          return hasher.hash(secret);
        },
        false);
  }

  /**
   * Whether the secret matches the stored hash. With no stored hash ({@code null}: no such account)
   * the secret is checked against a hash that matches nothing, so the answer takes as long.
   */
  public Future<Boolean> matches(String secret, String storedOrNull) {
    return executor.executeBlocking(
        () -> {
          computed.increment();
          boolean ok = hasher.matches(secret, storedOrNull == null ? decoy() : storedOrNull);
          return ok && storedOrNull != null;
        },
        false);
  }

  /** Secrets hashed or checked by this pool since it started, for tests and metrics. */
  public long computed() {
    return computed.sum();
  }

  /** Closes the pool; hashes already queued still run. */
  public Future<Void> close() {
    return executor.close();
  }

  private String decoy() {
    String d = decoy;
    if (d == null) {
      d = hasher.decoy();
      decoy = d;
    }
    return d;
  }
}
