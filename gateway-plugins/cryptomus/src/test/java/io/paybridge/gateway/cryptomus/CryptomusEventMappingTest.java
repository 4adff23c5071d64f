package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each Cryptomus webhook means for the ledger. */
class CryptomusEventMappingTest {

  private static final String MERCHANT = "c26b80a8-9549-4a66-bb53-774f12809249";
  private static final String KEY = "mappingTestPaymentKey7Qz3Xw9Lr2Bn5Vt8";

  private final CryptomusPlugin plugin = new CryptomusPlugin();
  private final CryptomusSimulator cryptomus = new CryptomusSimulator(MERCHANT, KEY);
  private final Credentials credentials = credentials(null);

  private Credentials credentials(String customerRefKey) {
    JsonObject submitted = new JsonObject().put("merchantId", MERCHANT).put("paymentApiKey", KEY);
    if (customerRefKey != null) {
      submitted.put("customerRefKey", customerRefKey);
    }
    return plugin.validateCredentials(submitted);
  }

  private ParsedWebhook parse(String body) {
    return parse(body, credentials);
  }

  private ParsedWebhook parse(String body, Credentials creds) {
    WebhookRequest request = cryptomus.request(body);
    assertThat(plugin.verify(request, creds).result().authentic()).isTrue();
    return plugin.parse(request, creds);
  }

