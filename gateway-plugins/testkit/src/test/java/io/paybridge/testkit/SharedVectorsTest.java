package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A test that needs samples the vectors folder does not hold is skipped, and says why. */
class SharedVectorsTest {

  @Test
  void aMissingGatewayFolderSkipsTheTestWithTheReason() {
    assertThatThrownBy(() -> SharedVectors.dir("no-such-gateway"))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("shared/vectors/no-such-gateway not found")
        .hasMessageContaining("PAYBRIDGE_VECTORS");
  }
}
