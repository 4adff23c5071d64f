package io.paybridge.gateway.anypay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.EventRule.Action;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the events table, fed as each shape Anypay delivers (a form POST body, or the query
 * string of an empty POST) to a sha256 account that lists Anypay's sender addresses. A new row
 * without an expectation fails {@link #everyRowDoesWhatItSays}.
 */
class AnypayEventTableTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "event-table-secret";
  private static final AnypayPlugin PLUGIN = new AnypayPlugin();
  private static final AnypaySimulator ANYPAY = new AnypaySimulator(PROJECT, SECRET);
  private static final Credentials ACCOUNT =
      PLUGIN.validateCredentials(
          ANYPAY.credentialsJson().put("allowedIps", String.join(",", AnypayPlugin.PUBLISHED_IPS)));

  /** The delivery shapes: the same parameters in a form body or in the query string. */
  private static final Map<String, Function<Map<String, String>, WebhookRequest>> SHAPES =
      Map.of(
          "form body",
          fields -> ANYPAY.request(AnypaySimulator.form(fields)),
          "query string",
          ANYPAY::queryRequest);

  /** What must come of a notification of each row's status (order 3001, 150.00 RUB). */
  private static final Map<String, Consumer<ParsedWebhook>> EXPECTED =
      Map.of(
          "paid",
          parsed -> {
            PaymentEvent e = single(parsed);
            assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
            assertThat(e.entryKey()).isEqualTo("payment:3001");
            assertThat(e.amountMinor()).isEqualTo(15_000L);
            assertThat(e.currency()).isEqualTo("RUB");
            assertThat(parsed.eventId()).isEqualTo("3001:paid");
          },
          "refund",
          parsed -> {
            PaymentEvent e = single(parsed);
            assertThat(e.kind()).isEqualTo(EventKind.REFUND);
            assertThat(e.entryKey()).isEqualTo("refund:4950300");
            assertThat(e.amountMinor()).isEqualTo(-15_000L);
            assertThat(parsed.eventId()).isEqualTo("3001:refund:4950300");
          },
          "partially-paid",
          parsed ->
              assertThat(parsed.reason())
                  .isEqualTo(
                      "order 3001 is partially paid: Anypay has received part of its amount, and"
                          + " the order is booked when Anypay reports it paid"),
          "waiting",
          parsed ->
              assertThat(parsed.reason())
                  .isEqualTo("order 3001 is waiting for payment: no money moved"),
          "canceled",
          parsed ->
              assertThat(parsed.reason()).isEqualTo("order 3001 was cancelled: no money moved"),
          "expired",
          parsed ->
              assertThat(parsed.reason())
                  .isEqualTo("order 3001's invoice expired unpaid: no money moved"),
          "error",
          parsed ->
              assertThat(parsed.reason())
                  .isEqualTo("order 3001's payment failed with an error: no money moved"));

  static Stream<EventRule> rows() {
    return PLUGIN.eventTable().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowDoesWhatItSays(EventRule row) {
    Consumer<ParsedWebhook> expected = EXPECTED.get(row.eventType());
    assertThat(expected).as("an expectation for row %s", row.eventType()).isNotNull();
    assertThat(row.what()).isNotBlank();
    Map<String, String> fields =
        ANYPAY.notification("4950300", "3001", "150.00", "RUB", row.eventType());
    SHAPES.forEach(
        (shape, deliver) -> {
          WebhookRequest request = deliver.apply(fields);
          Verdict verdict = verify(request);
          assertThat(verdict.authentic()).as("%s: %s", shape, verdict.reason()).isTrue();

          ParsedWebhook parsed = PLUGIN.parse(request, ACCOUNT);

          assertThat(parsed.eventType()).as(shape).isEqualTo(row.eventType());
          if (row.action() == Action.BOOKS) {
            assertThat(parsed.events()).as(shape).isNotEmpty();
          } else {
            assertThat(parsed.isIgnored()).as(shape).isTrue();
            assertThat(parsed.reason())
                .as("a specific reason")
                .doesNotContain("is not one Paybridge books");
          }
          expected.accept(parsed);
        });
  }

  @Test
  void everyExpectationIsARowOfTheTable() {
    assertThat(PLUGIN.eventTable().stream().map(EventRule::eventType))
        .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @Test
  void tenantsExpectExactlyTheBookingRows() {
    assertThat(PLUGIN.subscribedEvents()).containsExactly("paid", "refund");
  }

  private static Verdict verify(WebhookRequest request) {
    try {
      return PLUGIN
          .verify(request, ACCOUNT)
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
