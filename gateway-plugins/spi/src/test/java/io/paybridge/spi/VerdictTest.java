package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Verdicts of pure checks. */
class VerdictTest {

  @Test
  void aCheckedVerdictIsTheChecksOwn() {
    assertThat(Verdict.checked("signature", Verdict::ok).result().authentic()).isTrue();
    assertThat(Verdict.checked("signature", () -> Verdict.rejected("no")).result().reason())
        .isEqualTo("no");
  }

  @Test
  void aCheckThatThrowsRejectsNamingTheTypeButNotTheMessage() {
    Verdict verdict =
        Verdict.checked(
                "Payeer signature",
                () -> {
                  throw new IllegalStateException("body quoted here");
                })
            .result();

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo("Payeer signature could not be checked: IllegalStateException");
  }
}
