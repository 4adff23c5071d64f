package io.paybridge.gateway.anypay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each Anypay notification means for the ledger. */
class AnypayEventMappingTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "mapping-test-secret";

  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypaySimulator anypay = new AnypaySimulator(PROJECT, SECRET);

  /** A sha256 account that lists Anypay's sender addresses, so that its refunds are booked. */
  private final Credentials credentials =
      plugin.validateCredentials(
          anypay.credentialsJson().put("allowedIps", String.join(",", AnypayPlugin.PUBLISHED_IPS)));

  private ParsedWebhook parse(Map<String, String> fields) {
    WebhookRequest request = anypay.request(AnypaySimulator.form(fields));
    assertThat(plugin.verify(request, credentials).result().authentic()).isTrue();
    return plugin.parse(request, credentials);
  }

  private PaymentEvent single(Map<String, String> fields) {
    ParsedWebhook parsed = parse(fields);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  @Test
  void paidIsAPaymentOfTheOrder() {
    Map<String, String> fields = anypay.notification("4950030", "1335", "1250.00", "RUB", "paid");
    fields.put("completed_date", "26.11.2019 17:12:12");
    ParsedWebhook parsed = parse(anypay.signed(fields));

    assertThat(parsed.eventId()).isEqualTo("1335:paid");
    assertThat(parsed.eventType()).isEqualTo("paid");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:1335");
    assertThat(e.amountMinor()).isEqualTo(125_000L);
    assertThat(e.currency()).isEqualTo("RUB");
    assertThat(e.customerRef()).isEqualTo("1335");
    assertThat(e.externalPaymentId()).isEqualTo("1335");
    assertThat(e.email()).isEqualTo("buyer@example.com");
    assertThat(e.occurredAt()).as("Moscow time").isEqualTo(Instant.parse("2019-11-26T14:12:12Z"));
  }

  @Test
  void refundIsANegativeRefundThatIsNotADuplicateOfThePayment() {
    ParsedWebhook paid = parse(anypay.notification("4950040", "1336", "500.00", "UAH", "paid"));
    ParsedWebhook refund = parse(anypay.notification("4950041", "1336", "500.00", "UAH", "refund"));

    assertThat(refund.eventId()).isEqualTo("1336:refund:4950041").isNotEqualTo(paid.eventId());
    PaymentEvent e = refund.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:4950041");
    assertThat(e.externalPaymentId()).isEqualTo("1336");
    assertThat(e.amountMinor()).isEqualTo(-50_000L);
    assertThat(e.currency()).isEqualTo("UAH");
    assertThat(e.customerRef()).isEqualTo("1336");
  }

  @Test
  void aRepeatedConfirmationIsTheSameEvent() {
    Map<String, String> first = anypay.notification("4950041", "1337", "10.00", "RUB", "paid");
    ParsedWebhook again = parse(anypay.notification("4950041", "1337", "10.00", "RUB", "paid"));
    assertThat(parse(first).eventId()).isEqualTo(again.eventId());
    assertThat(parse(first).events().get(0).entryKey()).isEqualTo(again.events().get(0).entryKey());
  }

  @Test
  void amountsUseTheCurrencysRealExponent() {
    assertThat(single(anypay.signedOnly("1", "15.5", "USD", "paid")).amountMinor())
        .isEqualTo(1550L);
    assertThat(single(anypay.signedOnly("2", "5000", "KZT", "paid")).amountMinor())
        .isEqualTo(500_000L);
    PaymentEvent byn = single(anypay.signedOnly("3", "12.34", "BYN", "paid"));
    assertThat(byn.amountMinor()).isEqualTo(1234L);
    assertThat(byn.currency()).isEqualTo("BYN");
    assertThat(single(anypay.signedOnly("4", "100", "rub", "paid")).currency()).isEqualTo("RUB");
  }

  @Test
  void otherStatusesAndTestPaymentsAreAuthenticButIgnored() {
    for (String status : List.of("partially-paid", "waiting", "canceled", "expired", "error")) {
      ParsedWebhook parsed = parse(anypay.notification("1", "1338", "10.00", "RUB", status));
      assertThat(parsed.isIgnored()).as(status).isTrue();
      assertThat(parsed.eventId()).isEqualTo("1338:" + status);
      assertThat(parsed.eventType()).isEqualTo(status);
      assertThat(parsed.reason())
          .as(status)
          .startsWith("order 1338")
          .doesNotContain("Paybridge books");
    }
    Map<String, String> test = anypay.notification("2", "1339", "10.00", "RUB", "paid");
    test.put("test", "1");
    ParsedWebhook testPayment = parse(anypay.signed(test));
    assertThat(testPayment.isIgnored()).isTrue();
    assertThat(testPayment.eventId()).isEqualTo("1339:paid:test");
    assertThat(testPayment.reason()).startsWith("Anypay test notification (test=1) for order 1339");

    ParsedWebhook unknown = parse(anypay.notification("3", "1340", "10.00", "RUB", "on-hold"));
    assertThat(unknown.isIgnored()).isTrue();
    assertThat(unknown.reason())
        .isEqualTo(
            "Anypay status 'on-hold' of order 1340 is not one Paybridge knows; only paid and"
                + " refund are booked");
  }

  @Test
  void unsignedInformationThatCannotBeStoredIsLeftOut() {
    Map<String, String> fields = anypay.notification("4950050", "1340", "10.00", "RUB", "paid");
    fields.put("email", "x".repeat(300));
    fields.put("transaction_id", "a\u0000b");
    fields.put("completed_date", "yesterday");
    WebhookRequest request = anypay.request(AnypaySimulator.form(anypay.signed(fields)));
    PaymentEvent e = plugin.parse(request, credentials).events().get(0);
    assertThat(e.email()).isNull();
    assertThat(e.externalPaymentId()).as("the signed order number").isEqualTo("1340");
    assertThat(e.occurredAt()).isEqualTo(request.receivedAt());
    assertThat(e.amountMinor()).isEqualTo(1000L);
  }

  @Test
  void brokenNotificationsAreMalformedWithClearMessages() {
    assertMalformed(anypay.signedOnly("1", "ten", "RUB", "paid"), "amount");
    assertMalformed(anypay.signedOnly("1", "0.00", "RUB", "paid"), "positive");
    assertMalformed(anypay.signedOnly("1", "1.001", "RUB", "paid"), "precision");
    assertMalformed(anypay.signedOnly("1", "1.00", "RUB", "refund"), "transaction_id");
    Map<String, String> oddId = anypay.notification("49 50", "1", "1.00", "RUB", "refund");
    assertMalformed(oddId, "transaction_id");
    assertMalformed(anypay.signedOnly("1", "1.00", "RUBLES", "paid"), "currency");
    assertMalformed(anypay.signedOnly("", "1.00", "RUB", "paid"), "pay_id");
    assertMalformed(anypay.signedOnly("1", "1.00", "RUB", ""), "status");
  }

  private void assertMalformed(Map<String, String> fields, String mentioning) {
    WebhookRequest request = anypay.request(AnypaySimulator.form(fields));
    assertThat(plugin.verify(request, credentials).result().authentic()).isTrue();
    assertThatThrownBy(() -> plugin.parse(request, credentials))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining(mentioning)
        .hasMessageNotContaining("null");
  }
}
