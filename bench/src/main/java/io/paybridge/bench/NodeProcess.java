package io.paybridge.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node under test, in a JVM of its own so that its heap can be capped and measured apart from
 * the load generator: {@code java -Xmx<heap> -cp <this classpath> io.paybridge.bench.NodeMain},
 * which is the production launcher with a watchdog that ends the node when the benchmark goes away.
 * Configuration is the production one: {@code PAYBRIDGE_*} environment variables.
 *
 * <p>The node's control plane ({@code /health/ready}, {@code /metrics}) is read with the JDK's HTTP
 * client from a thread of its own, away from the load generator's event loop. While a sampler runs,
 * the node's heap in use is read every second and its peak kept.
 */
final class NodeProcess implements AutoCloseable {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

  private final Process process;
  private final OutputStream lifeline;
  private final int port;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ScheduledExecutorService sampler;
  private volatile double peakHeap;
  private volatile double runPeakHeap;
  private volatile double lastHeap;

  private NodeProcess(Process process, int port, Path log) {
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.port = port;
    this.log = log;
  }

  /**
   * Launches the node on a free loopback port with {@code env} (on top of the inherited
   * environment, from which every other {@code PAYBRIDGE_*} variable is removed).
   */
  static NodeProcess launch(Path runFolder, String heap, Map<String, String> env)
      throws IOException {
    return launch(runFolder, "node", heap, env);
  }

  /** As {@link #launch(Path, String, Map)}, logging to {@code <name>.log} in the run folder. */
  static NodeProcess launch(Path runFolder, String name, String heap, Map<String, String> env)
      throws IOException {
    return launch(runFolder, name, heap, List.of(), env);
  }

  /** As {@link #launch(Path, String, String, Map)}, with more options for the node's JVM. */
  static NodeProcess launch(
      Path runFolder, String name, String heap, List<String> jvmOptions, Map<String, String> env)
      throws IOException {
    int port = freePort();
    Path log = runFolder.resolve(name + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeMain.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(runFolder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("PAYBRIDGE_"));
    environment.putAll(env);
    environment.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
    environment.put("PAYBRIDGE_HTTP_PORT", Integer.toString(port));
    return new NodeProcess(builder.start(), port, log);
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code /health/ready} answers 200 (the database is reachable, migrations done). */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "the node exited with code "
                + process.exitValue()
                + " during start-up; see "
                + log
                + "\n"
                + tail(log, 30));
      }
      try {
        HttpResponse<Void> r =
            http.send(request("/health/ready"), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the node was not ready within " + timeout.toSeconds() + " s; see " + log);
      }
      // Pause before the next try, but wake at once if the node exits meanwhile.
      process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Reads {@code /metrics} now. */
  NodeMetrics scrape() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(request("/metrics"), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException("/metrics answered " + r.statusCode());
    }
    NodeMetrics m = NodeMetrics.parse(r.body());
    noteHeap(m.heapUsedBytes());
    return m;
  }

  /**
   * Starts reading the heap every second; {@link #peakHeapBytes()} tells the largest value seen.
   */
  void startSampling() {
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-node-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(
        () -> {
          try {
            scrape();
          } catch (IOException e) {
            // A missed sample; the next one follows in a second.
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
  }

  private void noteHeap(double bytes) {
    lastHeap = bytes;
    if (bytes > peakHeap) {
      peakHeap = bytes;
    }
    if (bytes > runPeakHeap) {
      runPeakHeap = bytes;
    }
  }

  /** The largest heap in use seen since the last {@link #resetPeak()}. */
  double peakHeapBytes() {
    return peakHeap;
  }

  /** The largest heap in use seen since the node started. */
  double runPeakHeapBytes() {
    return runPeakHeap;
  }

  /** Starts a new peak from the latest reading. */
  void resetPeak() {
    peakHeap = lastHeap;
  }

  double lastHeapBytes() {
    return lastHeap;
  }

  /**
   * Heap still in use after a full collection (the live set), from {@code jcmd GC.run} and a fresh
   * scrape; NaN if {@code jcmd} is not available.
   */
  double heapAfterFullGc() {
    try {
      Process jcmd =
          new ProcessBuilder("jcmd", Long.toString(pid()), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
        jcmd.destroyForcibly();
        return Double.NaN;
      }
      HttpResponse<String> r =
          http.send(
              request("/metrics"), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return NodeMetrics.parse(r.body()).heapUsedBytes();
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
  }

  /**
   * Lets the node go: closes its lifeline (the node drains requests and closes its pool), and kills
   * it if it has not exited in time.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    if (sampler != null) {
      sampler.shutdownNow();
    }
    try {
      lifeline.close();
    } catch (IOException alreadyGone) {
      // The node has exited already.
    }
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      System.err.println(
          "bench: the node did not stop within " + STOP_TIMEOUT.toSeconds() + " s; killing it");
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A port nothing listens on now (for the node's HTTP server, or its cluster port). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
