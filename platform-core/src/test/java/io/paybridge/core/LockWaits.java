package io.paybridge.core;

import static io.paybridge.core.Await.await;

import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/**
 * For tests that hold a transaction open while another statement runs: waits until a statement of
 * the database is blocked on a lock, so that the open transaction is committed only once the other
 * statement has reached the row it holds.
 */
public final class LockWaits {

  private LockWaits() {}

  /**
   * Returns once some session of {@code pool}'s database waits on a lock, or after 10 s without one
   * (the test's assertions then tell what happened).
   */
  public static void awaitOne(Pool pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiting(pool) == 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static long waiting(Pool pool) {
    return await(
            pool.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock'")
                .execute())
        .iterator()
        .next()
        .getLong(0);
  }
}
