package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.ConsoleTestServer.StripeAccount;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/subscriptions}: the tenant's subscriptions as its gateways reported them, with
 * status and period end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsPageTest {

  private ConsoleTestServer console;

  /** A publisher on Stripe: sub_1 paid to March 2027, sub_2 paid and then cancelled. */
  private Browser publisher;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_subscriptions");
    publisher = console.signUp("Publisher");
    StripeAccount account = console.connectStripe(publisher);
    Instant end = Instant.parse("2027-03-01T00:00:00Z");
    var stripe = account.stripe();
    for (String body :
        new String[] {
          stripe.invoicePaid("evt_1", "in_1", "sub_1", 990, "usd", "reader-1", end),
          stripe.invoicePaid("evt_2", "in_2", "sub_2", 990, "usd", "reader-2", end),
          stripe.subscriptionDeleted("evt_3", "sub_2")
        }) {
      HttpResponse<Buffer> r = console.deliver(account, body);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void subscriptionsAreListedWithStatusAndPeriodEnd() {
    HttpResponse<Buffer> r = publisher.get("/console/subscriptions");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .containsSubsequence("sub_1", "reader-1", "active", "2027-03-01 00:00:00 UTC")
        .containsSubsequence("sub_2", "reader-2", "cancelled");
    assertSecurityHeaders(r);
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    String page = console.signUp("Other").get("/console/subscriptions").bodyAsString();

    assertThat(page)
        .contains("No subscriptions yet")
        .doesNotContain("sub_1")
        .doesNotContain("reader-1");
  }

  @Test
  void withoutASessionTheListIsNotShown() {
    console.assertSentToLogin("/console/subscriptions");
  }
}
