package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.SyncTargets.Target;
import io.paybridge.bench.TenantSetup.Tenant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The faults of the chaos suite, each inflicted while the load runs and undone before it returns:
 * nodes killed with SIGKILL and restarted, PostgreSQL restarted, a node frozen with SIGSTOP past
 * its job leases, and the tenants' endpoint down, rate-limiting (429 with {@code Retry-After}) or
 * gone (410).
 */
final class ChaosFaults {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  private final ChaosSettings settings;
  private final BenchRun run;
  private final NodeCluster cluster;
  private final SyncSink sink;
  private final ChaosLoad load;
  private final SyncTargets api;
  private final ChaosLedger ledger;
  private final List<Tenant> tenants;
  private final List<Target> targets;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosFaults(
      ChaosSettings settings,
      BenchRun run,
      NodeCluster cluster,
      SyncSink sink,
      ChaosLoad load,
      SyncTargets api,
      ChaosLedger ledger,
      List<Tenant> tenants,
      List<Target> targets) {
    this.settings = settings;
    this.run = run;
    this.cluster = cluster;
    this.sink = sink;
    this.load = load;
    this.api = api;
    this.ledger = ledger;
    this.tenants = tenants;
    this.targets = targets;
  }

  ChaosSuite.Fault named(String name) {
    return switch (name) {
      case "kill" -> this::killNodes;
      case "postgres" -> this::restartPostgres;
      case "stop" -> this::freezeNode;
      case "sink-down" -> () -> sinkAnswers(0, 0, settings.sinkDownSeconds(), "down");
      case "429" ->
          () ->
              sinkAnswers(
                  429,
                  settings.retryAfterSeconds(),
                  settings.faultSeconds(),
                  "429 Retry-After " + settings.retryAfterSeconds());
      case "410" -> this::sinkGone;
      default -> throw new IllegalArgumentException("unknown fault " + name);
    };
  }

  /** SIGKILL a random node, restart it, wait until it is back in the cluster; repeat. */
  private String killNodes() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.killSeconds());
    List<Double> restarts = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    while (System.nanoTime() < until) {
      int i = ThreadLocalRandom.current().nextInt(cluster.size());
      ProcessHandle victim = ProcessHandle.of(cluster.node(i).pid()).orElseThrow();
      victim.destroyForcibly();
      victim.onExit().get(30, TimeUnit.SECONDS);
      long killedAt = System.nanoTime();
      killed.add(cluster.name(i));
      System.out.printf(Locale.ROOT, "   kill -9 %s (pid %d)%n", cluster.name(i), victim.pid());
      List<Integer> others = new ArrayList<>(ChaosSuite.ports(cluster));
      others.remove(i);
      load.ports(others);
      cluster.restart(i);
      cluster.awaitReady(START_TIMEOUT);
      load.ports(ChaosSuite.ports(cluster));
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      restarts.add(seconds);
      System.out.printf(
          Locale.ROOT, "   %s back in the cluster after %.1f s%n", cluster.name(i), seconds);
      long pause =
          Math.min(
              until - System.nanoTime(), TimeUnit.SECONDS.toNanos(settings.killEverySeconds()));
      if (pause > 0) {
        TimeUnit.NANOSECONDS.sleep(pause);
      }
    }
    return String.format(
        Locale.ROOT,
        "%d kills (%s), each node back in the cluster after %s s",
        killed.size(),
        String.join(", ", killed),
        restarts.stream().map(s -> String.format(Locale.ROOT, "%.0f", s)).toList());
  }

  /** Stops PostgreSQL for a while and starts it again; the nodes must come back on their own. */
  private String restartPostgres() throws Exception {
    System.out.println("   stopping PostgreSQL");
    run.pg().stopServer();
    long stopped = System.nanoTime();
    TimeUnit.SECONDS.sleep(settings.pgDownSeconds());
    List<Integer> during = readiness();
    run.pg().startServer();
    long started = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "   PostgreSQL started again after %.1f s; the nodes' /health/ready said %s while down%n",
        (started - stopped) / 1e9,
        during);
    while (!readiness().stream().allMatch(s -> s == 200)) {
      if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(3)) {
        return "PostgreSQL down " + settings.pgDownSeconds() + " s; nodes NOT ready 3 min after";
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return String.format(
        Locale.ROOT,
        "PostgreSQL down %d s; /health/ready while down %s; all nodes ready %.1f s after it was"
            + " back",
        settings.pgDownSeconds(),
        during,
        (System.nanoTime() - started) / 1e9);
  }

  /** SIGSTOP a node for its job lease and 5 s more, then SIGCONT: its late writes are fenced. */
  private String freezeNode() throws Exception {
    int i = ThreadLocalRandom.current().nextInt(cluster.size());
    long pid = cluster.node(i).pid();
    long before = lateAttempts(i);
    long frozenMs = settings.lease().toMillis() + 5_000;
    signal("STOP", pid);
    System.out.printf(Locale.ROOT, "   kill -STOP %s for %d ms%n", cluster.name(i), frozenMs);
    TimeUnit.MILLISECONDS.sleep(frozenMs);
    signal("CONT", pid);
    TimeUnit.SECONDS.sleep(Math.max(5, settings.lease().toSeconds()));
    return String.format(
        Locale.ROOT,
        "%s frozen %.1f s (lease %d s); its late job attempts (fenced, changed nothing): %d",
        cluster.name(i),
        frozenMs / 1e3,
        settings.lease().toSeconds(),
        lateAttempts(i) - before);
  }

  /** The sink answers {@code status} (0: closes the connection) for a while, then 200 again. */
  private String sinkAnswers(int status, int retryAfter, int seconds, String what)
      throws Exception {
    await(sink.answerWith(status, retryAfter));
    TimeUnit.SECONDS.sleep(seconds);
    await(sink.answerWith(200, 0));
    return "sink " + what + " for " + seconds + " s";
  }

  /**
   * The sink answers 410 Gone: the platform disables the targets and parks their deliveries (as
   * SyncDelivery documents); the tenants enable them again through the API once the sink is back.
   */
  private String sinkGone() throws Exception {
    await(sink.answerWith(410, 0));
    TimeUnit.SECONDS.sleep(settings.faultSeconds());
    List<UUID> ids = tenants.stream().map(Tenant::id).toList();
    long disabled = await(ledger.disabledTargets(ids));
    await(sink.answerWith(200, 0));
    for (int i = 0; i < tenants.size(); i++) {
      await(
          api.enable(cluster.node(i % cluster.size()).port(), tenants.get(i), targets.get(i).id()));
    }
    long still = await(ledger.disabledTargets(ids));
    return String.format(
        Locale.ROOT,
        "sink 410 for %d s: %d of %d targets disabled by the platform, deliveries parked; enabled"
            + " again through the API (%d still disabled)",
        settings.faultSeconds(),
        disabled,
        targets.size(),
        still);
  }

  /** Each node's {@code /health/ready} status now; 0 for no answer. */
  private List<Integer> readiness() {
    List<Integer> statuses = new ArrayList<>();
    for (int port : ChaosSuite.ports(cluster)) {
      statuses.add(get(port, "/health/ready").statusCode());
    }
    return statuses;
  }

  /** Node {@code i}'s count of job attempts whose writes came too late. */
  private long lateAttempts(int i) {
    Resp r = get(cluster.node(i).port(), "/metrics");
    long total = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("paybridge_jobs_late_attempts_total")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private record Resp(int statusCode, String body) {}

  private Resp get(int port, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Resp(0, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Resp(0, "");
    }
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }
}
