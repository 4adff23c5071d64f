package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.api.ApiTestServer.assertUsdPayment;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/payments} and {@code /api/v1/customers/{customerRef}/balance}: the ledger as
 * recorded from the gateways' webhooks, newest first, paged and filtered, and a customer's balance
 * per currency; each tenant sees its own only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentsApiTest {

  private ApiTestServer api;

  /** A merchant with three payments recorded from Stripe's webhooks, two of them by member-1. */
  private Partner merchant;

  private List<String> paid;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_payments");
    merchant = api.signUp();
    StripeAccount stripe = api.connectStripe(merchant);
    paid =
        List.of(
            api.pay(stripe, 4200, "member-1"),
            api.pay(stripe, 1999, "member-2"),
            api.pay(stripe, 800, "member-1"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private JsonArray payments(Partner partner, String query) {
    return api.ok(GET, "/api/v1/payments" + query, partner.token()).getJsonArray("data");
  }

  private static List<String> ids(JsonArray payments) {
    return payments.stream().map(p -> ((JsonObject) p).getString("externalPaymentId")).toList();
  }

  @Test
  void paymentsAreListedNewestFirstAsTheGatewayReportedThem() {
    JsonArray payments = payments(merchant, "");

    assertThat(ids(payments)).containsExactly(paid.get(2), paid.get(1), paid.get(0));
    assertThat(payments.getJsonObject(2).getString("gateway")).isEqualTo("stripe");
    assertUsdPayment(payments.getJsonObject(2), 4200, paid.get(0), "member-1");
  }

  @Test
  void pagesFollowTheCursorsAndFiltersNarrowTheList() {
    JsonObject page = api.ok(GET, "/api/v1/payments?limit=2", merchant.token());
    assertThat(ids(page.getJsonArray("data"))).containsExactly(paid.get(2), paid.get(1));
    assertThat(page.getBoolean("has_more")).isTrue();
    String last = page.getJsonArray("data").getJsonObject(1).getString("id");
    JsonObject next =
        api.ok(GET, "/api/v1/payments?limit=2&starting_after=" + last, merchant.token());
    assertThat(ids(next.getJsonArray("data"))).containsExactly(paid.get(0));
    assertThat(next.getBoolean("has_more")).isFalse();
    String oldest = next.getJsonArray("data").getJsonObject(0).getString("id");
    JsonObject back =
        api.ok(GET, "/api/v1/payments?limit=1&ending_before=" + oldest, merchant.token());
    assertThat(ids(back.getJsonArray("data"))).containsExactly(paid.get(1));
    assertThat(back.getBoolean("has_more")).isTrue();
    assertThat(payments(merchant, "?currency=usd")).hasSize(3);
    assertThat(payments(merchant, "?currency=EUR")).isEmpty();
    assertThat(payments(merchant, "?createdFrom=2000-01-01T00:00:00Z")).hasSize(3);
    assertThat(payments(merchant, "?createdTo=2000-01-01T00:00:00Z")).isEmpty();

    assertThat(ids(payments(merchant, "?customerRef=member-1")))
        .containsExactly(paid.get(2), paid.get(0));
    assertThat(payments(merchant, "?gateway=stripe&kind=PAYMENT")).hasSize(3);
    assertThat(payments(merchant, "?kind=REFUND")).isEmpty();
    assertThat(payments(merchant, "?gateway=razorpay")).isEmpty();
  }

  @Test
  void aCustomersBalanceIsTheSumOfItsEntriesPerCurrency() {
    JsonObject balance = api.ok(GET, "/api/v1/customers/member-1/balance", merchant.token());

    assertThat(balance.getString("customerRef")).isEqualTo("member-1");
    JsonArray amounts = balance.getJsonArray("balances");
    assertThat(amounts).hasSize(1);
    assertThat(amounts.getJsonObject(0).getLong("amountMinor")).isEqualTo(5000);
    assertThat(amounts.getJsonObject(0).getString("currency")).isEqualTo("USD");
  }

  @Test
  void anUnknownCustomerHasNoBalance() {
    JsonObject balance = api.ok(GET, "/api/v1/customers/member-404/balance", merchant.token());

    assertThat(balance.getString("customerRef")).isEqualTo("member-404");
    assertThat(balance.getJsonArray("balances")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          limit=0                                  | limit
          limit=101                                | limit
          limit=ten                                | limit
          kind=GIFT                                | kind
          gateway=                                 | gateway
          currency=EURO                            | currency
          currency=XYZ                             | currency
          createdFrom=yesterday                    | createdFrom
          createdFrom=2027-01-02T00:00:00Z&createdTo=2027-01-01T00:00:00Z | createdTo
          starting_after=not-an-id                 | starting_after
          ending_before=-4                         | ending_before
          starting_after=1&ending_before=2         | ending_before
          """)
  void aQueryTheListCannotUseIsAProblemNamingTheParameter(String query, String parameter) {
    JsonObject problem =
        assertProblem(api.call(GET, "/api/v1/payments?" + query, merchant.token()), 422, parameter);
    assertThat(problem.getString("error")).isEqualTo("invalid_parameter");
  }

  @Test
  void aCustomerReferenceLongerThanTheDocumentAllowsIsRefused() {
    String path = "/api/v1/customers/" + "c".repeat(256) + "/balance";

    assertProblem(api.call(GET, path, merchant.token()), 422, "customerRef");
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    Partner other = api.signUp();
    api.connectStripe(other);

    assertThat(payments(other, "")).isEmpty();
    assertThat(payments(other, "?customerRef=member-1")).isEmpty();
    JsonObject balance = api.ok(GET, "/api/v1/customers/member-1/balance", other.token());
    assertThat(balance.getJsonArray("balances")).isEmpty();
    // a cursor of the merchant's pages reads nothing of the merchant's
    JsonArray theirs = payments(merchant, "");
    long newest = Long.parseLong(theirs.getJsonObject(0).getString("id"));
    assertThat(payments(other, "?starting_after=" + (newest + 1))).isEmpty();
    assertThat(payments(other, "?ending_before=" + theirs.getJsonObject(2).getString("id")))
        .isEmpty();
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String token = api.token(merchant, "gateways:read gateways:write sync:read receipts:read");

    JsonObject refused = assertProblem(api.call(GET, "/api/v1/payments", token), 403, null);
    assertThat(refused.getString("detail")).contains("payments:read");
    assertProblem(api.call(GET, "/api/v1/customers/member-1/balance", token), 403, null);
    assertThat(payments(merchant, "")).hasSize(3);
  }

  @Test
  void noTokenIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/payments", null), 401, null);
    assertProblem(api.call(GET, "/api/v1/customers/member-1/balance", null), 401, null);
  }
}
