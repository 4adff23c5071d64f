package io.paybridge.gateway.anypay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a replayer can change in a captured notification is exactly what its scheme does not sign:
 * with {@code md5}, the status and the currency; with either scheme, {@code test} and {@code
 * transaction_id}. None of those changes may book money that did not move, or hide money that did.
 */
class AnypayUnsignedFieldsTest {

  private static final String PROJECT = "1399";
  private static final String SECRET = "unsigned-fields-secret";
  private static final String ANYPAY = String.join(",", AnypayPlugin.PUBLISHED_IPS);

  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypaySimulator md5Anypay = new AnypaySimulator(PROJECT, SECRET, "md5");
  private final AnypaySimulator sha256Anypay = new AnypaySimulator(PROJECT, SECRET);

  private final Credentials md5Account =
      plugin.validateCredentials(
          new JsonObject()
              .put("projectId", PROJECT)
              .put("secretKey", SECRET)
              .put("signScheme", "md5")
              .put("allowedIps", ANYPAY)
              .put("accountCurrency", "rub"));

  private final Credentials sha256Account =
      plugin.validateCredentials(
          new JsonObject()
              .put("projectId", PROJECT)
              .put("secretKey", SECRET)
              .put("allowedIps", ANYPAY));

  private final Credentials sha256WithoutAllowList =
      plugin.validateCredentials(
          new JsonObject().put("projectId", PROJECT).put("secretKey", SECRET));

