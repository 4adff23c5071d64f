package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.EventRule.Action;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the events table, proven with each payload shape Code sends for it: a new row
 * without fixtures fails {@link #everyRowDoesWhatItSays}.
 */
class CodeEventTableTest {

  private static final CodePlugin PLUGIN = new CodePlugin();
  private static final CodeWalletSimulator WALLET = new CodeWalletSimulator();

  /** One delivery of a row's event type and what must come of it. */
  private record Fixture(String shape, String jwt, Consumer<ParsedWebhook> expect) {}

  private static final Map<String, List<Fixture>> FIXTURES =
      Map.of(
          CodePlugin.STATE_SUBMITTED,
          List.of(
              new Fixture(
                  "fiat amount",
                  WALLET.intentSubmitted(
                      "9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6", "0.25", "usd"),
                  parsed -> {
                    PaymentEvent e = single(parsed);
                    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
                    assertThat(e.entryKey())
                        .isEqualTo("payment:9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6");
                    assertThat(e.amountMinor()).isEqualTo(25L);
                    assertThat(e.currency()).isEqualTo("USD");
                  }),
              new Fixture(
                  "quarks only, with a logged-in user",
                  WALLET.sign(
                      new JsonObject()
                          .put("intent", "5WqzCumTHGwUxJbYRwfW5U6xz3mxmuSvTWHQfy4jrDtv")
                          .put("state", "SUBMITTED")
                          .put("quarks", 112_000_000L)
                          .put("fees", 1_120_000L)
                          .put("destination", WALLET.depositAddress())
                          .put("user", "HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y")),
                  parsed -> {
                    PaymentEvent e = single(parsed);
                    assertThat(e.entryKey())
                        .isEqualTo("payment:5WqzCumTHGwUxJbYRwfW5U6xz3mxmuSvTWHQfy4jrDtv");
                    assertThat(e.amountMinor()).isEqualTo(112_000_000L);
                    assertThat(e.currency()).isEqualTo("KIN");
                    assertThat(e.feeMinor()).isEqualTo(1_120_000L);
                    assertThat(e.customerRef())
                        .isEqualTo("HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y");
                  }),
              new Fixture(
                  "priced in Kin",
                  WALLET.intentSubmitted(
                      "3qGJL1aRqpzJDgZbS57jB3ZJ5KTZsfuJRtVa3AYMLJ8T", "1120", "kin"),
                  parsed -> {
                    PaymentEvent e = single(parsed);
                    assertThat(e.amountMinor()).isEqualTo(112_000_000L);
                    assertThat(e.currency()).isEqualTo("KIN");
                  })),
          CodePlugin.LOGIN,
          List.of(
              new Fixture(
                  "login-only intent",
                  WALLET.sign(
                      new JsonObject().put("user", "HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y")),
                  parsed ->
                      assertThat(parsed.reason())
                          .isEqualTo(
                              "login-only webhook: Code user"
                                  + " HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y logged in, and"
                                  + " no payment was made"))));

  static Stream<EventRule> rows() {
    return PLUGIN.eventTable().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowDoesWhatItSays(EventRule row) {
    List<Fixture> fixtures = FIXTURES.get(row.eventType());
    assertThat(fixtures).as("fixtures for row %s", row.eventType()).isNotEmpty();
    assertThat(row.what()).as("the row says what or why").isNotBlank();
    for (Fixture fixture : fixtures) {
      WebhookRequest request = WALLET.request(fixture.jwt());
      Verdict verdict = verify(request);
      assertThat(verdict.authentic()).as("%s: %s", fixture.shape(), verdict.reason()).isTrue();

      ParsedWebhook parsed = PLUGIN.parse(request, WALLET.credentials());

      assertThat(parsed.eventType()).as(fixture.shape()).isEqualTo(row.eventType());
      switch (row.action()) {
        case BOOKS -> assertThat(parsed.events()).as(fixture.shape()).isNotEmpty();
        case IGNORES -> {
          assertThat(parsed.isIgnored()).as(fixture.shape()).isTrue();
          assertThat(parsed.reason())
              .as("a specific reason, not the generic one")
              .isNotBlank()
              .doesNotContain("is not one Paybridge books");
        }
        case HOLDS -> assertThat(parsed.isHeld()).as(fixture.shape()).isTrue();
      }
      fixture.expect().accept(parsed);
    }
  }

  @Test
  void everyFixtureIsARowOfTheTable() {
    assertThat(PLUGIN.eventTable().stream().map(EventRule::eventType))
        .containsExactlyInAnyOrderElementsOf(FIXTURES.keySet());
  }

  @Test
  void tenantsSubscribeToExactlyTheBookingRows() {
    assertThat(PLUGIN.subscribedEvents())
        .containsExactlyElementsOf(
            PLUGIN.eventTable().stream()
                .filter(r -> r.action() == Action.BOOKS)
                .map(EventRule::eventType)
                .toList());
  }

  private static Verdict verify(WebhookRequest request) {
    try {
      return PLUGIN
          .verify(request, WALLET.credentials())
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static PaymentEvent single(ParsedWebhook parsed) {
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }
}
