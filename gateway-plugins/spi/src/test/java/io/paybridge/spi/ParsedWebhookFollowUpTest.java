package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.ParsedWebhook.FollowUp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A delivery's follow-ups: kept through the delivery's other changes, never on a held delivery, and
 * with a reference the platform can look a checkout up by.
 */
class ParsedWebhookFollowUpTest {

  @Test
  void theConstructorsPluginsUseAskNothingFurther() {
    assertThat(new ParsedWebhook("evt_1", "t", List.of()).followUps()).isEmpty();
    assertThat(new ParsedWebhook("evt_1", "t", List.of(), "why", null).followUps()).isEmpty();
    assertThat(ParsedWebhook.ignored("evt_1", "t", "why").followUps()).isEmpty();
  }

  @Test
  void followUpsStayWithTheDeliveryAndMakeNoHeldOne() {
    ParsedWebhook asks =
        ParsedWebhook.ignored("evt_1", "authorized", "capture queued")
            .withFollowUps(List.of(FollowUp.capture("pi_1", "authorized")));
    assertThat(asks.isIgnored()).isTrue();
    assertThat(asks.reason()).isEqualTo("capture queued");
    assertThat(asks.followUps())
        .singleElement()
        .satisfies(f -> assertThat(f.action()).isEqualTo(FollowUp.Action.CAPTURE));
    PaymentEvent paid =
        PaymentEvent.builder(EventKind.PAYMENT, "payment:pi_1", Instant.EPOCH)
            .amount(100, "EUR")
            .build();
    assertThat(asks.withEvents(List.of(paid), null).followUps()).hasSize(1);
    assertThatThrownBy(
            () ->
                ParsedWebhook.held("evt_1", "t", ParsedWebhook.NEEDS_API_CREDENTIALS, "key")
                    .withFollowUps(List.of(FollowUp.cancel("pi_1", "no"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReferenceMustBeOneAPlatformCanLookUp() {
    assertThatThrownBy(() -> FollowUp.capture(" ", null))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> FollowUp.capture("x".repeat(256), null))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> FollowUp.cancel("pi_\u0000", null))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> FollowUp.cancel("pi_1", "r".repeat(1001)))
        .isInstanceOf(MalformedWebhookException.class);
  }
}
