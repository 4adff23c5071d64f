package io.paybridge.gateway.payeer;

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

/** What each Payeer notification means for the ledger. */
class PayeerEventMappingTest {

  private static final String SHOP = "1245370185";
  private static final String SECRET = "mapping-test-secret";

  private final PayeerPlugin plugin = new PayeerPlugin();
  private final PayeerSimulator payeer = new PayeerSimulator(SHOP, SECRET);
  private final Credentials credentials = plugin.validateCredentials(payeer.credentialsJson());

  private ParsedWebhook parse(Map<String, String> fields) {
    WebhookRequest request = payeer.request(PayeerSimulator.form(fields));
    assertThat(plugin.verify(request, credentials).result().authentic()).isTrue();
    return plugin.parse(request, credentials);
  }

  private PaymentEvent single(Map<String, String> fields) {
    ParsedWebhook parsed = parse(fields);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  @Test
  void successIsAPaymentOfTheOrder() {
    Map<String, String> fields = payeer.success("1893551843", "order-42", "149.90", "RUB");
    ParsedWebhook parsed = parse(fields);

    assertThat(parsed.eventId()).isEqualTo("1893551843");
    assertThat(parsed.eventType()).isEqualTo("success");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:1893551843");
    assertThat(e.amountMinor()).isEqualTo(14_990L);
    assertThat(e.currency()).isEqualTo("RUB");
    assertThat(e.externalPaymentId()).isEqualTo("order-42");
    assertThat(e.customerRef()).isEqualTo("order-42");
    assertThat(e.email()).isNull();
    assertThat(e.feeMinor()).isNull();
  }

  @Test
  void theTimeIsThePayDateInMoscowTime() {
    Map<String, String> fields = payeer.fields("1000000010", "o", "1.00", "USD", "success");
    fields.put("m_operation_date", "21.03.2024 14:05:33");
    fields.put("m_operation_pay_date", "21.03.2024 14:06:10");
    assertThat(single(payeer.signed(fields)).occurredAt())
        .isEqualTo(Instant.parse("2024-03-21T11:06:10Z"));

    fields.put("m_operation_pay_date", "");
    assertThat(single(payeer.signed(fields)).occurredAt())
        .as("operation date when there is no pay date")
        .isEqualTo(Instant.parse("2024-03-21T11:05:33Z"));

    fields.put("m_operation_date", "2024-03-21T14:05:33");
    WebhookRequest request = payeer.request(PayeerSimulator.form(payeer.signed(fields)));
    assertThat(plugin.parse(request, credentials).events().get(0).occurredAt())
        .as("the receiving time when neither is in Payeer's form")
        .isEqualTo(request.receivedAt());
  }

  @Test
  void amountsUseTheCurrencysRealExponent() {
    assertThat(single(payeer.success("1000000011", "o", "10.00", "USD")).amountMinor())
        .isEqualTo(1000L);
    assertThat(single(payeer.success("1000000012", "o", "0.5", "EUR")).amountMinor())
        .isEqualTo(50L);
    PaymentEvent yen = single(payeer.success("1000000013", "o", "500", "JPY"));
    assertThat(yen.amountMinor()).isEqualTo(500L);
    assertThat(yen.currency()).isEqualTo("JPY");
    assertThat(single(payeer.success("1000000014", "o", "1.250", "KWD")).amountMinor())
        .isEqualTo(1250L);
  }

  @Test
  void failIsAuthenticButIgnoredWithItsReason() {
    ParsedWebhook parsed =
        parse(payeer.signed(payeer.fields("1000000021", "order-9", "1.00", "USD", "fail")));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.isHeld()).isFalse();
    assertThat(parsed.eventId()).isEqualTo("1000000021");
    assertThat(parsed.eventType()).isEqualTo("fail");
    assertThat(parsed.reason())
        .startsWith("fail: ")
        .contains("1000000021")
        .contains("order-9")
        .contains("nothing to book");
  }

  @Test
  void undocumentedStatusesAreIgnoredNamingTheStatus() {
    for (String status : List.of("wait", "process", "chargeback")) {
      ParsedWebhook parsed =
          parse(payeer.signed(payeer.fields("1000000020", "o", "1.00", "USD", status)));
      assertThat(parsed.isIgnored()).as(status).isTrue();
      assertThat(parsed.eventId()).isEqualTo("1000000020");
      assertThat(parsed.eventType()).isEqualTo(status);
      assertThat(parsed.reason())
          .as(status)
          .startsWith(status + ": not a status Payeer documents")
          .contains("1000000020");
    }
  }

  @Test
  void brokenFormsAreMalformedWithClearMessages() {
    assertMalformed(payeer.fields("1000000030", "o", "ten", "USD", "success"), "amount");
    assertMalformed(payeer.fields("1000000031", "o", "0.00", "USD", "success"), "positive");
    assertMalformed(payeer.fields("1000000032", "o", "1.001", "USD", "success"), "precision");
    assertMalformed(payeer.fields("1000000033", "o", "1.00", "DOLLARS", "success"), "currency");
    assertMalformed(payeer.fields("", "o", "1.00", "USD", "success"), "m_operation_id");
    assertMalformed(payeer.fields("1000000034", "o", "1.00", "USD", ""), "m_status");
  }

  private void assertMalformed(Map<String, String> fields, String mentioning) {
    WebhookRequest request = payeer.request(PayeerSimulator.form(payeer.signed(fields)));
    assertThat(plugin.verify(request, credentials).result().authentic()).isTrue();
    assertThatThrownBy(() -> plugin.parse(request, credentials))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining(mentioning)
        .hasMessageNotContaining("null");
  }
}
