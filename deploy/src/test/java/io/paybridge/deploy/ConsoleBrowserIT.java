package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser (headless Chromium, {@link Browser}): a new tenant walks from
 * sign-up to its first booked payment on a laptop (1280 px) and on a phone (390 px) — connects
 * Stripe before Stripe shows the signing secret, copies the webhook URL, watches the signed
 * delivery arrive and wait, saves the secret and sees the payment booked — and a forged delivery is
 * explained on the gateway page. Every console page is then opened at 390 px and must not scroll
 * sideways. Screenshots go to {@code target/screenshots/}.
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
    // the sync target the phone's tenant adds is a receiver on this machine
    node =
        TestNode.start(
            "console_browser", java.util.Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"));
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
  void onALaptopANewTenantReachesItsFirstPaymentAndCreatesAnApiClient() throws Exception {
    browser.resize(1280, 900);
    String webhookUrl = firstPayment("laptop", "Northwind Cowork");
    assertThat(
            ((Number) browser.script("return document.querySelector('.topbar').offsetHeight;"))
                .intValue())
        .as("the navigation fits on one line")
        .isLessThanOrEqualTo(64);

    // more payments, and what a refund looks like
    StripeSimulator stripe = new StripeSimulator(secretOf("laptop"));
    deliver(
        stripe,
        webhookUrl,
        stripe.paymentIntentSucceeded("evt_l2", "pi_l2", 125000, "eur", "user-7"));
    deliver(stripe, webhookUrl, stripe.refundCreated("evt_l3", "re_l3", "pi_l2", 5000, "eur"));
    open("/console/payments");
    browser.waitForText("table.payments", "re_l3");
    assertThat(browser.text("table.payments"))
        .contains("1250.00 EUR")
        .contains("of payment pi_l2")
        .doesNotContain("Not synced");
    browser.screenshot("laptop-05-payments");
    open("/console/payments?customer=user-42");
    assertThat(browser.text(".balance")).contains("42.00 USD");

    // an API client: none was made at sign-up; the secret is shown once
    open("/console/api-clients");
    assertThat(browser.text("main")).contains("No API clients yet");
    browser.type("#client-name", "billing backend");
    browser.click("form[action='/console/api-clients'] button[type=submit]");
    assertThat(browser.property("#new-client-secret", "value")).startsWith("pbs_");
    browser.screenshot("laptop-06-api-clients");
    assertNoSidewaysScroll("/console/api-clients");
  }

  @Test
  void onAPhoneANewTenantReachesItsFirstPaymentAndNoPageScrollsSideways() throws Exception {
    browser.resize(390, 844);
    String webhookUrl = firstPayment("phone", "Hafenstraße Coworking Gesellschaft mbH & Co. KG");

    // the navigation is a menu
    open("/console/dashboard");
    assertThat(browser.script("return document.querySelector('.menu').offsetParent === null;"))
        .as("the menu is closed")
        .isEqualTo(true);
    browser.clickInPlace("[data-menu-toggle]");
    assertThat(browser.property("[data-menu-toggle]", "ariaExpanded")).isEqualTo("true");
    assertThat(browser.text(".menu")).contains("Webhooks").contains("Hafenstraße Coworking");
    browser.screenshot("phone-05-menu");
    browser.click(".nav a[href='/console/sync']");
    assertThat(browser.text("h1")).isEqualTo("Sync");

    // a sync target added in the console: its secret shown once, and payments show sync states
    browser.type("#target-url", "http://127.0.0.1:9/receiver");
    browser.click("form[action='/console/sync/targets'] button[type=submit]");
    assertThat(browser.property("#new-target-secret", "value")).startsWith("whsec_");
    browser.screenshot("phone-06-sync-target");
    StripeSimulator stripe = new StripeSimulator(secretOf("phone"));
    deliver(
        stripe, webhookUrl, stripe.paymentIntentSucceeded("evt_p2", "pi_p2", 999, "usd", "user-9"));
    open("/console/payments");
    browser.waitForText("table.payments", "pi_p2");
    assertThat(browser.text("table.payments"))
        .as("a sync state, now that there is a target")
        .contains("synced");

    // every console page, at phone width, without sideways scrolling
    open("/console/webhooks");
    String receipt =
        String.valueOf(
            browser.script(
                "return document.querySelector('td a[href^=\"/console/webhooks/\"]')"
                    + ".getAttribute('href');"));
    List<String> pages =
        List.of(
            "/console/dashboard",
            "/console/gateways",
            "/console/gateways/stripe",
            "/console/gateways/paypal",
            "/console/gateways/googleplay",
            "/console/payments",
            "/console/payments?customer=user-42",
            "/console/payments?payment=pi_p2",
            "/console/subscriptions",
            "/console/webhooks",
            receipt,
            "/console/sync",
            "/console/cobot",
            "/console/api-clients",
            "/console/account");
    for (String page : pages) {
      assertNoSidewaysScroll(page);
    }
    browser.clickInPlace("[data-menu-toggle]");
    browser.click(".who button.link");
    for (String page : List.of("/console/login", "/console/signup")) {
      assertNoSidewaysScroll(page);
    }
  }

  /**
   * Signs a tenant up, connects Stripe without its secret, delivers a signed payment (kept while
   * the secret is missing), saves the secret, and waits for the payment to show; a forged delivery
   * then shows its cause and fix. Returns the webhook URL the page showed.
   */
  private String firstPayment(String device, String organisation) throws Exception {
    open("/console/login");
    browser.clearCookies();
    open("/console/signup");
    browser.type("#name", organisation);
    browser.type("#email", device + "-" + UUID.randomUUID() + "@northwind.example");
    browser.type("#password", "a long browser passphrase");
    browser.click("form[action='/console/signup'] button[type=submit]");
    assertThat(browser.text("h1")).isEqualTo("Dashboard");
    assertThat(browser.text(".onboarding h2")).contains("connect a payment gateway");
    browser.screenshot(device + "-01-dashboard-first-run");
    assertNoSidewaysScroll(null);

    // Connect Stripe with nothing: the URL and the events are there at once
    browser.click(".onboarding a.btn-primary");
    assertThat(browser.text("h1")).isEqualTo("Gateways");
    browser.click("a[href='/console/gateways/stripe']");
    assertThat(browser.text("main")).contains("Connect with what you have now");
    browser.click("form.form button[type=submit]");
    String webhookUrl = browser.property("#webhook-url", "value");
    assertThat(webhookUrl).matches("http://[^/]+/hooks/[^/]+/stripe");
    browser.clickInPlace("button[data-copy='webhook-url']");
    assertThat(browser.text("#setup-status"))
        .contains("Waiting for the first delivery.")
        .contains("PAYBRIDGE_PUBLIC_URL");
    assertThat(browser.text("main")).contains("payment_intent.succeeded");
    browser.screenshot(device + "-02-stripe-connected-waiting");

    // Stripe delivers a signed payment before the secret is saved: the page follows it
    String secret = secretOf(device);
    StripeSimulator stripe = new StripeSimulator(secret);
    deliver(
        stripe,
        webhookUrl,
        stripe.paymentIntentSucceeded(
            "evt_" + device + "1", "pi_" + device + "1", 4200, "usd", "user-42"));
    browser.waitForText("#setup-status", "1 delivery has arrived.");
    browser.screenshot(device + "-03-delivery-waits-for-secret");

    // The secret is saved: the held delivery is booked
    browser.type("#f-webhookSecret", secret);
    browser.click("form.form button[type=submit]");
    assertThat(browser.source()).doesNotContain(secret);
    String booked = waitForPage("/console/payments", "42.00 USD");
    assertThat(booked).contains("pi_" + device + "1");
    browser.screenshot(device + "-04-first-payment");

    // A forged delivery is explained on the gateway page
    StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    HttpResponse<Buffer> forged =
        await(
            forger.post(
                node.http,
                webhookUrl,
                forger.paymentIntentSucceeded(
                    "evt_forged_" + device, "pi_forged", 1, "usd", null)));
    assertThat(forged.statusCode()).isEqualTo(401);
    open("/console/gateways/stripe");
    assertThat(browser.text("#setup-status"))
        .contains("Likely cause:")
        .contains("is not the one Stripe shows for this endpoint")
        .contains("Fix:");
    browser.screenshot(device + "-05-forged-delivery-explained");
    return webhookUrl;
  }

  /** One signing secret per walk, the same each time it is asked for. */
  private static String secretOf(String device) {
    return SECRETS.computeIfAbsent(device, d -> StripeSimulator.newWebhookSecret());
  }

  private static final java.util.Map<String, String> SECRETS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void deliver(StripeSimulator stripe, String url, String body) {
    HttpResponse<Buffer> r = await(stripe.post(node.http, url, body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** Opens the page again until it shows {@code text} (a job books what was held). */
  private static String waitForPage(String path, String text) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      open(path);
      String shown = browser.text("main");
      if (shown.contains(text)) {
        return shown;
      }
      assertThat(System.nanoTime()).as(path + " never showed " + text).isLessThan(deadline);
      Thread.sleep(300);
    }
  }

  /**
   * Opens {@code path} (or stays, for {@code null}) and checks nothing is wider than the window.
   */
  private static void assertNoSidewaysScroll(String path) throws Exception {
    if (path != null) {
      open(path);
    }
    Object widths =
        browser.script("return document.documentElement.scrollWidth + ' <= ' + window.innerWidth;");
    String[] parts = String.valueOf(widths).split(" <= ");
    assertThat(Integer.parseInt(parts[0]))
        .as("%s scrolls sideways at %s px", browser.url(), parts[1])
        .isLessThanOrEqualTo(Integer.parseInt(parts[1]));
    if (path != null) {
      String name = path.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
      browser.screenshot("width-" + parts[1] + "-" + name);
    }
  }

  private static void open(String consolePath) {
    browser.open(node.baseUrl() + consolePath);
  }
}