  private Verdict verify(WebhookRequest request, Credentials account) {
    try {
      return plugin
          .verify(request, account)
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The delivery verifies under the account (its signature cannot tell) and is parsed. */
  private ParsedWebhook deliver(AnypaySimulator anypay, Map<String, String> fields, Credentials a) {
    WebhookRequest request = anypay.request(AnypaySimulator.form(fields));
    Verdict verdict = verify(request, a);
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    return plugin.parse(request, a);
  }

  /** A captured notification with one parameter changed and the signature kept. */
  private static Map<String, String> tampered(Map<String, String> captured, String name, String v) {
    Map<String, String> copy = new LinkedHashMap<>(captured);
    copy.put(name, v);
    return copy;
  }

  // ---- md5: book only payments, only in the account's currency, only with an allow list

  @Test
  void anMd5PaidReplayedAsARefundBooksNothing() {
    // GIVEN a genuine md5 payment notification, which signs merchant_id, amount and pay_id only
    Map<String, String> paid = md5Anypay.notification("4950100", "2001", "990.00", "RUB", "paid");
    assertThat(deliver(md5Anypay, paid, md5Account).events()).hasSize(1);

    // WHEN it is replayed with status=refund, which md5 does not sign
    ParsedWebhook replayed = deliver(md5Anypay, tampered(paid, "status", "refund"), md5Account);

    // THEN nothing is booked, and the receipt says why
    assertThat(replayed.events()).isEmpty();
    assertThat(replayed.isIgnored()).isTrue();
    assertThat(replayed.reason())
        .startsWith("refund of order 2001 not booked: the md5 scheme signs neither status nor")
        .contains("md5 accounts book only payments");
  }

  @Test
  void anMd5PaidReplayedInAnotherCurrencyBooksNothing() {
    Map<String, String> paid = md5Anypay.notification("4950101", "2002", "990.00", "RUB", "paid");

    ParsedWebhook inUsd = deliver(md5Anypay, tampered(paid, "currency", "USD"), md5Account);

    assertThat(inUsd.events()).isEmpty();
    assertThat(inUsd.reason())
        .isEqualTo(
            "payment of order 2002 in USD not booked: the md5 scheme does not sign the currency,"
                + " and this account books md5 payments only in its accountCurrency RUB");
    assertThat(inUsd.eventId())
        .as("its receipt cannot stand in for the order's real payment")
        .isEqualTo("2002:paid:USD")
        .isNotEqualTo(deliver(md5Anypay, paid, md5Account).eventId());
  }

  @Test
  void anMd5PaymentInTheAccountsCurrencyIsBooked() {
    PaymentEvent e =
        deliver(
                md5Anypay,
                md5Anypay.notification("4950102", "2003", "990.00", "rub", "paid"),
                md5Account)
            .events()
            .get(0);

    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:2003");
    assertThat(e.amountMinor()).isEqualTo(99_000L);
    assertThat(e.currency()).isEqualTo("RUB");
  }

  @Test
  void anMd5AccountWithoutAnAllowListBooksNothing() {
    // The schema refuses it when the tenant saves it...
    assertThatThrownBy(
            () ->
                plugin.validateCredentials(
                    new JsonObject()
                        .put("projectId", PROJECT)
                        .put("secretKey", SECRET)
                        .put("signScheme", "md5")
                        .put("accountCurrency", "RUB")))
        .isInstanceOf(InvalidCredentialsException.class)
        .satisfies(
            e -> assertThat(((InvalidCredentialsException) e).field()).isEqualTo("allowedIps"));

    // ...and an account stored without one (saved before the rule) verifies nothing
    Credentials unguarded =
        Credentials.of(
            "projectId",
            PROJECT,
            "secretKey",
            SECRET,
            "signScheme",
            "md5",
            "accountCurrency",
            "RUB");
    WebhookRequest request =
        md5Anypay.request(
            AnypaySimulator.form(
                md5Anypay.notification("4950103", "2004", "10.00", "RUB", "paid")));
    Verdict verdict = verify(request, unguarded);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("without allowedIps");
    // AND parsing alone would not book it either
    assertThat(plugin.parse(request, unguarded).events()).isEmpty();
  }

  @Test
  void anMd5AccountMustNameItsCurrency() {
    JsonObject submitted =
        new JsonObject()
            .put("projectId", PROJECT)
            .put("secretKey", SECRET)
            .put("signScheme", "md5")
            .put("allowedIps", ANYPAY);
    assertThatThrownBy(() -> plugin.validateCredentials(submitted))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("Account currency is required")
        .satisfies(
            e ->
                assertThat(((InvalidCredentialsException) e).field()).isEqualTo("accountCurrency"));
    assertThatThrownBy(
            () -> plugin.validateCredentials(submitted.copy().put("accountCurrency", "RUBLES")))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessage("Account currency must be an ISO-4217 currency code such as RUB.");
    assertThat(md5Account.get("accountCurrency")).as("normalized").isEqualTo("RUB");

    Credentials stored =
        Credentials.of(
            "projectId", PROJECT, "secretKey", SECRET, "signScheme", "md5", "allowedIps", ANYPAY);
    Verdict verdict =
        verify(
            md5Anypay.request(
                AnypaySimulator.form(
                    md5Anypay.notification("4950104", "2005", "10.00", "RUB", "paid"))),
            stored);
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("without accountCurrency");
  }

  // ---- test=1 is signed by neither scheme

  @Test
  void testEqualsOneUnderMd5DoesNotHideAPayment() {
    // GIVEN a real md5 payment, and a copy of it marked test=1 (test is not signed) that arrives
    // first
    Map<String, String> real = md5Anypay.notification("4950105", "2006", "500.00", "RUB", "paid");
    ParsedWebhook marked = deliver(md5Anypay, tampered(real, "test", "1"), md5Account);
    assertThat(marked.isIgnored()).isTrue();
    assertThat(marked.reason()).startsWith("Anypay test notification (test=1) for order 2006");

    // WHEN Anypay delivers the real one
    ParsedWebhook booked = deliver(md5Anypay, real, md5Account);

    // THEN it is not a duplicate of the test copy, and it books the payment
    assertThat(booked.eventId()).isEqualTo("2006:paid").isNotEqualTo(marked.eventId());
    assertThat(booked.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.entryKey()).isEqualTo("payment:2006");
              assertThat(e.amountMinor()).isEqualTo(50_000L);
            });
  }

