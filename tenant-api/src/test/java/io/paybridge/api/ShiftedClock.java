package io.paybridge.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The real time moved ahead by hand: for tests of what both a library that reads the system clock
 * and the node's own clock look at (token lifetimes), where a clock standing still would fall
 * behind the tokens minted meanwhile.
 */
final class ShiftedClock extends Clock {

  private volatile Duration ahead = Duration.ZERO;

  /** Moves the clock further ahead of the real time. */
  void advance(Duration by) {
    ahead = ahead.plus(by);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(ahead);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
