package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's two modes as the launcher starts them: production refuses a development default before
 * anything starts, and generates no key; a production node with its settings in place runs; dev
 * mode with nothing configured listens on loopback only and says once what it relaxed.
 */
@Tag("security")
class ModesIT {

  @TempDir Path data;

  private Map<String, String> env(String... settings) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_HTTP_PORT", "0");
    env.put("PAYBRIDGE_DATA_DIR", data.toString());
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
    env.put("PAYBRIDGE_DB_POOL_SIZE", "4");
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return env;
  }

  @Test
  void productionWithoutAMasterKeyRefusesToStartAndWritesNoKey() throws IOException {
    // GIVEN production settings with everything but a master key
    PgConnectOptions db = PgFixture.newDatabase("modes_refused");
    PaybridgeConfig config =
        PaybridgeConfig.from(
            env(
                "PAYBRIDGE_MODE", "production",
                "PAYBRIDGE_DB_URL", url(db),
                "PAYBRIDGE_PUBLIC_URL", "https://pay.example.com"));

    // WHEN the node starts
    // THEN it refuses, naming the setting
    assertThatThrownBy(() -> Node.start(config, db).toCompletionStage().toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_MASTER_KEY or PAYBRIDGE_MASTER_KEY_FILE");
    // AND no key was written anywhere in the data folder
    try (Stream<Path> written = Files.walk(data)) {
      assertThat(written.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void productionWithItsSettingsInPlaceRunsWithSecureCookies() {
    // GIVEN production settings: an external database reached as a role that can only read and
    // write (its owner migrates), a master key, an https public URL
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("modes_production");
    PgConnectOptions db = roles.runtime();
    PaybridgeConfig config =
        PaybridgeConfig.from(
            env(
                "PAYBRIDGE_MODE",
                "production",
                "PAYBRIDGE_HTTP_HOST",
                "127.0.0.1",
                "PAYBRIDGE_DB_URL",
                url(db),
                "PAYBRIDGE_DB_MIGRATION_USER",
                roles.owner().getUser(),
                "PAYBRIDGE_DB_MIGRATION_PASSWORD",
                roles.owner().getPassword(),
                "PAYBRIDGE_MASTER_KEY",
                MasterKeys.generateSpec("p1"),
                "PAYBRIDGE_PUBLIC_URL",
                "https://pay.example.com",
                "PAYBRIDGE_METRICS_PORT",
                "0"));
    // WHEN the node starts
    Node node = await(Node.start(config, db));
    Vertx client = Vertx.vertx();
    try {
      WebClient http = WebClient.create(client);
      // THEN it serves, and its console's cookies are Secure though it is reached over http here
      HttpResponse<Buffer> login =
          await(http.get(node.port(), "127.0.0.1", "/console/login").send());
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.cookies())
          .filteredOn(c -> c.startsWith("pb_console"))
          .isNotEmpty()
          .allSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure"));
      assertThat(login.getHeader("Strict-Transport-Security")).startsWith("max-age=");
      // AND /metrics is on the management port, absent from the public one
      assertThat(await(http.get(node.port(), "127.0.0.1", "/metrics").send()).statusCode())
          .isEqualTo(404);
      assertThat(await(http.get(node.metricsPort(), "127.0.0.1", "/metrics").send()).statusCode())
          .isEqualTo(200);
    } finally {
      await(client.close());
      await(node.close());
    }
  }

  @Test
  void productionRefusesADatabaseRoleThatCouldChangeTheSchemaUnlessTheOperatorAllowsIt() {
    // GIVEN production settings whose database role is the one that owns everything
    PgFixture.Roles roles = PgFixture.newDatabaseWithRoles("modes_owner");
    String[] production = {
      "PAYBRIDGE_MODE", "production",
      "PAYBRIDGE_HTTP_HOST", "127.0.0.1",
      "PAYBRIDGE_DB_URL", url(roles.owner()),
      "PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("p1"),
      "PAYBRIDGE_PUBLIC_URL", "https://pay.example.com",
      "PAYBRIDGE_METRICS_PORT", "0"
    };
    // WHEN the node starts
    // THEN it refuses, saying what the role can do and which settings change that
    assertThatThrownBy(
            () ->
                Node.start(PaybridgeConfig.from(env(production)), roles.owner())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owns, or may act as the owner of, database")
        .hasMessageContaining("PAYBRIDGE_DB_MIGRATION_USER")
        .hasMessageContaining("PAYBRIDGE_DB_ALLOW_DDL=true");
    // WHEN the operator accepts it
    Map<String, String> allowed = env(production);
    allowed.put("PAYBRIDGE_DB_ALLOW_DDL", "true");
    // THEN it runs
    Node node = await(Node.start(PaybridgeConfig.from(allowed), roles.owner()));
    await(node.close());
  }

  @Test
  void devModeListensOnLoopbackOnlyAndSaysOnceWhatItRelaxed() throws IOException {
    // GIVEN nothing configured but a folder and a free port
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Capture(logged);
    Logger nodeLog = Logger.getLogger(Node.class.getName());
    nodeLog.addHandler(capture);
    Node node;
    try {
      // WHEN the node starts
      node = await(Node.start(PaybridgeConfig.from(env()), PgFixture.newDatabase("modes_dev")));
    } finally {
      nodeLog.removeHandler(capture);
    }
    try {
      // THEN one line says what dev mode relaxed
      assertThat(logged)
          .filteredOn(r -> r.getMessage() != null && r.getMessage().startsWith("dev mode"))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.getMessage())
                      .contains("master key generated beside the data")
                      .contains("HTTP on 127.0.0.1 only"));
      // AND it answers on loopback
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2000);
      }
      // AND not on the host's other addresses
      InetAddress other = nonLoopbackAddress();
      Assumptions.assumeTrue(other != null, "this host has no address but loopback");
      assertThatThrownBy(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress(other, node.port()), 2000);
                }
              })
          .isInstanceOf(ConnectException.class);
    } finally {
      await(node.close());
    }
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(ni.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    return null;
  }

  private static String url(PgConnectOptions db) {
    return "postgresql://"
        + URLEncoder.encode(db.getUser(), StandardCharsets.UTF_8)
        + ":"
        + URLEncoder.encode(db.getPassword(), StandardCharsets.UTF_8)
        + "@"
        + db.getHost()
        + ":"
        + db.getPort()
        + "/"
        + db.getDatabase();
  }

  /** Keeps what a logger publishes. */
  private static final class Capture extends Handler {
    private final List<LogRecord> records;

    Capture(List<LogRecord> records) {
      this.records = records;
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
