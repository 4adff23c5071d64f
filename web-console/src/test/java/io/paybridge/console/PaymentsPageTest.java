package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.ConsoleTestServer.StripeAccount;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/payments}: the tenant's ledger as recorded from its gateways' webhooks, newest
 * first, filtered by gateway, kind and customer, with the customer's balance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentsPageTest {

  private ConsoleTestServer console;

  /** A shop on Stripe: member-1 paid 42.00 and had 10.00 refunded, member-2 paid 19.99. */
  private Browser shop;

  private String first;
  private String second;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_payments");
    shop = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(shop);
    first = console.pay(stripe, 4200, "member-1");
    second = console.pay(stripe, 1999, "member-2");
    String refund = stripe.stripe().refundCreated("evt_refund", "re_1", first, 1000, "usd");
    assertThat(console.deliver(stripe, refund).statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void paymentsAndRefundsAreListedNewestFirstWithTheirAmounts() {
    HttpResponse<Buffer> r = shop.get("/console/payments");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .containsSubsequence(
            "Refund", "-10.00 USD", "re_1", first, "19.99 USD", second, "42.00 USD", first)
        .contains("class=\"num negative\"")
        .contains("href=\"/console/payments?customer=member-1\"")
        .contains("of payment <a class=\"mono break\" href=\"/console/payments?payment=" + first)
        .doesNotContain("Not synced")
        .doesNotContain("<th>Sync</th>")
        .contains("<td data-label=\"Gateway\">Stripe</td>");
    assertSecurityHeaders(r);
  }

  @Test
  void aPaymentIsShownWithItsRefunds() {
    assertThat(shop.get("/console/payments?payment=" + first).bodyAsString())
        .contains("Entries of payment")
        .contains("42.00 USD")
        .contains("-10.00 USD")
        .doesNotContain(second);
  }

  @Test
  void theSyncStateIsShownOnceTheTenantHasATarget() {
    Browser syncing = console.signUp("Syncing");
    console.addWebhookTarget(syncing, "http://127.0.0.1:9/receiver");
    console.pay(console.connectStripe(syncing), 500, "member-9");
    assertThat(syncing.get("/console/payments").bodyAsString())
        .contains("<th>Sync</th>")
        .containsPattern("(Not synced|Synced)");
  }

  @Test
  void aCustomersEntriesComeWithItsBalance() {
    String page = shop.get("/console/payments?customer=member-1").bodyAsString();

    assertThat(page)
        .contains("Balance of member-1")
        .contains("32.00 USD")
        .contains("-10.00 USD")
        .contains(first)
        .doesNotContain(second);
  }

  @Test
  void filtersNarrowTheListAndSayWhenNothingMatches() {
    assertThat(shop.get("/console/payments?kind=REFUND").bodyAsString())
        .contains("-10.00 USD")
        .doesNotContain("42.00 USD");
    assertThat(shop.get("/console/payments?kind=DISPUTE&gateway=stripe").bodyAsString())
        .contains("No matching payments")
        .doesNotContain(first);
    assertThat(shop.get("/console/payments?customer=member-404").bodyAsString())
        .contains("No payments or refunds for this customer.");
  }

  @Test
  void aPageOfTheListThatIsNotANumberIsABadRequest() {
    HttpResponse<Buffer> r = shop.get("/console/payments?before=yesterday");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("Bad request");
  }

  @Test
  void aKindThatIsNotALedgerKindIsABadRequestThatSaysWhichKindsThereAre() {
    HttpResponse<Buffer> r = shop.get("/console/payments?kind=GIFT");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("must be one of").contains("PAYMENT");
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    Browser other = console.signUp("Other");

    String page = other.get("/console/payments").bodyAsString();
    String balance = other.get("/console/payments?customer=member-1").bodyAsString();

    assertThat(page).contains("No payments yet").doesNotContain(first);
    assertThat(balance)
        .contains("No payments or refunds for this customer.")
        .doesNotContain("32.00 USD");
  }

  @Test
  void withoutASessionTheListIsNotShown() {
    console.assertSentToLogin("/console/payments");
    console.assertSentToLogin("/console/payments?customer=member-1");
  }
}
