package io.paybridge.gateway.payeer;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events table, row by row: every status it lists has a fixture here, is delivered as Payeer
 * signs it, and does what the row says. A row added without a fixture fails {@link
 * #everyRowDoesWhatItSays}.
 */
class PayeerEventTableTest {

  private static final String SHOP = "1245370185";
  private static final String SECRET = "table-test-secret";

  private static final PayeerPlugin PLUGIN = new PayeerPlugin();
  private static final PayeerSimulator PAYEER = new PayeerSimulator(SHOP, SECRET);
  private static final Credentials CREDENTIALS =
      PLUGIN.validateCredentials(PAYEER.credentialsJson());

  /** One signed notification per status of the table. */
  private static final Map<String, Supplier<Map<String, String>>> FIXTURES =
      Map.of(
          PayeerPlugin.STATUS_SUCCESS,
          () -> PAYEER.success("1900000001", "order-1", "25.50", "USD"),
          PayeerPlugin.STATUS_FAIL,
          () -> PAYEER.signed(PAYEER.fields("1900000002", "order-2", "25.50", "USD", "fail")));

  static Stream<EventRule> rows() {
    return PLUGIN.eventTable().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowDoesWhatItSays(EventRule row) {
    assertThat(FIXTURES)
        .as("a fixture for the row %s", row.eventType())
        .containsKey(row.eventType());
    assertThat(row.what()).as("the row's sentence").hasSizeGreaterThan(20);
    WebhookRequest request =
        PAYEER.request(PayeerSimulator.form(FIXTURES.get(row.eventType()).get()));
    assertThat(PLUGIN.verify(request, CREDENTIALS).result().authentic()).isTrue();
    ParsedWebhook parsed = PLUGIN.parse(request, CREDENTIALS);
    assertThat(parsed.eventType()).isEqualTo(row.eventType());
    switch (row.action()) {
      case BOOKS -> {
        assertThat(parsed.events()).isNotEmpty();
        assertThat(parsed.reason()).isNull();
      }
      case IGNORES -> assertSpecificReason(parsed);
      case HOLDS -> assertThat(parsed.isHeld()).isTrue();
    }
  }

  @Test
  void everyFixtureIsARow() {
    assertThat(PLUGIN.eventTable().stream().map(EventRule::eventType))
        .containsExactlyInAnyOrderElementsOf(FIXTURES.keySet());
  }

  @Test
  void successBooksAPaymentKeyedByTheOperation() {
    ParsedWebhook parsed =
        PLUGIN.parse(
            PAYEER.request(PayeerSimulator.form(FIXTURES.get("success").get())), CREDENTIALS);
    assertThat(parsed.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
              assertThat(e.entryKey()).isEqualTo("payment:1900000001");
              assertThat(e.amountMinor()).isEqualTo(2550L);
            });
  }

  @Test
  void theSubscribedStatusesAreTheBookingRows() {
    assertThat(PLUGIN.subscribedEvents()).isEqualTo(List.of("success"));
  }

  /** A reason a tenant can act on: names the status and is not the SPI's generic fallback. */
  static void assertSpecificReason(ParsedWebhook parsed) {
    assertThat(parsed.isIgnored()).as("ignored").isTrue();
    assertThat(parsed.reason())
        .isNotBlank()
        .startsWith(parsed.eventType() + ": ")
        .doesNotContain("is not one Paybridge books")
        .doesNotContainIgnoringCase("not acted on")
        .hasSizeGreaterThan(parsed.eventType().length() + 30);
  }
}
