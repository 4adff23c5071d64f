package io.paybridge.core.usecase;

import java.time.Duration;

/**
 * Too many attempts of a kind from one client, or at one account, for now: the request was not
 * tried and may be sent again after {@link #retryAfter()}. The API answers 429 with {@code
 * Retry-After}; the console shows the message and when to try again.
 */
public final class Throttled extends RuntimeException {

  private final Duration retryAfter;

  /**
   * @param message what was refused, for a person
   * @param retryAfter when the request may be sent again (rounded up to whole seconds)
   */
  public Throttled(String message, Duration retryAfter) {
    super(message, null, false, false);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** The {@code Retry-After} value: whole seconds, at least 1. */
  public long retryAfterSeconds() {
    long millis = retryAfter.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  /** "Try again in 40 seconds." / "Try again in 12 minutes." */
  public String whenToRetry() {
    long seconds = retryAfterSeconds();
    if (seconds <= 90) {
      return "Try again in " + seconds + (seconds == 1 ? " second." : " seconds.");
    }
    return "Try again in " + ((seconds + 59) / 60) + " minutes.";
  }
}
