package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.deploy.CobotFixture.Space;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A member stores a card in a real browser (headless Chromium), on the page Cobot shows in its
 * member area's iframe: signed in through Cobot's OAuth, the card typed into the form Stripe.js
 * renders (the Stripe API simulator's stand-in for it, which confirms the SetupIntent through the
 * simulator's API as Stripe.js does), a decline shown in the form, the saved card shown on the
 * page, and the space's next invoice charged with it. Screenshots go to {@code
 * target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotBrowserIT {

  private CobotFixture world;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(
        Browser.installed(),
        "skipping the browser test: chromium and chromium-driver are missing and could not be"
            + " installed with apt-get");
    world = new CobotFixture("cobot_browser");
    browser = Browser.start(world.sims, 390, 844);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aMemberStoresACardInsideCobotAndTheNextInvoiceIsChargedWithIt() throws Exception {
    Space space = world.connectedSpace();
    world.cobot.signInAs(space.memberUser());
    JsonObject link = world.cobot.navigationLinks(space.subdomain()).get(0);

    // The member opens "Payment method" in Cobot's member area, on a phone
    browser.open(link.getString("user_url"));
    browser.enterFrame("iframe#app", 0);
    browser.waitForText("body", "No card");
    browser.screenshot("cobot-01-member-no-card");

    // A card the bank declines is refused in the form, and nothing is stored
    browser.click("a[href$='/card']");
    browser.find("[data-stripe=number]");
    browser.screenshot("cobot-02-card-form");
    browser.type("[data-stripe=number]", "4000000000000002");
    browser.type("[data-stripe=exp]", "12 / 34");
    browser.type("[data-stripe=cvc]", "123");
    browser.clickInPlace("#card-form button[type=submit]");
    assertThat(browser.waitForText("#card-errors", "declined")).contains("Your card was declined.");
    browser.screenshot("cobot-03-card-declined");
    assertThat(
            await(
                    space
                        .tenant()
                        .get("/api/v1/customers/" + space.member() + "/payment-method")
                        .send())
                .statusCode())
        .isEqualTo(404);

    // A good card is saved, and shown as brand and last four
    browser.script("document.querySelectorAll('[data-stripe]').forEach(i => i.value = '');");
    browser.type("[data-stripe=number]", "4242424242424242");
    browser.type("[data-stripe=exp]", "12 / 34");
    browser.type("[data-stripe=cvc]", "123");
    browser.click("#card-form button[type=submit]");
    assertThat(browser.waitForText("body", "4242")).containsIgnoringCase("visa");
    browser.screenshot("cobot-04-card-saved");
    JsonObject stored =
        await(space.tenant().get("/api/v1/customers/" + space.member() + "/payment-method").send())
            .bodyAsJsonObject();
    assertThat(stored.getString("last4")).isEqualTo("4242");
    assertThat(stored.getString("gateway")).isEqualTo("stripe");

    // The space's next invoice is charged with it and marked paid at Cobot
    JsonObject invoice = world.cobot.addInvoice(space.subdomain(), space.member(), "EUR", "19.90");
    assertThat(await(world.cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id"))))
        .isEqualTo(200);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!"paid"
        .equals(
            world
                .cobot
                .invoice(space.subdomain(), invoice.getString("id"))
                .getString("paid_status"))) {
      assertThat(Instant.now()).as("the invoice is paid").isBefore(deadline);
      Thread.sleep(200);
    }
    assertThat(world.cobot.paymentRecords(space.subdomain(), invoice.getString("id"))).hasSize(1);
  }
}
