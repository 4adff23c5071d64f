package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/sync}: the tenant's sync targets and the deliveries that failed, each of which
 * can be sent again. The deliveries are the platform's own, of a payment Stripe reported, to a
 * target that refuses connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncPageTest {

  /** Nothing listens on the discard port: every attempt fails at once. */
  private static final String REFUSING = "http://127.0.0.1:9/refused";

  private static final Pattern REPLAY =
      Pattern.compile("action=\"/console/sync/deliveries/(\\d+)/replay\"");

  private ConsoleTestServer console;

  /** A shop whose payment could not be delivered to its target. */
  private Browser shop;

  private String delivery;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_sync");
    shop = console.signUp("Shop");
    console.addWebhookTarget(shop, REFUSING);
    console.pay(console.connectStripe(shop), 2500, "member-1");
    Matcher replay = REPLAY.matcher(console.pageOnceItShows(shop, "/console/sync", "/replay\""));
    assertThat(replay.find()).isTrue();
    delivery = replay.group(1);
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void theTargetAndItsFailedDeliveryAreShown() {
    HttpResponse<Buffer> r = shop.get("/console/sync");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .containsSubsequence("webhook", REFUSING, "Enabled")
        .containsSubsequence(delivery, "failed");
    assertSecurityHeaders(r);
    // (waiting: after the replay test the delivery fails again, but may still be pending)
    console.pageOnceItShows(
        shop,
        "/console/dashboard",
        "<span class=\"stat-value\">1</span><span class=\"stat-label\">Failed");
  }

  @Test
  void aFailedDeliveryIsSentAgain() {
    shop.get("/console/sync");

    HttpResponse<Buffer> replayed = shop.submit("/console/sync/deliveries/" + delivery + "/replay");

    assertThat(replayed.statusCode()).isEqualTo(303);
    assertThat(replayed.getHeader("Location")).isEqualTo("/console/sync?replayed=" + delivery);
    assertThat(shop.get(replayed.getHeader("Location")).bodyAsString())
        .contains("Delivery " + delivery + " will be sent again.");
  }

  @Test
  void anotherTenantsDeliveryIsNotFound() {
    Browser other = console.signUp("Other");

    assertThat(other.get("/console/sync").bodyAsString())
        .contains("No sync targets")
        .contains("No failed deliveries")
        .doesNotContain(REFUSING);
    assertNotFound(other.submit("/console/sync/deliveries/" + delivery + "/replay"));
    // each post renews the form token: the next form comes from a page shown after it
    other.get("/console/sync");
    assertNotFound(other.submit("/console/sync/deliveries/not-a-number/replay"));
  }

  @Test
  void aReplayWithoutThePagesTokenIsRefused() {
    shop.get("/console/sync");

    HttpResponse<Buffer> r =
        shop.submitWithoutToken("/console/sync/deliveries/" + delivery + "/replay");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsString()).contains("Request refused");
  }

  @Test
  void withoutASessionNothingIsShownOrSent() {
    console.assertSentToLogin("/console/sync");
    console.assertSignedOutPostRefused("/console/sync/deliveries/" + delivery + "/replay");
  }
}