  @Test
  void testEqualsOneUnderSha256DoesNotHideAPaymentEither() {
    Map<String, String> real =
        sha256Anypay.notification("4950106", "2007", "500.00", "RUB", "paid");

    ParsedWebhook marked =
        deliver(sha256Anypay, tampered(real, "test", "1"), sha256WithoutAllowList);
    ParsedWebhook booked = deliver(sha256Anypay, real, sha256WithoutAllowList);

    assertThat(marked.isIgnored()).isTrue();
    assertThat(marked.eventId()).isEqualTo("2007:paid:test");
    assertThat(booked.eventId()).isEqualTo("2007:paid");
    assertThat(booked.events()).hasSize(1);
  }

  // ---- refunds are keyed by their transaction, which only a vetted sender may name

  @Test
  void twoRefundsOfOneOrderBookTwoEntries() {
    ParsedWebhook first =
        deliver(
            sha256Anypay,
            sha256Anypay.notification("4950201", "2008", "100.00", "RUB", "refund"),
            sha256Account);
    ParsedWebhook second =
        deliver(
            sha256Anypay,
            sha256Anypay.notification("4950202", "2008", "250.00", "RUB", "refund"),
            sha256Account);

    assertThat(first.eventId()).isEqualTo("2008:refund:4950201");
    assertThat(second.eventId()).isEqualTo("2008:refund:4950202");
    List<PaymentEvent> entries = List.of(first.events().get(0), second.events().get(0));
    assertThat(entries)
        .extracting(PaymentEvent::entryKey)
        .containsExactly("refund:4950201", "refund:4950202");
    assertThat(entries).extracting(PaymentEvent::amountMinor).containsExactly(-10_000L, -25_000L);
    assertThat(entries).allSatisfy(e -> assertThat(e.kind()).isEqualTo(EventKind.REFUND));
  }

  @Test
  void aRepeatedRefundNotificationIsTheSameEntry() {
    Map<String, String> refund =
        sha256Anypay.notification("4950203", "2009", "100.00", "RUB", "refund");

    ParsedWebhook once = deliver(sha256Anypay, refund, sha256Account);
    ParsedWebhook again = deliver(sha256Anypay, refund, sha256Account);

    assertThat(again.eventId()).isEqualTo(once.eventId());
    assertThat(again.events().get(0).entryKey()).isEqualTo(once.events().get(0).entryKey());
  }

  @Test
  void withoutAnAllowListASha256RefundIsHeldUntilTheSendersAreListed() {
    // GIVEN a sha256 account that does not restrict senders: anyone holding a captured refund
    // could replay it under fresh transaction ids
    Map<String, String> refund =
        sha256Anypay.notification("4950204", "2010", "100.00", "RUB", "refund");

    ParsedWebhook parsed = deliver(sha256Anypay, refund, sha256WithoutAllowList);

    assertThat(parsed.events()).isEmpty();
    assertThat(parsed.hold()).isEqualTo(ParsedWebhook.NEEDS_ACCOUNT_SETTING);
    assertThat(parsed.reason())
        .isEqualTo(
            "refund of order 2010 held: a refund is keyed by its transaction_id, which Anypay"
                + " does not sign, so refunds are booked only for accounts that list Anypay's"
                + " sender addresses in allowedIps; add them and it is booked if it came from one"
                + " of them");
  }

  @Test
  void aSha256PaidCannotBeReplayedAsARefund() {
    Map<String, String> paid =
        sha256Anypay.notification("4950205", "2011", "100.00", "RUB", "paid");
    WebhookRequest asRefund =
        sha256Anypay.request(AnypaySimulator.form(tampered(paid, "status", "refund")));

    assertThat(verify(asRefund, sha256Account).authentic()).as("sha256 signs the status").isFalse();
  }
}
