package io.paybridge.core;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Blocking waits for tests that drive Vert.x from the test thread. */
public final class Await {

  private Await() {}

  /** The future's result, waiting up to a minute; a failure or a timeout fails the test. */
  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
