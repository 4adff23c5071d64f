package io.paybridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every knob of the benchmarks, read once from {@code bench.*} system properties (the Maven build
 * passes them on; a blank value means the default given here and in the README).
 *
 * @param suite which benchmark: {@code ingest} (the default) or {@code sync} ({@code bench.suite})
 * @param mode what the ingest benchmark runs: {@code rate}, {@code max}, {@code pgbench} or {@code
 *     full}
 * @param rate offered webhooks per second in {@code rate} mode ({@code bench.rate})
 * @param seconds length of the measured part of a {@code rate} run ({@code bench.seconds})
 * @param warmupSeconds load at the same rate before the figures start ({@code bench.warmup})
 * @param tenants tenants created through the API, each with its own Stripe account and secret
 *     ({@code bench.tenants}; 50 for ingest, 20 for sync, where each also has a webhook target)
 * @param connections HTTP/1.1 keep-alive connections of the load generator, no pipelining ({@code
 *     bench.connections})
 * @param timeoutMs a webhook not answered within this time counts as an error ({@code
 *     bench.timeoutMs})
 * @param maxStart first rate of the {@code max} search; 0 means half the pgbench figure when there
 *     is one, else 1,000/s ({@code bench.maxStart})
 * @param maxStep rate added at each step of the search; 0 means an eighth of the pgbench figure,
 *     else 500/s ({@code bench.maxStep})
 * @param maxSteps most steps of the search ({@code bench.maxSteps})
 * @param stepSeconds measured seconds of each step, after 3 s of settling ({@code
 *     bench.stepSeconds})
 * @param maxP99Ms a step is sustained only if its p99 stays under this ({@code bench.maxP99Ms})
 * @param pgbenchSeconds length of the pgbench run ({@code bench.pgbenchSeconds})
 * @param pgbenchClients pgbench clients, {@code -c} ({@code bench.pgbenchClients})
 * @param pgbenchThreads pgbench threads, {@code -j} ({@code bench.pgbenchThreads})
 * @param referenceTps the rate that stands in for the pgbench figure when pgbench is not installed
 *     ({@code bench.referenceTps}; the figure for a 2-core machine)
 * @param quietSeconds before each phase, wait up to this long for other processes on the machine to
 *     fall silent (under 10 % of a core over 2 s); 0 does not wait ({@code bench.quietSeconds}).
 *     For shared machines, where another job's burst would distort a phase
 * @param nodeHeap the node's {@code -Xmx} ({@code bench.nodeHeap})
 * @param nodeEnv extra node settings, {@code NAME=value,NAME=value} ({@code bench.nodeEnv}), for
 *     example {@code PAYBRIDGE_DB_POOL_SIZE=32,PAYBRIDGE_INGEST_MAX_IN_FLIGHT=8}
 * @param pgSettings PostgreSQL server settings for the benchmark's cluster, {@code name=value,...}
 *     ({@code bench.pgSettings}), on top of the embedded server's own; pgbench and the platform run
 *     on the same server, so both see them
 * @param pgbench the pgbench program ({@code bench.pgbench}; default {@code pgbench} on the PATH)
 * @param syncNodes node counts the sync benchmark measures, one round each, in order ({@code
 *     bench.syncNodes}, default {@code 1,3})
 * @param syncBacklog ledger entries (signed Stripe webhooks) whose deliveries pile up in a round
 *     before the drain is timed ({@code bench.syncBacklog})
 * @param syncWarmup deliveries per node of an untimed warm-up drain before the measured one, by
 *     other tenants, so that the measured drain runs on nodes whose delivery path the JIT has
 *     compiled; 0 skips it ({@code bench.syncWarmup})
 * @param syncRate webhooks per second offered while the backlog is built ({@code bench.syncRate})
 * @param syncRounds the sync rounds as {@code nodes@sinkDelayMs,…} ({@code bench.syncRounds});
 *     empty: one round per node count of {@code syncNodes}, all with {@code sinkDelayMs}
 * @param sinkDelayMs how long the sink waits before answering each delivery ({@code
 *     bench.sinkDelayMs}, default 0)
 * @param sinkPorts how many ports the sink listens on, tenants spread over them; 0 means one per
 *     tenant, as if each tenant had a receiver of its own ({@code bench.sinkPorts})
 * @param pgStatements load {@code pg_stat_statements} and print the statements that took the most
 *     of PostgreSQL's time during each measured drain ({@code bench.pgStatements}; off by default,
 *     as it costs the server a little)
 * @param pgWaits sample what the server's client backends wait on, 50 times a second, into the
 *     run's {@code database.tsv} ({@code bench.pgWaits}; off by default: the samples run on the
 *     load generator's event loop and cost the server a little)
 * @param jfr record the ingest node with Java Flight Recorder ({@code bench.jfr}; off by default)
 *     and print at the end where its CPU samples fell: the methods on top of the stacks, and the
 *     methods most often anywhere on them; the recording stays in the run folder
 * @param workDir where logs and the temporary cluster's parent folder go ({@code bench.workDir})
 * @param flowSeconds how long each steady flow of the sync benchmark posts ({@code
 *     bench.flowSeconds}, default 20)
 * @param flowPercent a round's steady flow rate, in percent of its measured drain rate ({@code
 *     bench.flowPercent}, default 80)
 * @param syncFairness measure the sync fairness flows in the first one-node round whose sink
 *     answers at once ({@code bench.syncFairness}, default true)
 * @param fairTenants tenants in the ingest fairness phases, one of them the flood ({@code
 *     bench.fairTenants}, default 4)
 * @param floodShares the flooding tenant's rate in fair shares (the sustained rate over {@code
 *     fairTenants}) ({@code bench.floodShares}, default 3)
 */
