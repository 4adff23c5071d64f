package io.paybridge.core.cobot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cobot's decimal amounts to minor units and back, exactly, with each currency's exponent. */
class CobotAmountsTest {

  @ParameterizedTest(name = "{0} {1} is {2}")
  @CsvSource({
    "12.50, EUR, 1250",
    "12.5, EUR, 1250",
    "0.00, EUR, 0",
    "60, EUR, 6000",
    "3000, JPY, 3000",
    "3000.0, JPY, 3000",
    "1.234, BHD, 1234",
    "999999999999.99, USD, 99999999999999"
  })
  void decimalsBecomeWholeMinorUnits(String decimal, String currency, long minor) {
    assertThat(CobotAmounts.toMinor(decimal, currency)).isEqualTo(minor);
  }

  @ParameterizedTest(name = "''{0}'' {1} cannot be charged")
  @CsvSource({
    "12.505, EUR",
    "3000.5, JPY",
    "-1.00, EUR",
    "1e3, EUR",
    "12,50, EUR",
    "abc, EUR",
    "'', EUR",
    "12.50, XXX",
    "12.50, NOPE",
    "12.50, ''"
  })
  void fractionsOfTheMinorUnitAndMalformedAmountsAreRefused(String decimal, String currency) {
    assertThat(CobotAmounts.toMinor(decimal, currency.isEmpty() ? null : currency)).isNull();
  }

  @Test
  void minorUnitsAreWrittenWithTheCurrencysDecimals() {
    assertThat(CobotAmounts.toDecimal(1250, "EUR")).isEqualTo("12.50");
    assertThat(CobotAmounts.toDecimal(5, "EUR")).isEqualTo("0.05");
    assertThat(CobotAmounts.toDecimal(3000, "JPY")).isEqualTo("3000");
    assertThat(CobotAmounts.toDecimal(1234, "BHD")).isEqualTo("1.234");
  }

  @Test
  void everyAmountSurvivesTheRoundTrip() {
    SplittableRandom random = new SplittableRandom(20261207);
    for (String currency : new String[] {"EUR", "JPY", "BHD", "USD", "KWD", "CLP"}) {
      for (int i = 0; i < 2_000; i++) {
        long minor = random.nextLong(0, 1_000_000_000_000L);
        assertThat(CobotAmounts.toMinor(CobotAmounts.toDecimal(minor, currency), currency))
            .as("%d %s", minor, currency)
            .isEqualTo(minor);
      }
    }
  }
}
