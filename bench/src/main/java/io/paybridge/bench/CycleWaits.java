package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.SyncProgress.SyncState;
import io.paybridge.bench.SyncSink.Stats;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The sync benchmark's waits for the stages of a cycle, with progress lines: the backlog parked,
 * every id seen by the sink, every delivery done in the database. Each fails when a node dies, or
 * when its stage does not come in time.
 */
record CycleWaits(SyncProgress sync, SyncSink sink, NodeCluster cluster) {

  /** How long, once posted, the backlog may take to be fanned out and parked. */
  private static final Duration PARK_TIMEOUT = Duration.ofMinutes(5);

  /** The drain fails if the sink sees no new id for this long. */
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  /** How long after the sink saw the last id the database may take to show it all done. */
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Waits until the backlog is fully fanned out and parked: no {@code sync} job left, a delivery
   * and a parked {@code deliver} job per entry, and no target of the round enabled.
   */
  void parked(List<UUID> ids, int backlog) throws Exception {
    long began = System.nanoTime();
    long deadline = began + PARK_TIMEOUT.toNanos();
    long lastPrint = began;
    while (true) {
      SyncState s = await(sync.syncState(ids));
      if (s.fanOutJobs() == 0
          && s.deliveries() == backlog
          && s.deliverJobs() == backlog
          && s.parkedJobs() == backlog
          && s.enabledTargets() == 0) {
        if (s.entries() != backlog) {
          throw new IllegalStateException(
              s.entries() + " ledger entries recorded for " + backlog + " acknowledged webhooks");
        }
        System.out.printf(
            Locale.ROOT,
            "   parked %.1f s after the last webhook was acknowledged: %d ledger entries, %d"
                + " deliveries, %d deliver jobs all parked, no fan-out job left, every target"
                + " disabled%n",
            (System.nanoTime() - began) / 1e9,
            s.entries(),
            s.deliveries(),
            s.parkedJobs());
        return;
      }
      long now = System.nanoTime();
      failIfDead();
      if (now > deadline) {
        throw new IllegalStateException("the backlog was not parked in time: " + s);
      }
      if (now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = now;
        System.out.printf(
            Locale.ROOT,
            "   … %d fan-out jobs left, %d deliveries, %d of %d deliver jobs parked, %d targets"
                + " enabled%n",
            s.fanOutJobs(),
            s.deliveries(),
            s.parkedJobs(),
            s.deliverJobs(),
            s.enabledTargets());
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /**
   * Waits until the sink has seen every id ({@code allSeen}), printing progress every two seconds
   * if asked; fails when it sees nothing new for a minute or a node dies. Returns when the sink saw
   * the last id.
   */
  long sinkSawAll(Future<Long> allSeen, long start, int backlog, List<UUID> ids, boolean progress)
      throws Exception {
    long lastPrint = start;
    long lastDistinct = 0;
    long lastPrinted = 0;
    long lastChange = start;
    while (!allSeen.isComplete()) {
      TimeUnit.MILLISECONDS.sleep(50);
      long now = System.nanoTime();
      failIfDead();
      if (now - lastPrint < TimeUnit.SECONDS.toNanos(2)) {
        continue;
      }
      Stats s = await(sink.stats());
      if (s.distinct() != lastDistinct) {
        lastDistinct = s.distinct();
        lastChange = now;
      } else if (now - lastChange > STALL_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "the drain stalled: the sink saw "
                + s.distinct()
                + " of "
                + backlog
                + " ids and nothing new for "
                + STALL_TIMEOUT.toSeconds()
                + " s; deliveries by status "
                + await(sync.deliveriesByStatus(ids))
                + ", "
                + await(sync.syncState(ids)));
      }
      if (progress) {
        System.out.printf(
            Locale.ROOT,
            "   +%5.1f s: %6d delivered to the sink (%5.0f/s over the last %.1f s), %d duplicates%n",
            (now - start) / 1e9,
            s.distinct(),
            (s.distinct() - lastPrinted) / ((now - lastPrint) / 1e9),
            (now - lastPrint) / 1e9,
            s.duplicates());
      }
      lastPrinted = s.distinct();
      lastPrint = now;
    }
    return allSeen.result();
  }

  /**
   * Once the sink has seen everything: waits until the database shows every delivery delivered and
   * every deliver job done (the attempt is logged and the job deleted after the sink's answer).
   * Returns when it did.
   */
  long delivered(List<UUID> ids, int backlog) throws Exception {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      SyncState s = await(sync.syncState(ids));
      if (s.delivered() == backlog && s.deliverJobs() == 0) {
        return System.nanoTime();
      }
      failIfDead();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "the sink saw every id, but %d s later the database shows %s, deliveries by"
                    + " status %s",
                SETTLE_TIMEOUT.toSeconds(),
                s,
                await(sync.deliveriesByStatus(ids))));
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private void failIfDead() {
    Optional<String> dead = cluster.dead();
    if (dead.isPresent()) {
      throw new IllegalStateException("a node died: " + dead.get());
    }
  }
}
