package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PaymentEventTest {

  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void signsAreEnforcedByKind() {
    assertThat(
            PaymentEvent.builder(EventKind.PAYMENT, "p:1", now)
                .amount(100, "USD")
                .build()
                .amountMinor())
        .isEqualTo(100);
    assertThat(
            PaymentEvent.builder(EventKind.REFUND, "r:1", now)
                .amount(-100, "USD")
                .build()
                .amountMinor())
        .isEqualTo(-100);
    assertThatThrownBy(
            () -> PaymentEvent.builder(EventKind.REFUND, "r:1", now).amount(100, "USD").build())
        .hasMessageContaining("wrong sign");
    assertThatThrownBy(
            () -> PaymentEvent.builder(EventKind.PAYMENT, "p:1", now).amount(0, "USD").build())
        .hasMessageContaining("wrong sign");
    assertThatThrownBy(() -> PaymentEvent.builder(EventKind.PAYMENT, "p:1", now).build())
        .hasMessageContaining("needs an amount");
    assertThat(
            PaymentEvent.builder(EventKind.RECURRING_CANCELLED, "c:1", now).build().amountMinor())
        .isNull();
    assertThatThrownBy(
            () ->
                PaymentEvent.builder(EventKind.RECURRING_CANCELLED, "c:1", now)
                    .amount(5, "USD")
                    .build())
        .hasMessageContaining("carries no amount");
  }

  @Test
  void keysAndCurrenciesAreChecked() {
    assertThatThrownBy(
            () -> PaymentEvent.builder(EventKind.PAYMENT, "", now).amount(1, "USD").build())
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(
            () ->
                PaymentEvent.builder(EventKind.PAYMENT, "k".repeat(256), now)
                    .amount(1, "USD")
                    .build())
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(
            () -> PaymentEvent.builder(EventKind.PAYMENT, "p", now).amount(1, "usd").build())
        .hasMessageContaining("upper-case");
  }

  @Test
  void nulCharactersNeverReachTheDatabase() {
    assertThatThrownBy(
            () ->
                PaymentEvent.builder(EventKind.PAYMENT, "p", now)
                    .amount(1, "USD")
                    .email("a\u0000b")
                    .build())
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> new ParsedWebhook("evt\u0000", "t", java.util.List.of()))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void blankOptionalFieldsBecomeAbsent() {
    PaymentEvent e =
        PaymentEvent.builder(EventKind.PAYMENT, "p", now)
            .amount(1, "USD")
            .customerRef(" ")
            .email("")
            .build();
    assertThat(e.customerRef()).isNull();
    assertThat(e.email()).isNull();
  }
}
