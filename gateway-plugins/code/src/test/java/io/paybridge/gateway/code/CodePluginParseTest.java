package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** How Code's webhook claims become ledger events: amounts, Kin, states, ids, times. */
class CodePluginParseTest {

  private static final String INTENT = "9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6";

  private final CodePlugin plugin = new CodePlugin();
  private final CodeWalletSimulator wallet = new CodeWalletSimulator();

  @ParameterizedTest
  @CsvSource({
    "0.25, usd, 25, USD",
    "0.01, USD, 1, USD",
    "12.3, usd, 1230, USD",
    "100, usd, 10000, USD",
    "500, jpy, 500, JPY",
    "1.234, kwd, 1234, KWD",
    "19.99, eur, 1999, EUR",
  })
  void fiatAmountsBecomeMinorUnitsWithTheCurrencysExponent(
      String amount, String currency, long minor, String code) {
    // GIVEN a paid intent as the wallet sends it, amount as a JSON number
    ParsedWebhook parsed = parse(wallet.intentSubmitted(INTENT, amount, currency));

    // THEN it is one payment of that amount, keyed by the intent
    assertThat(parsed.eventId()).isEqualTo(INTENT);
    assertThat(parsed.eventType()).isEqualTo("SUBMITTED");
    assertThat(parsed.events()).hasSize(1);
    PaymentEvent event = parsed.events().get(0);
    assertThat(event.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(event.entryKey()).isEqualTo("payment:" + INTENT);
    assertThat(event.externalPaymentId()).isEqualTo(INTENT);
    assertThat(event.amountMinor()).isEqualTo(minor);
    assertThat(event.currency()).isEqualTo(code);
    assertThat(event.feeMinor()).as("Code's fee is in quarks, not in %s", code).isNull();
    assertThat(event.customerRef()).isNull();
  }

  @Test
  void amountIsReadFromTheJsonNumberWithoutFloatingPointDrift() {
    // 0.1 + 0.2 style values: the JSON text is exact, a double sum is not.
    for (String amount : new String[] {"0.07", "0.29", "1.15", "4.35", "999999.99", "0.3"}) {
      JsonObject claims = claims().put("amount", Double.parseDouble(amount)).put("currency", "USD");
      long expected = new BigDecimal(amount).movePointRight(2).longValueExact();
      assertThat(event(wallet.sign(claims)).amountMinor()).as(amount).isEqualTo(expected);
    }
  }

  @Test
  void amountMayAlsoArriveAsAString() {
    assertThat(
            event(wallet.sign(claims().put("amount", "0.25").put("currency", "usd"))).amountMinor())
        .isEqualTo(25L);
  }

  @Test
  void quarksOnlyIsBookedInKinWithTheQuarkAsMinorUnit() {
    // GIVEN a paid intent that carries no fiat amount
    JsonObject claims = claims().put("quarks", 112_000_000L).put("fees", 1_120_000L);

    PaymentEvent event = event(wallet.sign(claims));

    // THEN the amount is the exact quark count, in KIN (1 Kin = 100 000 quarks)
    assertThat(event.currency()).isEqualTo("KIN");
    assertThat(event.amountMinor()).isEqualTo(112_000_000L);
    assertThat(event.feeMinor()).isEqualTo(1_120_000L);
  }

  @Test
  void quarksBeyondDoublePrecisionStayExact() {
    long quarks = 9_007_199_254_740_993L; // 2^53 + 1: not representable as a double
    assertThat(event(wallet.sign(claims().put("quarks", quarks))).amountMinor()).isEqualTo(quarks);
  }

  @Test
  void aKinDenominatedIntentUsesItsQuarks() {
    // GIVEN an intent priced in Kin itself: amount in Kin, quarks exact
    PaymentEvent event = event(wallet.intentSubmitted(INTENT, "1120", "kin"));

    assertThat(event.currency()).isEqualTo("KIN");
    assertThat(event.amountMinor()).isEqualTo(112_000_000L);
  }

  @Test
  void aKinAmountWithoutQuarksIsConvertedExactly() {
    JsonObject claims = claims().put("amount", "12.34567").put("currency", "KIN");

    assertThat(event(wallet.sign(claims)).amountMinor()).isEqualTo(1_234_567L);
    assertThatThrownBy(
            () -> parse(wallet.sign(claims().put("amount", "0.000001").put("currency", "KIN"))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("finer than a quark");
  }

  @Test
  void theFiatAmountWinsOverQuarksWhenBothArePresent() {
    JsonObject claims =
        claims().put("amount", 0.25).put("currency", "USD").put("quarks", 2_500_000L);

    PaymentEvent event = event(wallet.sign(claims));

    assertThat(event.currency()).isEqualTo("USD");
    assertThat(event.amountMinor()).isEqualTo(25L);
  }

  @Test
  void anAmountFinerThanTheCurrencyIsRefusedNotRounded() {
    assertThatThrownBy(() -> parse(wallet.intentSubmitted(INTENT, "0.255", "usd")))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("more precision than USD allows");
    assertThatThrownBy(() -> parse(wallet.intentSubmitted(INTENT, "1.5", "jpy")))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void anUnknownCurrencyIsMalformed() {
    assertThatThrownBy(() -> parse(wallet.sign(claims().put("amount", 1).put("currency", "XYZQ"))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("unknown currency");
  }

  @Test
  void aPaymentWithoutAnyAmountIsMalformed() {
    assertThatThrownBy(() -> parse(wallet.sign(claims())))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("payload has neither 'amount' with 'currency' nor 'quarks'");
    assertThatThrownBy(() -> parse(wallet.sign(claims().put("amount", 1))))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void aZeroOrNegativeAmountIsMalformed() {
    assertThatThrownBy(() -> parse(wallet.sign(claims().put("amount", 0).put("currency", "USD"))))
        .isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> parse(wallet.sign(claims().put("quarks", -5))))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void anotherStateIsIgnoredUnderAKeyThatCannotShadowTheSubmission() {
    ParsedWebhook parsed =
        parse(wallet.sign(new JsonObject().put("intent", INTENT).put("state", "CONFIRMED")));

    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventId()).isEqualTo(INTENT + ":CONFIRMED");
    assertThat(parsed.eventType()).isEqualTo("CONFIRMED");
    assertThat(parsed.reason())
        .isEqualTo(
            "Code intent "
                + INTENT
                + " reports state 'CONFIRMED': only a SUBMITTED payment is booked");
  }

  @Test
  void aLoginOnlyWebhookIsIgnored() {
    // Code sends only the user when the intent asked for a login and no payment.
    ParsedWebhook parsed =
        parse(
            wallet.sign(
                new JsonObject().put("user", "HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y")));

    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventId()).isEqualTo("login:HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y");
    assertThat(parsed.reason())
        .isEqualTo(
            "login-only webhook: Code user HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y logged in,"
                + " and no payment was made");
  }

  @Test
  void missingIntentOrStateIsMalformed() {
    assertThatThrownBy(
            () -> parse(wallet.sign(new JsonObject().put("state", "SUBMITTED").put("quarks", 1))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("'intent' is missing");
    assertThatThrownBy(
            () -> parse(wallet.sign(new JsonObject().put("intent", INTENT).put("quarks", 1))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("'state' is missing");
    assertThatThrownBy(
            () -> parse(wallet.sign(new JsonObject().put("intent", " ").put("state", "SUBMITTED"))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("'intent' is missing");
  }

  @Test
  void aPayloadThatIsNotAJsonObjectIsMalformed() {
    assertThatThrownBy(() -> parse(wallet.sign(CodeWalletSimulator.HEADER, "[1,2]")))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("JWT payload: body is not a JSON object");
    assertThatThrownBy(() -> parse(wallet.sign(CodeWalletSimulator.HEADER, "not json")))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageStartingWith("JWT payload: ");
    assertThatThrownBy(() -> plugin.parse(wallet.request("a.b"), wallet.credentials()))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void theLoggedInUserIsTheCustomerReference() {
    JsonObject claims =
        claims()
            .put("quarks", 100_000L)
            .put("user", "HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y");

    assertThat(event(wallet.sign(claims)).customerRef())
        .isEqualTo("HNh3mqb8bRUQ4vTvJ9mXr2bHFmt5eY2tWDnPAG1hqc1y");
  }

  @Test
  void occurredAtIsIatWhenSentElseTheArrivalTime() {
    // GIVEN the wallet's usual token, which has no iat
    WebhookRequest request =
        wallet
            .request(wallet.intentSubmitted(INTENT, "1", "usd"))
            .receivedAt(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(plugin.parse(request, wallet.credentials()).events().get(0).occurredAt())
        .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));

    // AND tokens that carry one, whole or fractional
    assertThat(
            event(wallet.sign(claims().put("quarks", 1).put("iat", 1_714_557_600L))).occurredAt())
        .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(
            event(wallet.sign(claims().put("quarks", 1).put("iat", 1_714_557_600.5))).occurredAt())
        .isEqualTo(Instant.parse("2024-05-01T10:00:00.500Z"));
    assertThatThrownBy(() -> parse(wallet.sign(claims().put("quarks", 1).put("iat", "yesterday"))))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("'iat' should be a number of seconds");
  }

  @Test
  void parsingIsDeterministic() {
    String jwt = wallet.intentSubmitted(INTENT, "3.10", "eur");
    WebhookRequest request = wallet.request(jwt);

    assertThat(plugin.parse(request, wallet.credentials()))
        .isEqualTo(plugin.parse(request, wallet.credentials()));
  }

  @ParameterizedTest
  @EnumSource(Outcome.class)
  void everyOutcomeIsAnsweredWithExactly200(Outcome outcome) {
    WebhookRequest request = wallet.request(wallet.intentSubmitted(INTENT, "1", "usd"));
    ParsedWebhook parsed = plugin.parse(request, wallet.credentials());

    WebhookAnswer answer = plugin.acknowledge(request, parsed, outcome);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void theRequestBodyIsReadAsReceived() {
    // GIVEN the same token in a buffer built from bytes
    String jwt = wallet.intentSubmitted(INTENT, "2.50", "usd");
    WebhookRequest request =
        wallet.request(jwt).withBody(Buffer.buffer(jwt.getBytes(StandardCharsets.US_ASCII)));

    assertThat(plugin.parse(request, wallet.credentials()).events().get(0).amountMinor())
        .isEqualTo(250L);
  }

  private JsonObject claims() {
    return new JsonObject().put("intent", INTENT).put("state", "SUBMITTED");
  }

  private ParsedWebhook parse(String jwt) {
    return plugin.parse(wallet.request(jwt), wallet.credentials());
  }

  private PaymentEvent event(String jwt) {
    ParsedWebhook parsed = parse(jwt);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }
}
