package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.CobotTestBed.Member;
import io.paybridge.console.CobotTestBed.Space;
import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.core.cobot.CobotInvoice;
import io.paybridge.testkit.Fault;
import io.paybridge.testkit.RequestMatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/cobot}: connecting a Cobot space (the form, a space admin's grant at Cobot), the
 * space's invoices and charging one again, and disconnecting; an invoice is the signed-in tenant's
 * or none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotConsolePageTest {

  private static final String PAGE = "/console/cobot";
  private static final Pattern AUTHORIZE = Pattern.compile("href=\"([^\"]+)\">Authorize at Cobot");
  private static final Pattern RERUN =
      Pattern.compile("action=\"/console/cobot/invoices/([0-9a-f-]{36})/rerun\"");

  private CobotTestBed bed;
  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    bed = CobotTestBed.start("console_cobot");
    console = bed.console;
  }

  @AfterAll
  void stop() {
    bed.close();
  }

  private List<CobotInvoice> invoices(Browser tenant) {
    return await(console.useCases().cobot().invoices().list(console.tenantId(tenant), 100, null))
        .items();
  }

  @Test
  void withoutAGatewayThatKeepsCardsTheFormSaysWhatToDoFirst() {
    Browser tenant = console.signUp("Cowork");

    HttpResponse<Buffer> r = tenant.get(PAGE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .contains("href=\"/console/cobot\" class=\"active\" aria-current=\"page\">Cobot</a>")
        .contains("Connect Cobot")
        .contains("Connect a gateway that can keep cards")
        .contains("value=\"http://console.paybridge.test/cobot/oauth/callback\"");
    assertSecurityHeaders(r);
    assertThat(r.getHeader("Content-Security-Policy"))
        .contains("form-action 'self' " + bed.cobot.baseUrl());
  }

  @Test
  void theConnectFormShowsWhatIsWrongWithEachField() {
    Browser tenant = bed.stripeTenant("Cowork");
    assertThat(tenant.get(PAGE).bodyAsString()).contains("<option value=\"stripe\"");

    HttpResponse<Buffer> r =
        tenant.submit(
            PAGE,
            "subdomain",
            "Not A Space",
            "clientId",
            "",
            "clientSecret",
            "typed-secret",
            "gateway",
            "stripe");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString())
        .contains("Check the fields marked below.")
        .contains("Cobot subdomain (lower-case letters, digits and dashes)")
        .contains("is the id of the OAuth client registered at Cobot")
        .containsPattern("name=\"subdomain\"[^>]*value=\"Not A Space\"[^>]*aria-invalid=\"true\"")
        .containsPattern("name=\"clientId\"[^>]*aria-invalid=\"true\"")
        .doesNotContain("typed-secret");
  }

  @Test
  void aGatewayThatIsNotConnectedIsRefused() {
    Browser tenant = console.signUp("Cowork");
    Space space = bed.newSpace();

    HttpResponse<Buffer> r = bed.submitConnect(tenant, space);

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.bodyAsString())
        .contains("Connect Stripe before Cobot.")
        .contains("value=\"" + space.subdomain() + "\"")
        .doesNotContain(space.clientSecret());
  }

  @Test
  void connectingSendsAnAdminToCobotAndShowsTheSpaceOnceGranted() {
    // GIVEN a tenant with Stripe sending its space's client
    Browser tenant = bed.stripeTenant("Cowork");
    Space space = bed.newSpace();
    HttpResponse<Buffer> sent = bed.submitConnect(tenant, space);
    assertThat(sent.statusCode()).isEqualTo(303);
    assertThat(sent.getHeader("Location"))
        .startsWith(bed.cobot.baseUrl() + "/oauth/authorize?response_type=code&client_id=")
        .contains(space.clientId());

    // THEN until an admin grants access the page asks for it, the form kept (the secret not shown)
    String waiting = tenant.get(PAGE).bodyAsString();
    assertThat(waiting)
        .contains("Authorization required")
        .contains("value=\"" + space.subdomain() + "\"")
        .contains("value=\"" + space.clientId() + "\"")
        .contains("leave blank to keep")
        .doesNotContain(space.clientSecret());
    // AND saving again with the secret left blank keeps it
    HttpResponse<Buffer> again =
        tenant.submit(
            PAGE,
            "subdomain",
            space.subdomain(),
            "clientId",
            space.clientId(),
            "clientSecret",
            "",
            "gateway",
            "stripe");
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(303);
    Matcher authorize = AUTHORIZE.matcher(tenant.get(PAGE).bodyAsString());
    assertThat(authorize.find()).isTrue();

    // WHEN the space's admin grants access at Cobot
    bed.cobot.signInAs(space.adminId());
    HttpResponse<Buffer> back =
        bed.callback(bed.authorize(authorize.group(1).replace("&amp;", "&")));

    // THEN the space is connected: the members' link and the invoice webhook are at Cobot
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(303);
    assertThat(back.getHeader("Location")).isEqualTo(PAGE + "?connected=1");
    HttpResponse<Buffer> connected = tenant.get(back.getHeader("Location"));
    assertThat(connected.statusCode()).isEqualTo(200);
    assertThat(connected.bodyAsString())
        .contains("Cobot is connected.")
        .contains("Space " + space.subdomain())
        .contains("value=\"http://console.paybridge.test/cobot/members/cp_")
        .contains("No invoices yet")
        .contains(">Disconnect</button>")
        .doesNotContain("Connect Cobot");
    assertThat(bed.cobot.navigationLinks(space.subdomain())).hasSize(1);
    assertThat(bed.cobot.subscriptions(space.subdomain())).hasSize(1);
  }

  @Test
  void invoicesAreListedWithWhatBecameOfThem() {
    // GIVEN a space with a member who stored a card and one who did not
    Browser tenant = bed.stripeTenant("Cowork");
    Space space = bed.connect(tenant);
    Member paying = bed.newMember(space);
    bed.storeCard(bed.signIn(space, paying), CobotTestBed.VISA);
    Member cardless = bed.newMember(space);

    // WHEN Cobot issues an invoice to each
    JsonObject paid = bed.invoice(space, paying.membershipId(), "60.00");
    bed.invoice(space, cardless.membershipId(), "25.00");

    // THEN the first is charged, the second skipped and can be charged again
    String page = console.pageOnceItShows(tenant, PAGE, "Charged");
    page = page.contains("Skipped") ? page : console.pageOnceItShows(tenant, PAGE, "Skipped");
    assertThat(page)
        .containsSubsequence(cardless.membershipId(), "25.00 EUR", "Skipped", "Charge again")
        .containsSubsequence(paying.membershipId(), "60.00 EUR", "Charged");
    assertThat(bed.cobot.paymentRecords(space.subdomain(), paid.getString("id"))).isNotEmpty();

    // AND a charged invoice is not charged again
    UUID charged =
        invoices(tenant).stream()
            .filter(i -> CobotInvoice.CHARGED.equals(i.outcome()))
            .findFirst()
            .orElseThrow()
            .id();
    tenant.get(PAGE);
    HttpResponse<Buffer> refused = tenant.submit(PAGE + "/invoices/" + charged + "/rerun");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsString())
        .contains("is charged; only a declined invoice")
        .contains("60.00 EUR");

    // AND the skipped one is
    Matcher rerun = RERUN.matcher(tenant.get(PAGE).bodyAsString());
    assertThat(rerun.find()).isTrue();
    HttpResponse<Buffer> rerunning = tenant.submit(PAGE + "/invoices/" + rerun.group(1) + "/rerun");
    assertThat(rerunning.statusCode()).isEqualTo(303);
    assertThat(rerunning.getHeader("Location")).isEqualTo(PAGE);
  }

  @Test
  void anotherTenantsInvoiceIsNotFound() {
    // GIVEN a space whose invoice was skipped for want of a card
    Browser owner = bed.stripeTenant("Cowork");
    Space space = bed.connect(owner);
    bed.invoice(space, bed.newMember(space).membershipId(), "25.00");
    Matcher rerun = RERUN.matcher(console.pageOnceItShows(owner, PAGE, "Charge again"));
    assertThat(rerun.find()).isTrue();

    // WHEN another tenant charges it again THEN there is no such invoice
    Browser other = bed.stripeTenant("Other");
    other.get(PAGE);
    assertNotFound(other.submit(PAGE + "/invoices/" + rerun.group(1) + "/rerun"));
    other.get(PAGE);
    assertNotFound(other.submit(PAGE + "/invoices/not-a-uuid/rerun"));
    assertThat(invoices(owner)).singleElement().extracting(CobotInvoice::runs).isEqualTo(0);
  }

  @Test
  void olderInvoicesArePaged() {
    Browser tenant = bed.stripeTenant("Cowork");
    Space space = bed.connect(tenant);
    for (int i = 0; i < 26; i++) {
      String foreign = "https://elsewhere.example/api/invoices/" + i;
      HttpResponse<Buffer> r =
          bed.post(bed.hookPath(space), new JsonObject().put("url", foreign).toBuffer());
      assertThat(r.statusCode()).isEqualTo(200);
    }

    String first = tenant.get(PAGE).bodyAsString();

    assertThat(first.split("data-label=\"Invoice\"", -1)).hasSize(26);
    assertThat(first).contains("Rejected").contains("is not an invoice of");
    Matcher older =
        Pattern.compile("href=\"(/console/cobot\\?after=[0-9a-f-]{36})\"").matcher(first);
    assertThat(older.find()).isTrue();
    String second = tenant.get(older.group(1)).bodyAsString();
    assertThat(second.split("data-label=\"Invoice\"", -1)).hasSize(2);
    assertThat(second).contains("href=\"/console/cobot\">← Newest").doesNotContain("Older →");
    assertThat(tenant.get(PAGE + "?after=nonsense").statusCode()).isEqualTo(400);
  }

  @Test
  void disconnectingRemovesTheLinkAndTheWebhookAtCobot() {
    Browser tenant = bed.stripeTenant("Cowork");
    Space space = bed.connect(tenant);
    String hook = bed.hookPath(space);
    tenant.get(PAGE);

    HttpResponse<Buffer> r = tenant.submit(PAGE + "/disconnect");

    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.getHeader("Location")).isEqualTo(PAGE);
    assertThat(tenant.get(PAGE).bodyAsString()).contains("Connect Cobot");
    assertThat(bed.cobot.navigationLinks(space.subdomain())).isEmpty();
    assertThat(bed.cobot.subscriptions(space.subdomain())).isEmpty();
    JsonObject late = bed.cobot.addInvoice(space.subdomain(), null, null, "1.00");
    HttpResponse<Buffer> gone =
        bed.post(hook, new JsonObject().put("url", late.getString("url")).toBuffer());
    assertThat(gone.statusCode()).isEqualTo(410);
    tenant.get(PAGE);
    HttpResponse<Buffer> none = tenant.submit(PAGE + "/disconnect");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.bodyAsString()).contains("Cobot is not connected.");
  }

  @Test
  void aDisconnectCobotFailsIsShownAndChangesNothing() {
    Browser tenant = bed.stripeTenant("Cowork");
    Space space = bed.connect(tenant);
    bed.cobot.injectNext(
        RequestMatch.under("DELETE", "/spaces/" + space.subdomain() + "/api/"), Fault.status(500));
    tenant.get(PAGE);

    HttpResponse<Buffer> r = tenant.submit(PAGE + "/disconnect");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.bodyAsString())
        .contains("Cobot could not be reached or refused the request")
        .contains("Nothing was changed")
        .contains(">Disconnect</button>");
    assertThat(tenant.get(PAGE).bodyAsString()).contains("Space " + space.subdomain());
  }

  @Test
  void withoutASessionNothingIsShownOrChanged() {
    console.assertSentToLogin(PAGE);
    console.assertSignedOutPostRefused(PAGE);
    console.assertSignedOutPostRefused(PAGE + "/disconnect");
    console.assertSignedOutPostRefused(PAGE + "/invoices/" + UUID.randomUUID() + "/rerun");
    Browser tenant = bed.stripeTenant("Cowork");
    bed.connect(tenant);
    tenant.get(PAGE);
    assertThat(tenant.submitWithoutToken(PAGE + "/disconnect").statusCode()).isEqualTo(403);
    assertThat(tenant.get(PAGE).bodyAsString()).contains(">Disconnect</button>");
  }
}
