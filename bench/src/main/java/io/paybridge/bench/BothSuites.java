package io.paybridge.bench;

import io.paybridge.bench.BenchSettings.Suite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ingest benchmark, then the sync benchmark, on the same machine one after the other (each with
 * a PostgreSQL of its own, the first stopped before the second starts), then the table of the
 * targets that compare them: every drain rate against the ingest rate of the same run, and the
 * latency and fairness figures. The table is printed and written to {@code bench-targets.md} in
 * {@code bench.workDir}.
 */
final class BothSuites implements BenchMain.Suite {

  @Override
  public int run(Teardown teardown) throws Exception {
    IngestBench ingest = new IngestBench(BenchSettings.fromSystemProperties(Suite.INGEST));
    int ingestCode = ingest.run(teardown);
    teardown.runAll();
    SyncBench sync = new SyncBench(BenchSettings.fromSystemProperties(Suite.SYNC));
    int syncCode = sync.run(teardown);
    List<String> lines = table(ingest.figures(), sync.rounds());
    System.out.println();
    lines.forEach(System.out::println);
    Path file = sync.settings().workDir().resolve("bench-targets.md");
    Files.write(file, lines);
    System.out.println("written to " + file);
    return Math.max(ingestCode, syncCode);
  }

  /** The targets table, as Markdown. */
  static List<String> table(List<IngestBench.Figures> ingest, List<SyncRound> rounds) {
    List<String> out = new ArrayList<>();
    out.add("== Targets, ingest and sync of one run (" + Machine.line() + ")");
    out.add("");
    out.add("| measure | result | target | verdict |");
    out.add("|---|---|---|---|");
    Optional<IngestBench.Figures> in = ingest.stream().findFirst();
    Optional<Double> sustained = in.flatMap(IngestBench.Figures::sustained);
    in.ifPresent(
        f ->
            out.add(
                row(
                    "ingest, max sustained",
                    sustained
                        .map(
                            s ->
                                fmt(
                                    "%.0f/s (%.2fx pgbench's %.0f tps)",
                                    s, s / f.reference(), f.reference()))
                        .orElse("no step sustained"),
                    ">= 1.0x pgbench",
                    sustained.filter(s -> s >= f.reference()).isPresent())));
    for (SyncRound r : rounds) {
      double drain = r.measured().perSecondOverall();
      String name =
          fmt(
              "drain, %d node%s, receiver answering after %d ms",
              r.nodes(), r.nodes() == 1 ? "" : "s", r.sinkDelayMs());
      if (sustained.isPresent()) {
        double ratio = drain / sustained.get();
        boolean judged = r.nodes() == 1 && r.sinkDelayMs() <= 50;
        out.add(
            row(
                name,
                fmt("%.0f/s (%.2fx ingest)", drain, ratio),
                judged ? ">= ingest" : "reported",
                judged ? ratio >= 1 : null));
      } else {
        out.add(row(name, fmt("%.0f/s", drain), "reported", null));
      }
      if (r.measured().database() != null) {
        double txn = (double) r.measured().database().commits() / r.measured().backlog();
        out.add(row("  transactions per delivery", fmt("%.2f", txn), "<= 1", txn <= 1));
      }
      out.add(
          row(
              fmt("  steady flow at %.0f/s: recording to 2xx", r.flow().rate()),
              fmt("p50 %.0f ms, p99 %.0f ms", r.flow().p50Ms(), r.flow().p99Ms()),
              "p99 <= 1 s",
              r.flow().p99Ms() <= 1000 && r.flow().answered() == r.flow().entries()));
    }
    for (SyncRound three : rounds) {
      rounds.stream()
          .filter(
              one ->
                  one.nodes() == 1 && three.nodes() > 1 && one.sinkDelayMs() == three.sinkDelayMs())
          .findFirst()
          .ifPresent(
              one -> {
                double ratio =
                    three.measured().perSecondOverall() / one.measured().perSecondOverall();
                out.add(
                    row(
                        fmt(
                            "%d nodes over 1 node, receiver at %d ms",
                            three.nodes(), three.sinkDelayMs()),
                        fmt("%.2fx", ratio),
                        ">= 1.0x",
                        ratio >= 1));
              });
    }
    in.flatMap(IngestBench.Figures::fairness)
        .ifPresent(
            f ->
                out.add(
                    row(
                        fmt("ingest fairness: quiet p99 beside a flood of %d/s", f.floodRate()),
                        fmt(
                            "%.1f ms alone, %.1f ms beside (%.2fx)",
                            f.alone().percentileMillis(99),
                            f.quiet().percentileMillis(99),
                            f.ratio()),
                        "<= 2x",
                        f.ratio() <= RatioTable.BOUND)));
    for (SyncRound r : rounds) {
      r.fairness()
          .ifPresent(
              f -> {
                out.add(
                    row(
                        "sync fairness: instant p99 beside a "
                            + SyncFairness.SLOW_MS
                            + " ms receiver",
                        fmt(
                            "%.0f ms alone, %.0f ms beside (%.2fx)",
                            f.alone().p99Ms(), f.besideSlow().p99Ms(), f.slowRatio()),
                        "<= 2x",
                        f.slowRatio() <= RatioTable.BOUND));
                out.add(
                    row(
                        "sync fairness: instant p99 beside a failing receiver",
                        fmt(
                            "%.0f ms alone, %.0f ms beside (%.2fx)",
                            f.alone().p99Ms(), f.besideFailing().p99Ms(), f.failingRatio()),
                        "<= 2x",
                        f.failingRatio() <= RatioTable.BOUND));
              });
    }
    return out;
  }

  private static String row(String measure, String result, String target, Boolean met) {
    return "| "
        + measure
        + " | "
        + result
        + " | "
        + target
        + " | "
        + (met == null ? "" : met ? "PASS" : "MISSED")
        + " |";
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
