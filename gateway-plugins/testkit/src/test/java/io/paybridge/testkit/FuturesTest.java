package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
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
}
