package io.paybridge.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where the machine's CPU went during a phase, from {@code /proc}: the node JVMs, PostgreSQL (the
 * postmaster, its live backends, and the backends it has already reaped), the load generator (this
 * JVM), programs this JVM ran and waited for (pgbench), kernel interrupt work (loopback networking
 * is mostly soft interrupts), and everything else on the machine. On a 2-core machine the load
 * generator competes with the node and the database for the same cores, so the split matters as
 * much as the totals.
 *
 * <p>Figures are in percent of one core: 200 % is the whole of a 2-core machine.
 */
final class CpuAccounting {

  /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}; 100 on Linux). */
  private static final double TICKS = 100.0;

  /** User and system ticks of a process or group of processes. */
  record Ticks(long user, long system) {
    Ticks plus(Ticks o) {
      return new Ticks(user + o.user, system + o.system);
    }

    long total() {
      return user + system;
    }
  }

  /**
   * Cumulative CPU ticks at one moment; {@code node} is all node JVMs together, {@code
   * nodeCompilers} the ticks of each of their JIT compiler threads by thread id.
   */
  record Snapshot(
      long nanos,
      Ticks node,
      List<Ticks> nodes,
      Map<Long, Long> nodeCompilers,
      Ticks postgres,
      Ticks self,
      Ticks selfChildren,
      long machineBusy,
      long machineAll,
      long ioWait,
      long interrupts) {}

  /**
   * CPU use between two snapshots, in percent of one core; {@code *Sys} is the kernel's share.
   * {@code node} is all node JVMs together, {@code perNode} each of them in the order given, and
   * {@code nodeCompilers} the part of it their JIT compiler threads used (at least: a compiler
   * thread that came and went between the snapshots is missed).
   */
  record Usage(
      double node,
      double nodeSys,
      List<Double> perNode,
      double nodeCompilers,
      double postgres,
      double postgresSys,
      double loadGenerator,
      double loadGeneratorSys,
      double waitedChildren,
      double interrupts,
      double other,
      double machineBusy,
      double ioWait,
      int cores) {

    String describe() {
      return String.format(
          Locale.ROOT,
          "node %.0f%% (sys %.0f), postgres %.0f%% (sys %.0f), load generator %.0f%% (sys %.0f)%s,"
              + " kernel irq %.0f%%, other processes %.0f%%, idle %.0f%% (of %d%%; iowait %.0f%%)",
          node,
          nodeSys,
          postgres,
          postgresSys,
          loadGenerator,
          loadGeneratorSys,
          waitedChildren >= 0.5
              ? String.format(Locale.ROOT, ", pgbench %.0f%%", waitedChildren)
              : "",
          interrupts,
          other,
          idle(),
          cores * 100,
          ioWait);
    }

    /**
     * As {@link #describe()} for several nodes, named by {@code nodeNames}, each with its share,
     * and the share of their JIT compiler threads; the benchmark JVM runs the sink.
     */
    String describeNodes(List<String> nodeNames) {
      String each =
          perNode.size() < 2
              ? ""
              : " ("
                  + IntStream.range(0, perNode.size())
                      .mapToObj(
                          i ->
                              String.format(
                                  Locale.ROOT, "%s %.0f%%", nodeNames.get(i), perNode.get(i)))
                      .collect(Collectors.joining(", "))
                  + ")";
      return String.format(
          Locale.ROOT,
          "nodes %.0f%% (sys %.0f, JIT compiler threads %.0f)%s, postgres %.0f%% (sys %.0f),"
              + " benchmark JVM with the sink %.0f%%"
              + " (sys %.0f), kernel irq %.0f%%, other processes %.0f%%, idle %.0f%% (of %d%%;"
              + " iowait %.0f%%)",
          node,
          nodeSys,
          nodeCompilers,
          each,
          postgres,
          postgresSys,
          loadGenerator,
          loadGeneratorSys,
          interrupts,
          other,
          idle(),
          cores * 100,
          ioWait);
    }

    /** The machine's idle share: what all its cores could do, less what was used. */
    double idle() {
      return Math.max(0, cores * 100 - machineBusy);
    }
  }

  private final List<Long> nodePids;
  private final long postmasterPid;
  private volatile long clientPid = -1;
  private final int cores = Runtime.getRuntime().availableProcessors();

  /** One node JVM ({@code nodePid} -1: none). */
  CpuAccounting(long nodePid, long postmasterPid) {
    this(List.of(nodePid), postmasterPid);
  }

  /** Several node JVMs, reported together and one by one. */
  CpuAccounting(List<Long> nodePids, long postmasterPid) {
    this.nodePids = List.copyOf(nodePids);
    this.postmasterPid = postmasterPid;
  }

  /**
   * Counts a running client program (pgbench) with the programs this JVM has waited for, while it
   * runs; -1 for none.
   */
  void watchClient(long pid) {
    clientPid = pid;
  }

  Snapshot take() {
    String[] self = statFields(Path.of("/proc/self/stat"));
    long[] machine = machineTicks();
    List<Ticks> nodes = new ArrayList<>();
    Map<Long, Long> compilers = new HashMap<>();
    Ticks allNodes = new Ticks(0, 0);
    for (long pid : nodePids) {
      Ticks t = own(statFields(Path.of("/proc", Long.toString(pid), "stat")));
      nodes.add(t);
      allNodes = allNodes.plus(t);
      compilerThreads(pid, compilers);
    }
    return new Snapshot(
        System.nanoTime(),
        allNodes,
        nodes,
        compilers,
        postgresTicks(),
        own(self),
        reaped(self)
            .plus(
                clientPid < 0
                    ? new Ticks(0, 0)
                    : own(statFields(Path.of("/proc", Long.toString(clientPid), "stat")))),
        machine[0],
        machine[1],
        machine[2],
        machine[3]);
  }

  Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    long all = b.machineAll() - a.machineAll();
    double busy = share(b.machineBusy() - a.machineBusy(), all);
    double irq = share(b.interrupts() - a.interrupts(), all);
    double node = percent(b.node().total() - a.node().total(), seconds);
    double pg = percent(b.postgres().total() - a.postgres().total(), seconds);
    double self = percent(b.self().total() - a.self().total(), seconds);
    double children = percent(b.selfChildren().total() - a.selfChildren().total(), seconds);
    List<Double> perNode = new ArrayList<>();
    for (int i = 0; i < a.nodes().size(); i++) {
      perNode.add(percent(b.nodes().get(i).total() - a.nodes().get(i).total(), seconds));
    }
    long compiling = 0;
    for (Map.Entry<Long, Long> t : b.nodeCompilers().entrySet()) {
      compiling += t.getValue() - a.nodeCompilers().getOrDefault(t.getKey(), 0L);
    }
    return new Usage(
        node,
        percent(b.node().system() - a.node().system(), seconds),
        List.copyOf(perNode),
        percent(compiling, seconds),
        pg,
        percent(b.postgres().system() - a.postgres().system(), seconds),
        self,
        percent(b.self().system() - a.self().system(), seconds),
        children,
        irq,
        Math.max(0, busy - node - pg - self - children - irq),
        busy,
        share(b.ioWait() - a.ioWait(), all),
        cores);
  }

  private double share(long ticks, long allTicks) {
    return allTicks <= 0 ? 0 : 100.0 * cores * ticks / allTicks;
  }

  private static double percent(long ticks, double seconds) {
    return seconds <= 0 ? 0 : 100.0 * ticks / TICKS / seconds;
  }

  /** Adds the ticks of a JVM's JIT compiler threads ({@code C1/C2 CompilerThread<n>}) by id. */
  private static void compilerThreads(long pid, Map<Long, Long> into) {
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          into.put(Long.parseLong(task.getFileName().toString()), own(fields(stat)).total());
        }
      }
    } catch (IOException | RuntimeException e) {
      // The JVM is gone, or /proc unreadable: no compiler time counted.
    }
  }

  /**
   * The postmaster (its own time and that of the children it has reaped), plus every live child:
   * the backends, the WAL writer, the checkpointer.
   */
  private Ticks postgresTicks() {
    String[] postmaster = statFields(Path.of("/proc", Long.toString(postmasterPid), "stat"));
    Ticks total = own(postmaster).plus(reaped(postmaster));
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        String[] f = statFields(p.resolve("stat"));
        if (f != null && Long.parseLong(f[1]) == postmasterPid) {
          total = total.plus(own(f)).plus(reaped(f));
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: report what was gathered.
    }
    return total;
  }

  private static Ticks own(String[] f) {
    return f == null ? new Ticks(0, 0) : new Ticks(Long.parseLong(f[11]), Long.parseLong(f[12]));
  }

  private static Ticks reaped(String[] f) {
    return f == null ? new Ticks(0, 0) : new Ticks(Long.parseLong(f[13]), Long.parseLong(f[14]));
  }

  /**
   * The fields of {@code /proc/<pid>/stat} after the command name (which may hold spaces): index 0
   * is the state, 1 the parent pid, 11-14 utime, stime, cutime, cstime; null when the process is
   * gone.
   */
  private static String[] statFields(Path stat) {
    try {
      return fields(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String[] fields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * Busy, all, iowait and interrupt (hard and soft) ticks of the whole machine, from the first line
   * of {@code /proc/stat}.
   */
  private static long[] machineTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long busy = user + nice + system + irq + softirq + steal;
      return new long[] {busy, busy + idle + iowait, iowait, irq + softirq};
    } catch (IOException | RuntimeException e) {
      return new long[4];
    }
  }
}
