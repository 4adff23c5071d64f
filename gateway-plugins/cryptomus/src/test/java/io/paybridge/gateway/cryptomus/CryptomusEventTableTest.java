package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events table, row by row and in both webhook shapes Cryptomus sends (an invoice, {@code type}
 * {@code payment}, and a static wallet payment, {@code type} {@code wallet}): every status the
 * table lists has fixtures here and does what its row says. A row added without a fixture fails
 * {@link #everyRowHasFixtures}.
 */
class CryptomusEventTableTest {

  private static final String MERCHANT = "c26b80a8-9549-4a66-bb53-774f12809249";
  private static final String KEY = "tableTestPaymentKey4Hs8Mk1Pq6Zc3Wy7Rd";

  private static final CryptomusPlugin PLUGIN = new CryptomusPlugin();
  private static final CryptomusSimulator CRYPTOMUS = new CryptomusSimulator(MERCHANT, KEY);
  private static final Credentials CREDENTIALS =
      PLUGIN.validateCredentials(CRYPTOMUS.credentialsJson());

  /** Statuses Cryptomus sends for static wallet payments too (the others belong to invoices). */
  private static final Set<String> WALLET_STATUSES =
      Set.of(
          "paid",
          "check",
          "confirm_check",
          "fail",
          "system_fail",
          "refund_process",
          "refund_fail",
          "refund_paid",
          "locked");

  /** The booked kind, sign and key prefix of each booking row. */
  private static final Map<String, Booking> BOOKINGS =
      Map.of(
          "paid", new Booking(EventKind.PAYMENT, 1, "payment:"),
          "paid_over", new Booking(EventKind.PAYMENT, 1, "payment:"),
          "refund_paid", new Booking(EventKind.REFUND, -1, "refund:"));

  private record Booking(EventKind kind, int sign, String keyPrefix) {}

  /** A webhook of {@code status} in {@code shape}, as Cryptomus signs it. */
  private static JsonObject fixture(String status, String shape, String uuid) {
    if (shape.equals("wallet")) {
      return CRYPTOMUS.walletPayment(
          uuid, CryptomusSimulator.newUuid(), "wallet-user-5", "25", status);
    }
    JsonObject invoice = CRYPTOMUS.invoice(uuid, "order-" + status, "20", "USD", status);
    if (status.equals("paid_over")) {
      invoice.put("payment_amount", "22.00000000").put("payment_amount_usd", "22.00");
    }
    if (status.startsWith("wrong_amount")) {
      invoice.put("payment_amount", "15.00000000").put("payment_amount_usd", "15.00");
    }
    return invoice;
  }

  static Stream<Arguments> rowsAndShapes() {
    return PLUGIN.eventTable().stream()
        .flatMap(
            row ->
                (WALLET_STATUSES.contains(row.eventType())
                        ? Stream.of("payment", "wallet")
                        : Stream.of("payment"))
                    .map(shape -> Arguments.of(row, shape)));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("rowsAndShapes")
  void everyRowDoesWhatItSaysInEveryShape(EventRule row, String shape) {
    String uuid = CryptomusSimulator.newUuid();
    WebhookRequest request =
        CRYPTOMUS.request(CRYPTOMUS.webhook(fixture(row.eventType(), shape, uuid)));
    assertThat(PLUGIN.verify(request, CREDENTIALS).result().authentic()).isTrue();
    ParsedWebhook parsed = PLUGIN.parse(request, CREDENTIALS);
    assertThat(parsed.eventType()).isEqualTo(row.eventType());
    assertThat(parsed.eventId()).isEqualTo(uuid + ":" + row.eventType());
    switch (row.action()) {
      case BOOKS -> {
        Booking booking = BOOKINGS.get(row.eventType());
        assertThat(booking).as("the expected booking of %s", row.eventType()).isNotNull();
        PaymentEvent event = parsed.events().get(0);
        assertThat(parsed.events()).hasSize(1);
        assertThat(event.kind()).isEqualTo(booking.kind());
        assertThat(event.entryKey()).isEqualTo(booking.keyPrefix() + uuid);
        assertThat(Long.signum(event.amountMinor())).isEqualTo(booking.sign());
        assertThat(event.amountMinor())
            .as("20 USD invoiced, or 25 USDT worth 25.00 USD")
            .isEqualTo(booking.sign() * (shape.equals("wallet") ? 2500L : 2000L));
        assertThat(event.currency()).isEqualTo("USD");
        assertThat(row.what()).contains(booking.keyPrefix());
      }
      case IGNORES -> {
        assertSpecificReason(parsed);
        assertThat(parsed.reason())
            .contains(uuid)
            .contains(shape.equals("wallet") ? "static wallet payment" : "invoice")
            .endsWith(row.what());
      }
      case HOLDS -> throw new AssertionError("Cryptomus needs no API, so nothing holds");
    }
  }

  @Test
  void everyRowHasFixtures() {
    Map<String, EventRule.Action> actions = new LinkedHashMap<>();
    PLUGIN.eventTable().forEach(row -> actions.put(row.eventType(), row.action()));
    assertThat(actions.keySet())
        .as("every status Cryptomus documents for payments, and nothing else")
        .containsExactlyInAnyOrder(
            "paid",
            "paid_over",
            "wrong_amount",
            "process",
            "confirm_check",
            "wrong_amount_waiting",
            "check",
            "fail",
            "cancel",
            "system_fail",
            "refund_process",
            "refund_fail",
            "refund_paid",
            "locked");
    actions.forEach(
        (status, action) ->
            assertThat(action == EventRule.Action.BOOKS)
                .as("%s books exactly when a booking is expected", status)
                .isEqualTo(BOOKINGS.containsKey(status)));
    assertThat(WALLET_STATUSES).allMatch(actions::containsKey);
  }

  @Test
  void aNonFinalOverpaymentWaitsForTheFinalOne() {
    String uuid = CryptomusSimulator.newUuid();
    JsonObject early = fixture("paid_over", "payment", uuid).put("is_final", false);
    ParsedWebhook parsed = PLUGIN.parse(CRYPTOMUS.request(CRYPTOMUS.webhook(early)), CREDENTIALS);
    assertSpecificReason(parsed);
    assertThat(parsed.eventId()).isEqualTo(uuid + ":paid_over:not_final");
  }

  @Test
  void theSubscribedStatusesAreTheBookingRows() {
    assertThat(PLUGIN.subscribedEvents()).isEqualTo(List.of("paid", "paid_over", "refund_paid"));
  }

  @Test
  void anUnderpaymentIsNotBookedEvenThoughMoneyArrived() {
    String uuid = CryptomusSimulator.newUuid();
    JsonObject under = fixture("wrong_amount", "payment", uuid);
    assertThat(new BigDecimal(under.getString("payment_amount_usd")))
        .isLessThan(new BigDecimal(under.getString("amount")));
    ParsedWebhook parsed = PLUGIN.parse(CRYPTOMUS.request(CRYPTOMUS.webhook(under)), CREDENTIALS);
    assertThat(parsed.events()).isEmpty();
    assertThat(parsed.reason())
        .contains("paid 15.00000000 USDT (about 15.00 USD) of 20.00000000 USD invoiced");
  }

  /** A reason a tenant can act on: names the status and is not the SPI's generic fallback. */
  static void assertSpecificReason(ParsedWebhook parsed) {
    assertThat(parsed.isIgnored()).as("ignored").isTrue();
    assertThat(parsed.isHeld()).isFalse();
    assertThat(parsed.reason())
        .isNotBlank()
        .startsWith(parsed.eventType() + ": ")
        .doesNotContain("is not one Paybridge books")
        .doesNotContainIgnoringCase("not acted on")
        .hasSizeGreaterThan(parsed.eventType().length() + 30);
  }
}
