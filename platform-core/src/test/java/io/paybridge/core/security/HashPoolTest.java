package io.paybridge.core.security;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The node's pool of slow hashes: its own threads, as many as configured, every hash counted. */
@Tag("security")
class HashPoolTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void hashesRunOnTheirOwnBoundedPoolAndAreCounted() {
    // GIVEN a pool of two threads
    HashPool pool = new HashPool(vertx, new SecretHasher(20_000), 2);
    String stored = await(pool.hash("s3cret-value"));
    // WHEN twelve checks are asked for at once
    List<Future<Boolean>> checks =
        IntStream.range(0, 12)
            .mapToObj(i -> pool.matches(i % 2 == 0 ? "s3cret-value" : "wrong", stored))
            .toList();
    await(Future.all(checks));
    Set<String> hashThreads = ConcurrentHashMap.newKeySet();
    Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith(HashPool.NAME))
        .forEach(hashThreads::add);
    // THEN they ran on at most two threads of the pool's own, and each was counted
    assertThat(hashThreads).isNotEmpty().hasSizeLessThanOrEqualTo(2);
    assertThat(checks.stream().map(Future::result).toList())
        .containsExactly(
            true, false, true, false, true, false, true, false, true, false, true, false);
    assertThat(pool.computed()).isEqualTo(13);
    // AND an unknown account's check matches nothing, at the cost of one more hash
    assertThat(await(pool.matches("s3cret-value", null))).isFalse();
    assertThat(pool.computed()).isEqualTo(14);
    await(pool.close());
  }
}
