package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/dashboard}: the first step for a new tenant; the tenant's connected gateways and
 * latest payments once it takes payments, and nothing of any other tenant's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPageTest {

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_dashboard");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  private static String stat(int value, String label) {
    return "<span class=\"stat-value\">" + value + "</span><span class=\"stat-label\">" + label;
  }

  @Test
  void aNewTenantIsShownItsFirstStep() {
    Browser owner = console.signUp("Fresh Start");

    HttpResponse<Buffer> page = owner.get("/console/dashboard");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString())
        .contains("<title>Dashboard · Paybridge</title>")
        .contains("Next step: connect a payment gateway")
        .contains("Fresh Start")
        .doesNotContain("Recent payments");
    assertSecurityHeaders(page);
  }

  @Test
  void aTenantTakingPaymentsSeesItsGatewaysAndLatestPayments() {
    // GIVEN a tenant on Stripe with a payment, and another tenant
    Browser owner = console.signUp("Busy Shop");
    String paymentIntent = console.pay(console.connectStripe(owner), 4200, "member-7");
    Browser other = console.signUp("Quiet Shop");

    // WHEN each opens its dashboard
    String page = owner.get("/console/dashboard").bodyAsString();
    String otherPage = other.get("/console/dashboard").bodyAsString();

    // THEN the tenant sees its gateway and its payment
    assertThat(page)
        .contains(stat(1, "Connected gateways"))
        .contains(stat(0, "Failed deliveries"))
        .contains("Recent payments")
        .contains("42.00 USD")
        .contains("member-7")
        .contains(paymentIntent);
    // AND the other tenant none of it
    assertThat(otherPage)
        .contains("Next step: connect a payment gateway")
        .doesNotContain(paymentIntent)
        .doesNotContain("member-7");
  }

  @Test
  void withoutASessionTheConsoleSendsToTheLoginPage() {
    console.assertSentToLogin("/console/dashboard");
    console.assertSentToLogin("/console/");
  }

  @Test
  void aConsolePathThatDoesNotExistIsNotFound() {
    HttpResponse<Buffer> r = console.signUp("Lost").get("/console/nowhere");

    assertNotFound(r);
    assertSecurityHeaders(r);
  }
}
