package io.paybridge.deploy;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.logging.SafeLogFormatter;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Starts a Paybridge node from environment variables. With none set it runs in dev mode: one node,
 * an embedded PostgreSQL under {@code ./data}, HTTP on 127.0.0.1:8080. A setting production mode
 * refuses stops it with exit code 2 and the reason, naming the setting.
 */
public final class Main {

  static {
    // Before the first logger: the node's own log manager keeps logging while it shuts down.
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", NodeLogManager.class.getName());
    }
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) {
    // One record, one line: input from outside cannot forge log records.
    SafeLogFormatter.install();
    PaybridgeConfig config;
    ClusterSettings cluster;
    try {
      config = PaybridgeConfig.fromEnvironment();
      cluster = ClusterSettings.from(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("paybridge: " + e.getMessage());
      System.exit(2);
      return;
    }
    Node node;
    try {
      node =
          Node.start(config, cluster, null)
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException refused) {
        System.err.println("paybridge: " + refused.getMessage());
        System.exit(2);
        return;
      }
      LOG.log(Level.SEVERE, "Paybridge failed to start", e.getCause());
      System.exit(1);
      return;
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "Paybridge failed to start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LogManager logs = LogManager.getLogManager();
                  if (logs instanceof NodeLogManager own) {
                    own.stopping();
                  }
                  long started = System.nanoTime();
                  try {
                    node.close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                    LOG.info(
                        "Paybridge node stopped in "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                            + " ms: HTTP requests drained, workers, cluster and database closed");
                  } catch (Exception e) {
                    LOG.log(Level.WARNING, "shutdown did not finish cleanly", e);
                  }
                  if (logs instanceof NodeLogManager own) {
                    own.resetAtLast();
                  }
                },
                "paybridge-shutdown"));
  }
}
