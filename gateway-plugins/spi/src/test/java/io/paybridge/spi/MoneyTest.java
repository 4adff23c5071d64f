package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

  @Test
  void usesEachCurrencysRealExponent() {
    assertThat(Money.toMinor("10.99", "usd")).isEqualTo(1099);
    assertThat(Money.toMinor("1500", "JPY")).isEqualTo(1500);
    assertThat(Money.toMinor("1.234", "KWD")).isEqualTo(1234);
    assertThat(Money.toMinor("10.50", "EUR")).isEqualTo(1050);
    assertThat(Money.toMinor("10.500", "EUR"))
        .as("trailing zeros are not precision")
        .isEqualTo(1050);
    assertThat(Money.toMinor("-3.10", "USD")).isEqualTo(-310);
  }

  @Test
  void refusesLostPrecisionAndNonsense() {
    assertThatThrownBy(() -> Money.toMinor("10.999", "USD"))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> Money.toMinor("1.5", "JPY"))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> Money.toMinor("ten", "USD")).hasMessageContaining("not a decimal");
    assertThatThrownBy(() -> Money.toMinor("1", "XYZQ")).hasMessageContaining("unknown currency");
    assertThatThrownBy(() -> Money.toMinor("1e30", "USD"))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> Money.currency(null)).hasMessageContaining("missing");
  }

  @Test
  void knowsKinAndItsQuarks() {
    assertThat(Money.exponent("kin")).isEqualTo(5);
    assertThat(Money.toMinor("1.5", "KIN")).isEqualTo(150_000);
    assertThat(Money.toMajor(100_000, "KIN")).isEqualTo("1.00000");
  }

  @Test
  void formatsMinorUnitsBack() {
    assertThat(Money.toMajor(1099, "USD")).isEqualTo("10.99");
    assertThat(Money.toMajor(1500, "JPY")).isEqualTo("1500");
    assertThat(Money.toMajor(1234, "KWD")).isEqualTo("1.234");
  }
}
