package io.paybridge.bench;

import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.OpenLoopLoad.PhaseResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Signed webhooks posted open loop to the nodes of a cluster, spread evenly over them as a load
 * balancer would, each node with its own share of the rate and its own connections.
 */
final class NodeLoads {

  private NodeLoads() {}

  /**
   * Posts {@code all} at {@code rate} per second in total and waits for every answer; fails unless
   * every one was acknowledged. Prints one line: how long it took and any errors.
   */
  static void postAll(
      BenchRun run, NodeCluster cluster, List<Delivery> all, double rate, String name)
      throws Exception {
    BenchSettings settings = run.settings();
    int nodes = cluster.size();
    Context context = run.vertx().getOrCreateContext();
    List<OpenLoopLoad> loads = new ArrayList<>();
    List<Future<PhaseResult>> running = new ArrayList<>();
    long began = System.nanoTime();
    try {
      for (int n = 0; n < nodes; n++) {
        List<Delivery> share = new ArrayList<>();
        for (int i = n; i < all.size(); i += nodes) {
          share.add(all.get(i));
        }
        OpenLoopLoad load =
            new OpenLoopLoad(
                run.vertx(),
                context,
                cluster.node(n).port(),
                Math.max(8, settings.connections() / nodes),
                settings.timeoutMs());
        loads.add(load);
        running.add(load.run(name, share, rate / nodes, 0, 0));
      }
      long acknowledged = 0;
      List<String> errors = new ArrayList<>();
      for (Future<PhaseResult> f : running) {
        PhaseResult r =
            f.await(
                (long) (all.size() * 1000 / rate) + settings.timeoutMs() + 60_000L,
                TimeUnit.MILLISECONDS);
        acknowledged += r.acknowledged();
        r.errors().forEach((k, v) -> errors.add(k + " x" + v));
        if (r.unanswered() > 0) {
          errors.add("unanswered x" + r.unanswered());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "   posted in %.1f s: %d acknowledged%s%n",
          (System.nanoTime() - began) / 1e9,
          acknowledged,
          errors.isEmpty() ? "" : ", errors: " + errors);
      if (acknowledged != all.size()) {
        throw new IllegalStateException(
            "only " + acknowledged + " of " + all.size() + " " + name + " webhooks acknowledged");
      }
    } finally {
      for (OpenLoopLoad load : loads) {
        load.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
