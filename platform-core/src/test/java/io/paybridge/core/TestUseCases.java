package io.paybridge.core;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.SigningKeys;
import io.paybridge.core.security.TokenKeys;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.spi.PluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The use cases of a node over a test database, for tests of what calls them (the API, the
 * console): migrations applied, plugins started, the hook cache listening, built as the node's
 * composition root builds them.
 */
public final class TestUseCases {

  private final Pool pool;
  private final Stores stores;
  private final HookCache hooks;
  private final HashPool hashes;
  private final UseCases useCases;
  private final SigningKeys signingKeys;

  private TestUseCases(
      Pool pool,
      Stores stores,
      HookCache hooks,
      HashPool hashes,
      UseCases useCases,
      SigningKeys signingKeys) {
    this.pool = pool;
    this.stores = stores;
    this.hooks = hooks;
    this.hashes = hashes;
    this.useCases = useCases;
    this.signingKeys = signingKeys;
  }

  /** Migrates {@code db}, starts the plugins and builds the use cases over it. */
  public static Future<TestUseCases> start(
      Vertx vertx,
      PaybridgeConfig config,
      PgConnectOptions db,
      MasterKeys keys,
      PluginRegistry plugins) {
    return start(vertx, config, db, keys, plugins, Clock.systemUTC());
  }

  /**
   * As {@link #start(Vertx, PaybridgeConfig, PgConnectOptions, MasterKeys, PluginRegistry)}, with
   * the token keys rotating by a clock of the test's.
   */
  public static Future<TestUseCases> start(
      Vertx vertx,
      PaybridgeConfig config,
      PgConnectOptions db,
      MasterKeys keys,
      PluginRegistry plugins,
      Clock keyClock) {
    Clock clock = Clock.systemUTC();
    Pool pool = Database.pool(vertx, db, 4);
    Stores stores = Stores.on(pool, new CredentialVault(keys), plugins);
    HookCache hooks = new HookCache(vertx, stores.accounts());
    HashPool hashes = HashPool.forNode(vertx, config);
    return Migrations.migrate(vertx, db)
        .compose(v -> plugins.init(new PluginContext(vertx, clock, config.gatewaySettings())))
        .compose(v -> hooks.start())
        .compose(
            v ->
                SigningKeys.start(
                    vertx, stores.tokenKeys(), TokenKeys.Settings.of(config), keyClock))
        .map(
            signingKeys ->
                new TestUseCases(
                    pool,
                    stores,
                    hooks,
                    hashes,
                    UseCases.over(vertx, stores, hooks, plugins, hashes, config, clock),
                    signingKeys));
  }

  public UseCases useCases() {
    return useCases;
  }

  /** The stores under the use cases, for a test node's workers and routes. */
  public Stores stores() {
    return stores;
  }

  public Pool pool() {
    return pool;
  }

  public HookCache hooks() {
    return hooks;
  }

  /** The node's pool of slow hashes, which counts the hashes it ran. */
  public HashPool hashes() {
    return hashes;
  }

  /** The keys of API and CSRF tokens, as a node loads them. */
  public SigningKeys signingKeys() {
    return signingKeys;
  }

  public Future<Void> close() {
    signingKeys.stop();
    return hooks.stop().eventually(hashes::close).eventually(pool::close);
  }
}
