package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.ConsoleTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/webhooks} and {@code /console/webhooks/{id}}: every delivery to the tenant's
 * webhook URLs with its verdict, filtered; one delivery with its body and what it booked; and
 * processing one again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksPageTest {

  private static final Pattern RECEIPT_LINK = Pattern.compile("href=\"/console/webhooks/(\\d+)\"");

  private ConsoleTestServer console;

  /** A shop whose payment was delivered twice, and to which a forged delivery came. */
  private Browser shop;

  private String recorded;
  private String duplicate;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_webhooks");
    shop = console.signUp("Shop");
    StripeAccount stripe = console.connectStripe(shop);
    String paid =
        stripe.stripe().paymentIntentSucceeded("evt_paid", "pi_paid", 1500, "usd", "member-1");
    assertThat(console.deliver(stripe, paid).statusCode()).isEqualTo(200);
    assertThat(console.deliver(stripe, paid).statusCode()).isEqualTo(200);
    StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    String forged = forger.paymentIntentSucceeded("evt_forged", "pi_forged", 1, "usd", "x");
    assertThat(console.deliver(new StripeAccount(forger, stripe.webhookUrl()), forged).statusCode())
        .isEqualTo(401);
    List<String> ids = receiptIds(shop.get("/console/webhooks").bodyAsString());
    assertThat(ids).hasSize(3);
    duplicate = ids.get(1);
    recorded = ids.get(2);
  }

  @AfterAll
  void stop() {
    console.close();
  }

  private static List<String> receiptIds(String page) {
    List<String> ids = new ArrayList<>();
    Matcher link = RECEIPT_LINK.matcher(page);
    while (link.find()) {
      ids.add(link.group(1));
    }
    return ids;
  }

  @Test
  void theLogListsEveryDeliveryNewestFirstWithItsVerdict() {
    HttpResponse<Buffer> r = shop.get("/console/webhooks");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .containsSubsequence("Rejected", "signature", "Duplicate", "evt_paid", "Recorded")
        .contains("payment_intent.succeeded");
    assertSecurityHeaders(r);
  }

  @Test
  void filtersNarrowTheLog() {
    assertThat(receiptIds(shop.get("/console/webhooks?verdict=recorded").bodyAsString()))
        .containsExactly(recorded);
    assertThat(shop.get("/console/webhooks?verdict=rejected").bodyAsString())
        .contains("signature")
        .doesNotContain("evt_paid");
    assertThat(shop.get("/console/webhooks?eventType=invoice.paid").bodyAsString())
        .contains("No matching deliveries");
    assertThat(receiptIds(shop.get("/console/webhooks?from=2000-01-01").bodyAsString())).hasSize(3);
    assertThat(shop.get("/console/webhooks?to=2000-01-01").bodyAsString())
        .contains("No matching deliveries");
  }

  @Test
  void aDateThatIsNotADateIsABadRequest() {
    HttpResponse<Buffer> r = shop.get("/console/webhooks?from=31.01.2026");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("Bad request");
  }

  @Test
  void aDateThatIsNotADateSaysHowToWriteOne() {
    HttpResponse<Buffer> r = shop.get("/console/webhooks?from=31.01.2026");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("Dates are written as 2026-01-31.");
  }

  @Test
  void aDeliveryShowsItsBodyAndWhatItBooked() {
    HttpResponse<Buffer> r = shop.get("/console/webhooks/" + recorded);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .contains("Delivery " + recorded)
        .contains("evt_paid")
        .contains("pi_paid")
        .contains("15.00 USD")
        .contains("member-1")
        .containsIgnoringCase("stripe-signature")
        .contains("action=\"/console/webhooks/" + recorded + "/reprocess\"");
    assertSecurityHeaders(r);
  }

  @Test
  void aRecordedDeliveryProcessedAgainBooksNothingNew() {
    shop.get("/console/webhooks/" + recorded);

    HttpResponse<Buffer> again = shop.submit("/console/webhooks/" + recorded + "/reprocess");

    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(again.getHeader("Location")).startsWith("/console/webhooks/" + recorded + "?");
    assertThat(shop.get(again.getHeader("Location")).bodyAsString())
        .contains("Processed again: Recorded, nothing new booked.");
  }

  @Test
  void aDuplicateCannotBeProcessedAgainAndThePageSaysWhy() {
    String page = shop.get("/console/webhooks/" + duplicate).bodyAsString();
    assertThat(page).contains("Duplicate").doesNotContain("Process again");

    HttpResponse<Buffer> again = shop.submit("/console/webhooks/" + duplicate + "/reprocess");

    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(shop.get(again.getHeader("Location")).bodyAsString())
        .contains("repeats an earlier delivery");
  }

  @Test
  void anotherTenantsDeliveryIsNotFound() {
    Browser other = console.signUp("Other");

    assertThat(other.get("/console/webhooks").bodyAsString())
        .contains("No webhooks received yet")
        .doesNotContain("evt_paid");
    assertNotFound(other.get("/console/webhooks/" + recorded));
    assertNotFound(other.submit("/console/webhooks/" + recorded + "/reprocess"));
    assertNotFound(other.get("/console/webhooks/not-a-number"));
  }

  @Test
  void processingAgainWithoutThePagesTokenIsRefused() {
    shop.get("/console/webhooks/" + recorded);

    HttpResponse<Buffer> r =
        shop.submitWithoutToken("/console/webhooks/" + recorded + "/reprocess");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsString()).contains("Request refused");
  }

  @Test
  void withoutASessionNothingIsShownOrProcessed() {
    console.assertSentToLogin("/console/webhooks");
    console.assertSentToLogin("/console/webhooks/" + recorded);
    console.assertSignedOutPostRefused("/console/webhooks/" + recorded + "/reprocess");
  }
}
