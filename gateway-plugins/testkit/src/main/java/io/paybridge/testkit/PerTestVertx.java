package io.paybridge.testkit;

import static io.paybridge.testkit.Futures.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A JUnit extension that runs its servers on a Vert.x instance of its own around each test. */
abstract class PerTestVertx implements BeforeEachCallback, AfterEachCallback {

  private Vertx vertx;

  /** Starts what the test needs on {@code vertx}. */
  protected abstract Future<?> start(Vertx vertx);

  /** Stops it, before the Vert.x instance closes. */
  protected abstract Future<?> stop();

  /** The Vert.x instance of the running test. */
  protected final Vertx vertx() {
    return vertx;
  }

  @Override
  public final void beforeEach(ExtensionContext context) {
    vertx = Vertx.vertx();
    await(start(vertx));
  }

  @Override
  public final void afterEach(ExtensionContext context) {
    await(stop());
    await(vertx.close());
  }
}
