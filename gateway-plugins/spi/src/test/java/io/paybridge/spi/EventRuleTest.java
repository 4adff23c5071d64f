package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows of a plugin's events table. */
class EventRuleTest {

  @Test
  void rowsOfOneActionFollowTheGivenOrder() {
    List<EventRule> rules =
        EventRule.each(
            EventRule.Action.IGNORES, List.of("b", "a"), Map.of("a", "why a", "b", "why b"));
    assertThat(rules)
        .containsExactly(EventRule.ignores("b", "why b"), EventRule.ignores("a", "why a"));
  }

  @Test
  void aTypeWithoutAReasonIsAMistake() {
    assertThatThrownBy(
            () -> EventRule.each(EventRule.Action.BOOKS, List.of("a", "b"), Map.of("a", "x")))
        .isInstanceOf(NullPointerException.class);
  }
}
