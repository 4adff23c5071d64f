package io.paybridge.core.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of {@code
 * base * 2^(n-1)}, capped, so retries of many failed jobs spread out instead of arriving together
 * while each still waits at least half its step.
 */
public record Backoff(Duration base, Duration cap) {

  /** About three days of retries before a delivery is dead, with hourly attempts at the end. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1));

  /** The delay before attempt {@code attempt + 1}, after {@code attempt} failures. */
  public Duration after(int attempt) {
    int exp = Math.min(Math.max(attempt - 1, 0), 30);
    long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << exp));
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
  }
}
