package io.paybridge.deploy;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.EmbeddedPostgres;
import io.vertx.pgclient.PgConnectOptions;
import java.util.logging.Logger;

/** The master keys and the database a node runs on, with the embedded server if it started one. */
record Storage(MasterKeys keys, PgConnectOptions db, EmbeddedPostgres embedded) {

  /**
   * Finds the database: the given one, else {@code PAYBRIDGE_DB_URL}, else an embedded PostgreSQL
   * under the data folder, started here. Blocking.
   */
  static Storage open(PaybridgeConfig config, MasterKeys keys, PgConnectOptions given) {
    if (given != null) {
      return new Storage(keys, given, null);
    }
    if (config.dbUrl() != null) {
      return new Storage(keys, Database.fromUrl(config.dbUrl()), null);
    }
    Logger.getLogger(Storage.class.getName())
        .info(
            () ->
                "PAYBRIDGE_DB_URL is not set: starting an embedded PostgreSQL under "
                    + config.dataDir());
    EmbeddedPostgres embedded =
        EmbeddedPostgres.start(
            EmbeddedPostgres.Options.persistent(config.dataDir().resolve("postgres"))
                .setDatabase("paybridge"));
    return new Storage(keys, embedded.connectOptions(), embedded);
  }

  /** Stops the embedded server, if there is one. */
  void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
