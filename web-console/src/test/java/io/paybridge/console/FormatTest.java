package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.view.Format;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void formatsMoneyInItsCurrency() {
    assertThat(Format.money(4200L, "usd")).isEqualTo("42.00 USD");
    assertThat(Format.money(-1999L, "EUR")).isEqualTo("-19.99 EUR");
    assertThat(Format.money(500L, "JPY")).isEqualTo("500 JPY");
    assertThat(Format.money(123L, "KIN<")).isEqualTo("123 KIN<");
    assertThat(Format.money(null, "USD")).isEqualTo("—");
  }

  @Test
  void formatsTimesInUtc() {
    assertThat(Format.time("2026-01-31T12:34:56Z")).isEqualTo("2026-01-31 12:34:56 UTC");
    assertThat(Format.time("not a time")).isEqualTo("not a time");
    assertThat(Format.time((String) null)).isEqualTo("—");
    assertThat(Format.time(Instant.parse("2026-01-31T12:34:56Z")))
        .isEqualTo("2026-01-31 12:34:56 UTC");
    assertThat(Format.time(OffsetDateTime.of(2026, 1, 31, 14, 0, 0, 0, ZoneOffset.ofHours(2))))
        .isEqualTo("2026-01-31 12:00:00 UTC");
    assertThat(Format.iso(OffsetDateTime.of(2026, 1, 31, 14, 0, 5, 0, ZoneOffset.ofHours(2))))
        .isEqualTo("2026-01-31T12:00:05Z");
    assertThat(Format.iso("not a time")).isNull();
  }

  @Test
  void labelsKindsAndVerdicts() {
    assertThat(Format.kindLabel("RECURRING_CHARGED")).isEqualTo("Recurring charged");
    assertThat(Format.kindTone("REFUND")).isEqualTo("danger");
    assertThat(Format.verdictLabel("held")).isEqualTo("Held");
    assertThat(Format.verdictTone("held")).isEqualTo("warning");
    assertThat(Format.url("a b&c")).isEqualTo("a+b%26c");
  }
}
