package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static io.paybridge.core.Await.await;
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

  private static final Pattern SECRET =
      Pattern.compile("id=\"new-target-secret\" class=\"mono\" readonly value=\"([^\"]+)\"");

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
  void aTargetIsAddedHereWithItsSecretShownOnceThenDisabledEnabledAndRemoved() {
    Browser owner = console.signUp("Targets");
    owner.get("/console/sync");

    // WHEN a webhook target is added THEN its signing secret is shown, once
    HttpResponse<Buffer> added =
        owner.submit("/console/sync/targets", "type", "webhook", "url", "http://127.0.0.1:9/added");
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    Matcher secret = SECRET.matcher(added.bodyAsString());
    assertThat(secret.find()).isTrue();
    assertThat(secret.group(1)).startsWith("whsec_");
    String page = owner.get("/console/sync").bodyAsString();
    assertThat(page)
        .contains("http://127.0.0.1:9/added")
        .contains("Enabled")
        .doesNotContain(secret.group(1));
    // AND the API's use case sees the same target
    java.util.List<io.paybridge.core.sync.SyncStore.Target> targets =
        await(console.useCases().syncTargets().list(console.tenantId(owner)));
    assertThat(targets).singleElement().satisfies(t -> assertThat(t.enabled()).isTrue());
    String id = targets.get(0).id().toString();

    // WHEN it is disabled, enabled and removed THEN the page says so each time
    assertThat(owner.submit("/console/sync/targets/" + id + "/disable").getHeader("Location"))
        .isEqualTo("/console/sync?done=disabled");
    assertThat(owner.get("/console/sync?done=disabled").bodyAsString())
        .contains("The target is disabled")
        .containsSubsequence("http://127.0.0.1:9/added", "Disabled", "disabled by the tenant");
    assertThat(owner.submit("/console/sync/targets/" + id + "/enable").getHeader("Location"))
        .isEqualTo("/console/sync?done=enabled");
    owner.get("/console/sync");
    assertThat(owner.submit("/console/sync/targets/" + id + "/remove").getHeader("Location"))
        .isEqualTo("/console/sync?done=removed");
    assertThat(owner.get("/console/sync").bodyAsString()).contains("No sync targets");
  }

  @Test
  void anInvalidTargetIsShownBackWithEveryFieldMarked() {
    Browser owner = console.signUp("Invalid");
    owner.get("/console/sync");

    HttpResponse<Buffer> refused =
        owner.submit(
            "/console/sync/targets", "type", "carrier-pigeon", "url", "ftp://example.com/x");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsString())
        .containsPattern("id=\"target-type\"[^>]*aria-invalid=\"true\"")
        .contains("value=\"ftp://example.com/x\"");
    owner.get("/console/sync");
    HttpResponse<Buffer> headers =
        owner.submit(
            "/console/sync/targets",
            "type",
            "customer-transaction",
            "url",
            "http://127.0.0.1:9/x",
            "headers",
            "no colon here");
    assertThat(headers.statusCode()).isEqualTo(400);
    assertThat(headers.bodyAsString()).contains("Write each header as Name: value");
    assertThat(await(console.useCases().syncTargets().list(console.tenantId(owner)))).isEmpty();
  }

  @Test
  void anotherTenantsTargetCannotBeSwitchedOrRemoved() {
    Browser owner = console.signUp("Owner");
    console.addWebhookTarget(owner, "http://127.0.0.1:9/owned");
    String id =
        await(console.useCases().syncTargets().list(console.tenantId(owner)))
            .get(0)
            .id()
            .toString();
    Browser other = console.signUp("Other");
    for (String action : java.util.List.of("disable", "enable", "remove")) {
      other.get("/console/sync");
      assertNotFound(other.submit("/console/sync/targets/" + id + "/" + action));
    }
    assertThat(await(console.useCases().syncTargets().list(console.tenantId(owner))))
        .singleElement()
        .satisfies(t -> assertThat(t.enabled()).isTrue());
  }

  @Test
  void withoutASessionNothingIsShownOrSent() {
    console.assertSentToLogin("/console/sync");
    console.assertSignedOutPostRefused("/console/sync/deliveries/" + delivery + "/replay");
    console.assertSignedOutPostRefused("/console/sync/targets");
  }
}
