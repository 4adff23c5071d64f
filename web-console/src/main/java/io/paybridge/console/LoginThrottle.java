package io.paybridge.console;

import io.vertx.core.shareddata.Shareable;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins per key (an email, a client address) in a fixed one-minute window. Shared by the
 * HTTP verticle instances of one node through a local map; each node counts on its own, which
 * bounds a guesser to a few tries per minute per node.
 */
final class LoginThrottle implements Shareable {

  private record Window(long start, int failures) {}

  private static final int MAX_KEYS = 100_000;

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int maxFailures;
  private final long windowMillis;

  LoginThrottle(Clock clock, int maxFailures, long windowMillis) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
  }

  /** Whether any of the keys has used up its failures in the current window. */
  boolean blocked(String... keys) {
    long now = clock.millis();
    for (String key : keys) {
      Window w = windows.get(key);
      if (w != null && now - w.start() < windowMillis && w.failures() >= maxFailures) {
        return true;
      }
    }
    return false;
  }

  void failure(String... keys) {
    long now = clock.millis();
    if (windows.size() > MAX_KEYS) {
      windows.entrySet().removeIf(e -> now - e.getValue().start() >= windowMillis);
    }
    for (String key : keys) {
      windows.compute(
          key,
          (k, w) ->
              w == null || now - w.start() >= windowMillis
                  ? new Window(now, 1)
                  : new Window(w.start(), w.failures() + 1));
    }
  }

  void success(String key) {
    windows.remove(key);
  }
}
