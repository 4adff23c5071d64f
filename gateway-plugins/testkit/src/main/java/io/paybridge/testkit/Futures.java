package io.paybridge.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits on a test's thread for what a future ends in: its result, or the failure expected. It
 * blocks the calling thread, so it refuses to run on a Vert.x event loop (where a test's handler
 * must never block), failing fast instead of stalling the loop that would complete the future.
 */
public final class Futures {

  /** How long a test waits for a future before it fails. */
  public static final long TIMEOUT_SECONDS = 30;

  private Futures() {}

  /** The future's result; an {@link AssertionError} when it fails or takes too long. */
  public static <T> T await(Future<T> future) {
    refuseOnEventLoop();
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  /** The failure the future ends in; an {@link AssertionError} when it succeeds. */
  public static Throwable failure(Future<?> future) {
    refuseOnEventLoop();
    try {
      Object result =
          future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  private static void refuseOnEventLoop() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "Futures waits by blocking its thread: call it from a test's thread, not an event loop");
    }
  }
}