record BenchSettings(
    Suite suite,
    Mode mode,
    int rate,
    int seconds,
    int warmupSeconds,
    int tenants,
    int connections,
    int timeoutMs,
    int maxStart,
    int maxStep,
    int maxSteps,
    int stepSeconds,
    int maxP99Ms,
    int pgbenchSeconds,
    int pgbenchClients,
    int pgbenchThreads,
    int referenceTps,
    int quietSeconds,
    String nodeHeap,
    Map<String, String> nodeEnv,
    Map<String, String> pgSettings,
    String pgbench,
    List<Integer> syncNodes,
    int syncBacklog,
    int syncWarmup,
    int syncRate,
    int sinkDelayMs,
    int sinkPorts,
    boolean pgStatements,
    boolean pgWaits,
    boolean jfr,
    Path workDir,
    String syncRounds,
    int flowSeconds,
    int flowPercent,
    boolean syncFairness,
    int fairTenants,
    int floodShares) {

  /** Which benchmark a run is. */
  enum Suite {
    /** Webhook ingest: open-loop load against one node, next to pgbench. */
    INGEST,
    /** Sync throughput: a parked backlog of deliveries drained to a local sink, by node count. */
    SYNC,
    /** Both, ingest first, and a last table of the targets that compare them. */
    ALL
  }

  /** What a run does; see the README. */
  enum Mode {
    /** A fixed offered rate: warm-up, then the measured phase. */
    RATE,
    /** Steps the offered rate up until p99, errors or throughput give out. */
    MAX,
    /** pgbench's equivalent insert against the same database, alone. */
    PGBENCH,
    /** pgbench, then the max search, then the fixed rate at 80 % of pgbench, and the verdicts. */
    FULL
  }

  BenchSettings {
    nodeEnv = Map.copyOf(nodeEnv);
    pgSettings = Collections.unmodifiableMap(new LinkedHashMap<>(pgSettings));
    syncNodes = List.copyOf(syncNodes);
    if (rate <= 0 || seconds <= 0 || warmupSeconds < 0 || tenants <= 0 || connections <= 0) {
      throw new IllegalArgumentException("rate, seconds, tenants and connections must be positive");
    }
    if (syncNodes.isEmpty() || syncNodes.stream().anyMatch(n -> n < 1 || n > 9)) {
      throw new IllegalArgumentException("bench.syncNodes takes node counts from 1 to 9");
    }
    if (flowSeconds <= 0 || flowPercent <= 0 || fairTenants < 2 || floodShares <= 0) {
      throw new IllegalArgumentException(
          "bench.flowSeconds, bench.flowPercent and bench.floodShares must be positive,"
              + " bench.fairTenants 2 or more");
    }
    if (syncBacklog <= 0 || syncRate <= 0 || syncWarmup < 0 || sinkDelayMs < 0 || sinkPorts < 0) {
      throw new IllegalArgumentException(
          "bench.syncBacklog and bench.syncRate must be positive, bench.syncWarmup,"
              + " bench.sinkDelayMs and bench.sinkPorts 0 or more");
    }
  }

  static BenchSettings fromSystemProperties() {
    return fromSystemProperties(choice("bench.suite", "ingest", Suite.class));
  }

  /**
   * The settings the system properties give, for {@code suite} whatever {@code bench.suite} says.
   */
  static BenchSettings fromSystemProperties(Suite suite) {
    Mode mode = choice("bench.mode", "full", Mode.class);
    return new BenchSettings(
        suite,
        mode,
        number("bench.rate", 3000),
        number("bench.seconds", 30),
        number("bench.warmup", 20),
        number("bench.tenants", suite == Suite.INGEST ? 50 : 20),
        number("bench.connections", 256),
        number("bench.timeoutMs", 30_000),
        number("bench.maxStart", 0),
        number("bench.maxStep", 0),
        number("bench.maxSteps", 6),
        number("bench.stepSeconds", 10),
        number("bench.maxP99Ms", 100),
        number("bench.pgbenchSeconds", 30),
        number("bench.pgbenchClients", 32),
        number("bench.pgbenchThreads", 2),
        number("bench.referenceTps", 3700),
        number("bench.quietSeconds", 0),
        text("bench.nodeHeap", "512m"),
        pairs("bench.nodeEnv", text("bench.nodeEnv", "")),
        pairs("bench.pgSettings", text("bench.pgSettings", "")),
        text("bench.pgbench", "pgbench"),
        numbers("bench.syncNodes", "1,3"),
        number("bench.syncBacklog", 20_000),
        number("bench.syncWarmup", 40_000),
        number("bench.syncRate", 1000),
        number("bench.sinkDelayMs", 0),
        number("bench.sinkPorts", 0),
        flag("bench.pgStatements"),
        flag("bench.pgWaits"),
        flag("bench.jfr"),
        Path.of(text("bench.workDir", "target")).toAbsolutePath().normalize(),
        text("bench.syncRounds", ""),
        number("bench.flowSeconds", 20),
        number("bench.flowPercent", 80),
        !"false".equals(text("bench.syncFairness", "true")),
        number("bench.fairTenants", 4),
        number("bench.floodShares", 3));
  }

  private static String text(String name, String defaultValue) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? defaultValue : v.strip();
  }

  /**
   * The constant of {@code type} that the property names in lower case; any other name fails with
   * the list of those it could be.
   */
  private static <E extends Enum<E>> E choice(String name, String defaultValue, Class<E> type) {
    String v = text(name, defaultValue);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names =
          Arrays.stream(type.getEnumConstants())
              .map(c -> c.name().toLowerCase(Locale.ROOT))
              .toList();
      throw new IllegalArgumentException(
          name
              + " must be "
              + String.join(", ", names.subList(0, names.size() - 1))
              + " or "
              + names.get(names.size() - 1)
              + ", was '"
              + v
              + "'");
    }
  }

  private static int number(String name, int defaultValue) {
    String v = text(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
    }
  }

  private static boolean flag(String name) {
    String v = text(name, "false");
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static List<Integer> numbers(String name, String defaultValue) {
    String v = text(name, defaultValue);
    List<Integer> out = new ArrayList<>();
    for (String n : v.split(",")) {
      if (n.isBlank()) {
        continue;
      }
      try {
        out.add(Integer.parseInt(n.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " takes whole numbers separated by commas, was '" + v + "'");
      }
    }
    return out;
  }

  private static Map<String, String> pairs(String property, String list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : list.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            property + " takes name=value pairs, got '" + pair + "'");
      }
      out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return out;
  }
}
