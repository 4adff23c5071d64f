package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: headless Chromium ({@link Browser}). Screenshots of the main pages
 * go to {@code target/screenshots/}.
 */
class ConsoleBrowserIT {

  private static TestNode node;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Browser.installed(),
        "skipping the browser test: chromium and chromium-driver are missing and could not be"
            + " installed with apt-get");
    node = TestNode.start("console_browser");
    browser = Browser.start(node.client, 1280, 900);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void tenantSignsUpConnectsStripeSeesPaymentsAndCreatesAClient() throws Exception {
    // Sign up
    open("/console/signup");
    browser.type("#name", "Northwind Cowork");
    browser.type("#email", "owner-" + UUID.randomUUID() + "@northwind.example");
    browser.type("#password", "a long browser passphrase");
    browser.click("form[action='/console/signup'] button[type=submit]");
    assertThat(browser.text("h1")).isEqualTo("Dashboard");
    assertThat(browser.text(".onboarding h2")).contains("connect a payment gateway");
    browser.screenshot("01-dashboard-first-run");

    // Connect Stripe
    browser.click(".onboarding a.btn-primary");
    assertThat(browser.text("h1")).isEqualTo("Gateways");
    browser.screenshot("02-gateways");
    open("/console/gateways/stripe");
    String secret = StripeSimulator.newWebhookSecret();
    browser.type("#f-webhookSecret", secret);
    browser.click("form.form button[type=submit]");
    String webhookUrl = browser.property("#webhook-url", "value");
    assertThat(webhookUrl).matches("http://[^/]+/hooks/[^/]+/stripe");
    assertThat(browser.source()).doesNotContain(secret);
    browser.clickInPlace("button[data-copy='webhook-url']");
    browser.screenshot("03-gateway-stripe");

    // Stripe delivers signed webhooks to the URL read from the page
    StripeSimulator stripe = new StripeSimulator(secret);
    String[][] payments = {
      {"user-42", "4200", "usd"}, {"user-42", "1999", "usd"}, {"user-7", "125000", "eur"}
    };
    String lastIntent = null;
    for (String[] p : payments) {
      String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
      lastIntent = "pi_" + id;
      HttpResponse<Buffer> r =
          await(
              stripe.post(
                  node.http,
                  webhookUrl,
                  stripe.paymentIntentSucceeded(
                      "evt_" + id, lastIntent, Long.parseLong(p[1]), p[2], p[0])));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    // The payments appear
    open("/console/payments");
    assertThat(browser.text("table.payments")).contains(lastIntent).contains("1250.00 EUR");
    browser.screenshot("04-payments");
    open("/console/payments?customer=user-42");
    assertThat(browser.text(".balance")).contains("61.99 USD");
    browser.screenshot("05-payments-customer-balance");
    open("/console/dashboard");
    browser.screenshot("06-dashboard");
    open("/console/webhooks");
    browser.screenshot("07-webhooks");

    // Create an API client: the secret is shown once
    open("/console/api-clients");
    browser.type("#client-name", "billing backend");
    browser.click("form[action='/console/api-clients'] button[type=submit]");
    String clientSecret = browser.property("#new-client-secret", "value");
    assertThat(clientSecret).startsWith("pbs_");
    browser.screenshot("08-api-clients");

    // Phone width
    browser.resize(390, 844);
    open("/console/payments");
    browser.screenshot("09-phone-payments");
    open("/console/dashboard");
    browser.screenshot("10-phone-dashboard");
    open("/console/gateways/stripe");
    browser.screenshot("11-phone-gateway");
  }

  private static void open(String consolePath) {
    browser.open(node.baseUrl() + consolePath);
  }
}
