package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node as an operator runs it, {@code java -jar paybridge.jar} in dev mode with nothing set: a
 * healthy start says what dev mode relaxes and that it listens, and warns of nothing else; a stop
 * (SIGTERM) drains and says so in one line. Started twice on the same data, so the second start
 * finds its database, schema and keys in place.
 */
class StartAndStopIT {

  @Test
  void aHealthyStartWarnsOfNothingAndAStopSaysItDrained() throws Exception {
    File jar = new File("target/paybridge.jar");
    assertThat(jar).as("the node jar is built in the package phase").exists();
    // as a data folder a person makes: the server account (nobody, under root) may pass through it
    Path data =
        Files.createTempDirectory(
            "paybridge-start-stop",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
    Path logs = Files.createDirectories(Path.of("target", "start-stop-logs"));
    for (int run = 1; run <= 2; run++) {
      Path log = logs.resolve("run-" + run + ".log");
      Process node = start(jar, data, log);
      try {
        waitFor(log, "Paybridge is listening on", node);
      } finally {
        node.destroy();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
      }
      List<String> lines = Files.readAllLines(log);
      assertThat(lines)
          .as("run %d: only dev mode's own warning", run)
          .filteredOn(l -> l.contains(" WARNING ") || l.contains(" SEVERE "))
          .singleElement()
          .asString()
          .contains("dev mode:");
      assertThat(lines)
          .as("run %d: one line once drained", run)
          .filteredOn(l -> l.contains("Paybridge node stopped in"))
          .singleElement()
          .asString()
          .contains(" INFO ")
          .contains("HTTP requests drained");
      assertThat(lines).noneMatch(l -> l.contains("already exists"));
    }
  }

  private static Process start(File jar, Path data, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                jar.getAbsolutePath())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PAYBRIDGE_"));
    pb.environment().put("PAYBRIDGE_DATA_DIR", data.toString());
    pb.environment().put("PAYBRIDGE_HTTP_PORT", String.valueOf(freePort()));
    pb.environment().put("PAYBRIDGE_HTTP_INSTANCES", "1");
    return pb.start();
  }

  private static void waitFor(Path log, String text, Process node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      assertThat(node.isAlive()).as("the node runs: %s", Files.readString(log)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("never logged '" + text + "': " + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
