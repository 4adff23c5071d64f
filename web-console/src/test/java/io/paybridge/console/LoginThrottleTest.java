package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  @Test
  void countsFailuresPerKeyWithinAMinute() {
    AtomicLong now = new AtomicLong(1_000_000);
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    LoginThrottle t = new LoginThrottle(clock, 3, 60_000);
    for (int i = 0; i < 3; i++) {
      assertThat(t.blocked("a")).isFalse();
      t.failure("a");
    }
    assertThat(t.blocked("a")).isTrue();
    assertThat(t.blocked("b")).isFalse();
    now.addAndGet(60_000);
    assertThat(t.blocked("a")).isFalse();
    t.failure("b");
    t.success("b");
    assertThat(t.blocked("b")).isFalse();
  }
}
