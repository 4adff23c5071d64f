package io.paybridge.deploy;

import io.paybridge.core.config.Mode;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.db.DatabaseRoles;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.EmbeddedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.logging.Logger;

/**
 * The master keys and the database a node runs on, with the embedded server if it started one.
 *
 * @param db how the node's pool connects: the runtime role
 * @param owner how migrations connect: the schema's owner (the same as {@code db} with one role)
 */
record Storage(
    MasterKeys keys, PgConnectOptions db, PgConnectOptions owner, EmbeddedPostgres embedded) {

  /** The runtime role the embedded database creates for dev mode, beside its superuser. */
  static final String EMBEDDED_RUNTIME_ROLE = "paybridge_app";

  /**
   * Finds the database: the given one, else {@code PAYBRIDGE_DB_URL}, else an embedded PostgreSQL
   * under the data folder, started here. Blocking.
   */
  static Storage open(PaybridgeConfig config, MasterKeys keys, PgConnectOptions given) {
    if (given != null) {
      return new Storage(keys, given, config.dbRoles().owner(given), null);
    }
    if (config.dbUrl() != null) {
      PgConnectOptions db = Database.fromUrl(config.dbUrl());
      return new Storage(keys, db, config.dbRoles().owner(db), null);
    }
    Logger.getLogger(Storage.class.getName())
        .info(
            () ->
                "PAYBRIDGE_DB_URL is not set: starting an embedded PostgreSQL under "
                    + config.dataDir());
    EmbeddedPostgres embedded =
        EmbeddedPostgres.start(
            EmbeddedPostgres.Options.persistent(config.dataDir().resolve("postgres"))
                .setDatabase("paybridge")
                .setRuntimeUser(EMBEDDED_RUNTIME_ROLE));
    return new Storage(keys, embedded.runtimeConnectOptions(), embedded.connectOptions(), embedded);
  }

  /**
   * Readies the database: checks the runtime role (production refuses one that could change the
   * schema, unless {@code PAYBRIDGE_DB_ALLOW_DDL}), migrates as the owner, grants the runtime role.
   */
  Future<Void> prepare(Vertx vertx, PaybridgeConfig config) {
    boolean refuse = config.mode() == Mode.PRODUCTION && !config.dbRoles().allowDdl();
    return DatabaseRoles.prepare(vertx, owner, db, refuse);
  }

  /** Stops the embedded server, if there is one. */
  void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
