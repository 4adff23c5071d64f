package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** A test gets a future's result or its failure, and a clear assertion error when it is neither. */
class FuturesTest {

  @Test
  void aResultIsReturnedAndAFailureIsAnAssertionErrorWithItsCause() {
    assertThat(Futures.await(Future.succeededFuture("done"))).isEqualTo("done");

    IllegalStateException down = new IllegalStateException("down");
    assertThatThrownBy(() -> Futures.await(Future.failedFuture(down)))
        .isInstanceOf(AssertionError.class)
        .hasCause(down);
  }

  @Test
  void theExpectedFailureIsReturnedAndASuccessIsAnAssertionError() {
    IllegalStateException down = new IllegalStateException("down");
    assertThat(Futures.failure(Future.failedFuture(down))).isSameAs(down);

    assertThatThrownBy(() -> Futures.failure(Future.succeededFuture("fine")))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected a failure, got fine");
  }

  @Test
  void onAnEventLoopItRefusesToBlock() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      java.util.concurrent.CompletableFuture<Throwable> seen =
          new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(
          v -> {
            try {
              Futures.await(Promise.<String>promise().future());
              seen.complete(null);
            } catch (Throwable t) {
              seen.complete(t);
            }
          });
      assertThat(seen.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not an event loop");
    } finally {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
