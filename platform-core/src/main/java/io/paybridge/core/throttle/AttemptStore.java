package io.paybridge.core.throttle;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The SQL of attempt counters ({@code attempt_counters}, migration V13): the whole cluster counts
 * in one table, so every node sees every node's attempts.
 */
public final class AttemptStore {

  /** A counter an attempt is reserved under: at most {@code limit} reservations per window. */
  public record Counter(String key, int limit, Duration window) {}

  /** Most expired counters one purge deletes; the next purge takes the rest. */
  private static final int PURGE_BATCH = 10_000;

  private final Pool pool;

  public AttemptStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Reserves one attempt under every counter, or under none, in one statement. Answers {@link
   * Duration#ZERO} when the attempt was reserved, otherwise how long until every full counter has
   * room again.
   */
  public Future<Duration> reserve(List<Counter> counters) {
    // Sorted, so that two reservations lock shared counters in the same order.
    List<Counter> sorted = counters.stream().sorted(Comparator.comparing(Counter::key)).toList();
    return pool.preparedQuery("SELECT reserve_attempt($1, $2, $3)")
        .execute(
            Tuple.tuple()
                .addArrayOfString(sorted.stream().map(Counter::key).toArray(String[]::new))
                .addArrayOfInteger(sorted.stream().map(Counter::limit).toArray(Integer[]::new))
                .addArrayOfLong(
                    sorted.stream().map(c -> c.window().toMillis()).toArray(Long[]::new)))
        .map(rows -> Duration.ofMillis(rows.iterator().next().getLong(0)));
  }

  /**
   * Gives back a reservation that turned out well: the {@code forgotten} counters are deleted (what
   * they counted is forgiven), the {@code returned} ones count one attempt fewer. Counters are
   * locked in key order, as {@link #reserve} locks them.
   */
  public Future<Void> release(List<String> forgotten, List<String> returned) {
    return pool.preparedQuery(
            "WITH locked AS (SELECT key FROM attempt_counters WHERE key = ANY ($1) OR key = ANY ($2)"
                + " ORDER BY key FOR UPDATE),"
                + " forgotten AS (DELETE FROM attempt_counters c USING locked l"
                + " WHERE c.key = l.key AND c.key = ANY ($1))"
                + " UPDATE attempt_counters c SET hits = c.hits - 1 FROM locked l"
                + " WHERE c.key = l.key AND c.key = ANY ($2) AND NOT c.key = ANY ($1)"
                + " AND c.hits > 0 AND c.window_end > now()")
        .execute(
            Tuple.tuple()
                .addArrayOfString(forgotten.toArray(String[]::new))
                .addArrayOfString(returned.toArray(String[]::new)))
        .mapEmpty();
  }

  /**
   * Deletes counters whose window has ended (they would count from zero anyway); skips any a
   * reservation holds at the moment. Answers how many were deleted.
   */
  public Future<Integer> purge() {
    return pool.preparedQuery(
            "DELETE FROM attempt_counters WHERE key IN (SELECT key FROM attempt_counters"
                + " WHERE window_end < now() LIMIT "
                + PURGE_BATCH
                + " FOR UPDATE SKIP LOCKED)")
        .execute()
        .map(rows -> rows.rowCount());
  }

  /** Attempts counted under a key in its current window (0 when none), for tests and tools. */
  public Future<Integer> count(String key) {
    return pool.preparedQuery(
            "SELECT hits FROM attempt_counters WHERE key = $1 AND window_end > now()")
        .execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }
}
