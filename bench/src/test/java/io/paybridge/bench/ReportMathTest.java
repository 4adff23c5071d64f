package io.paybridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportMathTest {

  @Test
  void uniqueKeysHaveNoSurplus() {
    assertThat(ReportMath.surplus(List.of("a", "b", "c"))).isZero();
    assertThat(ReportMath.surplus(List.of())).isZero();
  }

  @Test
  void aKeyBookedThreeTimesCountsTwoSurplusRows() {
    assertThat(ReportMath.surplus(List.of("a", "b", "a", "a", "c", "b"))).isEqualTo(3);
  }

  @Test
  void nullKeysAreNotDuplicatesOfEachOther() {
    assertThat(ReportMath.surplus(Arrays.asList(null, null, "a"))).isZero();
  }

  @Test
  void redeliveriesCountOnlyTheGivenEntries() {
    Map<String, Integer> repeats = Map.of("pb_1", 2, "pb_7", 1, "pb_9", 4);
    assertThat(ReportMath.redeliveries(repeats, List.of(1L, 7L, 8L))).isEqualTo(3);
    assertThat(ReportMath.redeliveries(repeats, List.of(2L))).isZero();
  }

  @Test
  void slopeOfAStraightLineIsItsGradientPerHour() {
    double[] minutes = {0, 1, 2, 3, 4};
    double[] values = {10, 12, 14, 16, 18};
    assertThat(ReportMath.slopePerHour(minutes, values)).isCloseTo(120.0, within(1e-9));
  }

  @Test
  void slopeFitsNoisySamplesByLeastSquares() {
    // y = 1, 3, 2, 5 at x = 0..3: slope = sxy / sxx = 5.5 / 5 = 1.1 per minute.
    double[] minutes = {0, 1, 2, 3};
    double[] values = {1, 3, 2, 5};
    assertThat(ReportMath.slopePerHour(minutes, values)).isCloseTo(66.0, within(1e-9));
  }

  @Test
  void flatAndFallingSeries() {
    assertThat(ReportMath.slopePerHour(new double[] {0, 1, 2}, new double[] {7, 7, 7})).isZero();
    assertThat(ReportMath.slopePerHour(new double[] {0, 2}, new double[] {10, 6}))
        .isCloseTo(-120.0, within(1e-9));
  }

  @Test
  void tooFewSamplesHaveNoSlope() {
    assertThat(ReportMath.slopePerHour(new double[] {1}, new double[] {5})).isNaN();
    assertThat(ReportMath.slopePerHour(new double[] {3, 3}, new double[] {1, 2})).isNaN();
    assertThatThrownBy(() -> ReportMath.slopePerHour(new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void percentilesAreNearestRank() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[99 - i] = i + 1;
    }
    assertThat(ReportMath.percentile(hundred, 50)).isEqualTo(50);
    assertThat(ReportMath.percentile(hundred, 99)).isEqualTo(99);
    assertThat(ReportMath.percentile(hundred, 100)).isEqualTo(100);
    assertThat(ReportMath.percentile(new long[] {7}, 99)).isEqualTo(7);
    assertThat(ReportMath.percentile(new long[] {3, 1, 2}, 0)).isEqualTo(1);
    assertThat(ReportMath.percentile(new long[0], 99)).isNaN();
  }
}