  private PaymentEvent single(String body) {
    ParsedWebhook parsed = parse(body);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  // ---- payments

  @Test
  void paidInvoiceIsAPaymentOfTheInvoicedFiatAmount() {
    String uuid = CryptomusSimulator.newUuid();
    WebhookRequest request = cryptomus.request(cryptomus.paid(uuid, "order-42", "16.99", "USD"));
    ParsedWebhook parsed = plugin.parse(request, credentials);

    assertThat(parsed.eventId()).isEqualTo(uuid + ":paid");
    assertThat(parsed.eventType()).isEqualTo("paid");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:" + uuid);
    assertThat(e.amountMinor()).isEqualTo(1699L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo(uuid);
    assertThat(e.customerRef()).isEqualTo("order-42");
    assertThat(e.feeMinor()).as("commission is in the payer's coin").isNull();
    assertThat(e.occurredAt()).as("Cryptomus sends no time").isEqualTo(request.receivedAt());
  }

  @Test
  void fiatAmountsUseTheCurrencysRealExponent() {
    assertThat(
            single(cryptomus.paid(CryptomusSimulator.newUuid(), "o", "5000", "JPY")).amountMinor())
        .isEqualTo(5000L);
    PaymentEvent dinar = single(cryptomus.paid(CryptomusSimulator.newUuid(), "o", "12.345", "KWD"));
    assertThat(dinar.amountMinor()).isEqualTo(12_345L);
    assertThat(dinar.currency()).isEqualTo("KWD");
    assertThat(
            single(cryptomus.paid(CryptomusSimulator.newUuid(), "o", "1499", "RUB")).amountMinor())
        .isEqualTo(149_900L);
  }

  @Test
  void finalOverpaymentBooksTheInvoicedAmount() {
    String uuid = CryptomusSimulator.newUuid();
    ParsedWebhook parsed = parse(cryptomus.paidOver(uuid, "order-43", "20", "EUR"));
    assertThat(parsed.eventId()).isEqualTo(uuid + ":paid_over");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey())
        .as("the same money movement as a paid webhook of the invoice")
        .isEqualTo("payment:" + uuid);
    assertThat(e.amountMinor()).isEqualTo(2000L);
  }

  @Test
  void aNonFinalOverpaymentIsIgnoredUntilFinal() {
    String uuid = CryptomusSimulator.newUuid();
    JsonObject fields = cryptomus.invoice(uuid, "order-44", "20", "EUR", "paid_over");
    for (Object notFinal : new Object[] {false, null, "0"}) {
      fields.put("is_final", notFinal);
      ParsedWebhook parsed = parse(cryptomus.webhook(fields));
      assertThat(parsed.isIgnored()).as("is_final %s", notFinal).isTrue();
      assertThat(parsed.eventId())
          .as("not the final webhook's dedupe key, so that one is not a duplicate of this")
          .isEqualTo(uuid + ":paid_over:not_final");
      assertThat(parsed.reason())
          .startsWith("paid_over: invoice " + uuid + " (order order-44)")
          .contains("is_final false");
    }
    fields.put("is_final", "1");
    ParsedWebhook last = parse(cryptomus.webhook(fields));
    assertThat(last.events()).hasSize(1);
    assertThat(last.eventId()).isEqualTo(uuid + ":paid_over");
  }

  @Test
  void cryptoInvoicesBookTheirUsDollarValue() {
    String uuid = CryptomusSimulator.newUuid();
    JsonObject fields =
        cryptomus
            .invoice(uuid, "order-45", "3", "TRX", "paid")
            .put("payment_amount_usd", "0.23")
            .put("type", "wallet");
    PaymentEvent e = single(cryptomus.webhook(fields));
    assertThat(e.amountMinor()).isEqualTo(23L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.entryKey()).isEqualTo("payment:" + uuid);

    fields.remove("payment_amount_usd");
    assertThatThrownBy(() -> parse(cryptomus.webhook(fields)))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("TRX")
        .hasMessageContaining("payment_amount_usd")
        .hasMessageNotContaining("null");
  }

  @Test
  void theCustomerReferenceIsTheOrderIdOrTheAdditionalData() {
    JsonObject fields =
        cryptomus
            .invoice(CryptomusSimulator.newUuid(), "order-46", "9", "USD", "paid")
            .put("additional_data", "user:7781");
    String body = cryptomus.webhook(fields);
    assertThat(parse(body).events().get(0).customerRef()).isEqualTo("order-46");
    assertThat(parse(body, credentials("additional_data")).events().get(0).customerRef())
        .isEqualTo("user:7781");

    fields.put("additional_data", null);
    assertThat(
            parse(cryptomus.webhook(fields), credentials("additional_data"))
                .events()
                .get(0)
                .customerRef())
        .isNull();
  }

  // ---- refunds

  @Test
  void paidRefundIsANegativeRefundOfTheInvoice() {
    String uuid = CryptomusSimulator.newUuid();
    ParsedWebhook parsed = parse(cryptomus.refundPaid(uuid, "order-47", "16.99", "USD"));
    assertThat(parsed.eventId()).isEqualTo(uuid + ":refund_paid");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:" + uuid);
    assertThat(e.amountMinor()).isEqualTo(-1699L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo(uuid);
    assertThat(e.customerRef()).isEqualTo("order-47");
  }

  @Test
  void refundOfACryptoInvoiceIsItsUsDollarValueNegative() {
    JsonObject fields =
        cryptomus
            .invoice(CryptomusSimulator.newUuid(), "order-48", "0.001", "BTC", "refund_paid")
            .put("payment_amount_usd", "61.20");
    PaymentEvent e = single(cryptomus.webhook(fields));
    assertThat(e.amountMinor()).isEqualTo(-6120L);
    assertThat(e.currency()).isEqualTo("USD");
  }

  // ---- ignored and malformed

  @Test
  void everyOtherStatusIsAuthenticButIgnored() {
    for (String status :
        List.of(
            "check",
            "process",
            "confirm_check",
            "wrong_amount_waiting",
            "wrong_amount",
            "fail",
            "cancel",
            "system_fail",
            "refund_process",
            "refund_fail",
            "locked")) {
      String uuid = CryptomusSimulator.newUuid();
      ParsedWebhook parsed =
          parse(cryptomus.webhook(cryptomus.invoice(uuid, "o", "10", "USD", status)));
      assertThat(parsed.isIgnored()).as(status).isTrue();
      assertThat(parsed.eventId()).isEqualTo(uuid + ":" + status);
      assertThat(parsed.eventType()).isEqualTo(status);
      assertThat(parsed.reason())
          .as(status)
          .startsWith(status + ": invoice " + uuid + " (order o)");
    }
  }

  @Test
  void anUnderpaymentSaysWhatArrivedAndIsNotBooked() {
    String uuid = CryptomusSimulator.newUuid();
    JsonObject fields =
        cryptomus
            .invoice(uuid, "order-49", "50", "USD", "wrong_amount")
            .put("payment_amount", "41.20000000")
            .put("payment_amount_usd", "41.20");
    ParsedWebhook parsed = parse(cryptomus.webhook(fields));
    assertThat(parsed.events()).isEmpty();
    assertThat(parsed.reason())
        .isEqualTo(
            "wrong_amount: invoice "
                + uuid
                + " (order order-49), paid 41.20000000 USDT (about 41.20 USD) of 50.00000000 USD"
                + " invoiced: the payer sent less than invoiced and the invoice is closed; an"
                + " underpaid invoice is not booked as a payment of the order: settle it with the"
                + " payer in the Cryptomus dashboard (refund what arrived, or collect the rest)");
  }

  @Test
  void aStatusCryptomusDoesNotDocumentIsIgnoredNamingIt() {
    String uuid = CryptomusSimulator.newUuid();
    ParsedWebhook parsed =
        parse(cryptomus.webhook(cryptomus.invoice(uuid, "o-1", "10", "USD", "chargeback")));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason())
        .isEqualTo(
            "chargeback: not a status Cryptomus documents for payment webhooks, so invoice "
                + uuid
                + " (order o-1) is not booked; check it in the Cryptomus dashboard");
  }

  @Test
  void brokenBodiesAreMalformedWithClearMessages() {
    JsonObject good = cryptomus.invoice(CryptomusSimulator.newUuid(), "o", "10", "USD", "paid");
    assertMalformed(good.copy().put("amount", "ten"), "amount");
    assertMalformed(good.copy().put("amount", "0.00000000"), "not positive");
    assertMalformed(good.copy().put("amount", "10.001"), "precision");
    assertMalformed(good.copy().put("amount", new JsonObject()), "amount");
    assertMalformed(without(good, "uuid"), "uuid");
    assertMalformed(without(good, "status"), "status");
    assertMalformed(without(good, "currency"), "currency");
    assertMalformed(good.copy().put("status", "paid_over").put("is_final", "maybe"), "is_final");
  }

  private static JsonObject without(JsonObject fields, String name) {
    JsonObject copy = fields.copy();
    copy.remove(name);
    return copy;
  }

  private void assertMalformed(JsonObject fields, String mentioning) {
    String body = cryptomus.webhook(fields);
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining(mentioning)
        .hasMessageNotContaining("null");
  }
}
