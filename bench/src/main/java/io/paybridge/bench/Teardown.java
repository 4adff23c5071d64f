package io.paybridge.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a run started, stopped in reverse order exactly once: at the end of the run, or from a
 * JVM shutdown hook when the run is interrupted (Ctrl-C, {@code kill}) or fails. No node JVM and no
 * PostgreSQL outlives the benchmark.
 */
final class Teardown {

  /** One thing to stop. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private record Named(String what, Step step) {}

  private final Deque<Named> steps = new ArrayDeque<>();
  private final Thread hook = new Thread(this::runAll, "bench-teardown");

  Teardown() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Registers a step; the last registered runs first. */
  synchronized void add(String what, Step step) {
    steps.push(new Named(what, step));
  }

  /** Runs every registered step, each once, logging (not throwing) failures. */
  void runAll() {
    while (true) {
      Named next;
      synchronized (this) {
        next = steps.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.step().run();
      } catch (Exception | Error e) {
        System.err.println("bench: could not " + next.what() + ": " + e);
      }
    }
  }

  /** Runs the steps now and drops the shutdown hook (the normal end of a run). */
  void close() {
    runAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Already in shutdown: the hook runs (and finds nothing left to do).
    }
  }
}
