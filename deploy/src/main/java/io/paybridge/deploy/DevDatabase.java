package io.paybridge.deploy;

import io.paybridge.devdb.EmbeddedPostgres;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded PostgreSQL alone, so several nodes can share it (the local cluster script).
 * Prints the nodes' database settings once the server is ready, {@code PAYBRIDGE_DB_URL=…} as the
 * runtime role and {@code PAYBRIDGE_DB_MIGRATION_USER=…} and {@code _PASSWORD=…} as the owner, and
 * keeps it running until the process is stopped.
 */
public final class DevDatabase {

  private DevDatabase() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir =
        Path.of(System.getenv().getOrDefault("PAYBRIDGE_DATA_DIR", "data")).toAbsolutePath();
    EmbeddedPostgres pg =
        EmbeddedPostgres.start(
            EmbeddedPostgres.Options.persistent(dataDir.resolve("postgres"))
                .setDatabase("paybridge")
                .setRuntimeUser(Storage.EMBEDDED_RUNTIME_ROLE));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pg.close();
                  stopped.countDown();
                },
                "paybridge-dev-database"));
    PgConnectOptions owner = pg.connectOptions();
    System.out.println("PAYBRIDGE_DB_MIGRATION_USER=" + owner.getUser());
    System.out.println("PAYBRIDGE_DB_MIGRATION_PASSWORD=" + owner.getPassword());
    PgConnectOptions o = pg.runtimeConnectOptions();
    System.out.println(
        "PAYBRIDGE_DB_URL=postgresql://"
            + URLEncoder.encode(o.getUser(), StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(o.getPassword(), StandardCharsets.UTF_8)
            + "@"
            + o.getHost()
            + ":"
            + o.getPort()
            + "/"
            + o.getDatabase());
    System.out.flush();
    stopped.await();
  }
}
