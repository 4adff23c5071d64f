package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.paybridge.console.CobotTestBed.Member;
import io.paybridge.console.CobotTestBed.Space;
import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cobot's public routes ({@link CobotPages}): the {@code created_invoice} webhook, the OAuth
 * callback, the members' link, and the member's pages that store a card, inside Cobot's iframe.
 * Cobot is its simulator, Stripe its API fake; the space is connected through the console.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotPagesTest {

  private CobotTestBed bed;
  private Browser tenant;
  private Space space;

  @BeforeAll
  void start() {
    bed = CobotTestBed.start("console_cobot_pages");
    tenant = bed.stripeTenant("Cowork");
    space = bed.connect(tenant);
  }

  @AfterAll
  void stop() {
    bed.close();
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getRawAuthority();
  }

  private Buffer webhook(JsonObject invoice) {
    return new JsonObject().put("url", invoice.getString("url")).toBuffer();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String error) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("error")).isEqualTo(error);
    assertThat(problem.getString("type")).isEqualTo("urn:paybridge:problem:" + error);
  }

  /** A readable page, framed by Cobot's pages only, whose URL is never sent on. */
  private static void assertMessage(HttpResponse<Buffer> r, int status, String... texts) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("text/html");
    assertThat(r.bodyAsString()).contains("<html lang=\"en\">").contains(texts);
    // the simulator's spaces all live on its one origin, as Cobot's on https://*.cobot.me
    assertThat(r.getHeader("Content-Security-Policy"))
        .containsPattern("frame-ancestors http://127\\.0\\.0\\.1:\\d+$");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
  }

  // ---- the created_invoice webhook

  @Test
  void aWebhookIsReceivedAndItsDuplicateToo() {
    JsonObject invoice = bed.cobot.addInvoice(space.subdomain(), null, null, "10.00");

    HttpResponse<Buffer> first = bed.post(bed.hookPath(space), webhook(invoice));
    HttpResponse<Buffer> again = bed.post(bed.hookPath(space), webhook(invoice));

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "received"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "received"));
  }

  @Test
  void aMalformedWebhookIsABadRequest() {
    HttpResponse<Buffer> notJson = bed.post(bed.hookPath(space), Buffer.buffer("url=x"));
    HttpResponse<Buffer> noUrl =
        bed.post(bed.hookPath(space), new JsonObject().put("url", 42).toBuffer());

    assertProblem(notJson, 400, "invalid_field");
    assertThat(notJson.bodyAsJsonObject().getString("field")).isEqualTo("url");
    assertProblem(noUrl, 400, "invalid_field");
    for (String body : new String[] {"", "null", "[1]", "{\"url\":"}) {
      assertProblem(bed.post(bed.hookPath(space), Buffer.buffer(body)), 400, "invalid_field");
    }
  }

  @Test
  void aWebhookToAnUnknownCallbackIsGoneSoCobotDropsIt() {
    JsonObject invoice = bed.cobot.addInvoice(space.subdomain(), null, null, "10.00");

    HttpResponse<Buffer> r = bed.post("/cobot/hooks/ch_unknown", webhook(invoice));

    assertProblem(r, 410, "not_found");
  }

  @Test
  void anOversizedWebhookIsRefused() {
    String url = "https://example.com/" + "x".repeat(CobotPages.HOOK_BODY_LIMIT);

    HttpResponse<Buffer> r =
        bed.post(bed.hookPath(space), new JsonObject().put("url", url).toBuffer());

    assertProblem(r, 413, "body_too_large");
  }

  @Test
  void aWebhookThatCannotBeRecordedIsUnavailableSoCobotSendsItAgain() {
    assumeTrue(PgFixture.canRestart());
    JsonObject invoice = bed.cobot.addInvoice(space.subdomain(), null, null, "10.00");
    String hook = bed.hookPath(space);

    HttpResponse<Buffer> down;
    PgFixture.stopServer();
    try {
      down = bed.post(hook, webhook(invoice));
    } finally {
      PgFixture.startServer();
    }

    assertProblem(down, 503, "unavailable");
    long deadline = System.currentTimeMillis() + 30_000;
    HttpResponse<Buffer> again = bed.post(hook, webhook(invoice));
    while (again.statusCode() == 503 && System.currentTimeMillis() < deadline) {
      again = bed.post(hook, webhook(invoice));
    }
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
  }

  // ---- the OAuth callback

  @Test
  void aCallbackWithoutAKnownStateIsRefusedReadably() {
    assertMessage(
        bed.get("/cobot/oauth/callback?code=abc&state=forged"),
        400,
        "Authorization not completed",
        "This authorization link was used already or has expired; start again.");
    assertMessage(bed.get("/cobot/oauth/callback?code=abc"), 400, "carries no state");
  }

  @Test
  void aCallbackIsTakenOnce() {
    Member member = bed.newMember(space);
    String link = bed.get(bed.memberPagePath(space)).getHeader("Location");
    bed.cobot.signInAs(member.userId());
    String callback = bed.authorize(link);

    HttpResponse<Buffer> first = bed.callback(callback);
    HttpResponse<Buffer> replayed = bed.callback(callback);

    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.getHeader("Location")).startsWith("/cobot/member/");
    assertMessage(replayed, 400, "used already or has expired");
  }

  @Test
  void anExpiredStateIsRefused() {
    Member member = bed.newMember(space);
    String link = bed.get(bed.memberPagePath(space)).getHeader("Location");
    bed.cobot.signInAs(member.userId());
    String callback = bed.authorize(link);

    bed.expire("cobot_states", tenant);

    assertMessage(bed.callback(callback), 400, "used already or has expired");
  }

  @Test
  void aGrantTheUserRefusedIsShown() {
    Member member = bed.newMember(space);
    String link = bed.get(bed.memberPagePath(space)).getHeader("Location");
    bed.cobot.signInAs(member.userId()).denyNextAuthorization();
    String callback = bed.authorize(link);
    assertThat(callback).contains("error=access_denied");

    assertMessage(
        bed.callback(callback),
        400,
        "Cobot did not grant access (access_denied); start again to retry.");
  }

  // ---- the members' link

  @Test
  void theMembersLinkSendsTheMemberToSignInAtCobot() {
    HttpResponse<Buffer> r = bed.get(bed.memberPagePath(space));

    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.getHeader("Location"))
        .startsWith(bed.cobot.baseUrl() + "/oauth/authorize?")
        .contains("client_id=" + space.clientId())
        .contains("scope=read_user&");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertMessage(bed.get("/cobot/members/cp_unknown"), 404, "No such page.");
  }

  // ---- the member's pages

  @Test
  void theMembersPageMayBeFramedByTheSpaceOnly() {
    String page = bed.signIn(space, bed.newMember(space));

    HttpResponse<Buffer> r = bed.get(page);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .contains("<html lang=\"en\">")
        .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .contains("<h1>Payment method</h1>")
        .contains("No card stored yet")
        .contains("href=\"" + page + "/card\">Add a card</a>");
    assertThat(r.getHeader("Content-Security-Policy"))
        .startsWith("default-src 'self'; script-src 'self' " + origin(bed.stripe.stripeJsUrl()))
        .contains("form-action 'self'; base-uri 'none'")
        .endsWith("frame-ancestors " + origin(bed.cobot.baseUrl()));
    assertThat(r.getHeader("X-Frame-Options")).isNull();
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void aMemberStoresACardThroughStripesForm() {
    String page = bed.signIn(space, bed.newMember(space));

    HttpResponse<Buffer> form = bed.get(page + "/card");
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.bodyAsString())
        .contains("<form id=\"card-form\"")
        .contains("data-publishable-key=\"" + bed.stripe.publishableKey() + "\"")
        .contains("data-return-url=\"" + page + "/card/done\"")
        .contains("<div id=\"card-element\"")
        .contains("<p id=\"card-errors\" class=\"error\" role=\"alert\">")
        .contains(">Save card</button>")
        .containsSubsequence(
            "<script src=\"" + bed.stripe.stripeJsUrl() + "\"></script>",
            "<script src=\"/cobot/assets/member-card.js\"></script>")
        .doesNotContain("<script>");
    assertThat(form.getHeader("Content-Security-Policy"))
        .endsWith("frame-ancestors " + origin(bed.cobot.baseUrl()));

    String back = bed.storeCard(page, CobotTestBed.VISA);

    assertThat(back).isEqualTo(page + "?saved=1");
    assertThat(bed.get(back).bodyAsString())
        .contains("Your card was saved.")
        .contains("Visa •••• 4242")
        .contains(">Replace card</a>");
    assertThat(bed.get(page).bodyAsString()).doesNotContain("Your card was saved.");
  }

  @Test
  void aSetupOtherThanThePagesIsNotStored() {
    String page = bed.signIn(space, bed.newMember(space));
    bed.confirmCard(page, CobotTestBed.VISA);

    HttpResponse<Buffer> r = bed.get(page + "/card/done?setup_intent=seti_someone_else");

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.bodyAsString())
        .contains("This is not the card form opened on this page.")
        .contains("href=\"" + page + "/card\">Try again</a>");
    assertThat(r.getHeader("Content-Security-Policy"))
        .endsWith("frame-ancestors " + origin(bed.cobot.baseUrl()));
    assertThat(bed.get(page).bodyAsString()).contains("No card stored yet");
  }

  @Test
  void anExpiredSessionSaysHowToStartAgain() {
    String page = bed.signIn(space, bed.newMember(space));

    bed.expire("cobot_member_sessions", tenant);

    String again = "This page has expired; open “Payment method” in Cobot again.";
    assertMessage(bed.get(page), 404, again);
    assertMessage(bed.get(page + "/card"), 404, again);
    assertMessage(bed.get(page + "/card/done?setup_intent=seti_1"), 404, again);
    assertMessage(bed.get("/cobot/member/unknown"), 404, again);
    assertThat(bed.get(page).bodyAsString()).doesNotContain("Try again");
  }

  @Test
  void theCardFormsScriptAndStylesAreServed() {
    HttpResponse<Buffer> script = bed.get("/cobot/assets/member-card.js");
    HttpResponse<Buffer> styles = bed.get("/cobot/assets/member.css");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.getHeader("Content-Type")).contains("javascript");
    assertThat(script.bodyAsString()).contains("stripe.confirmCardSetup(");
    assertThat(styles.statusCode()).isEqualTo(200);
    assertThat(styles.getHeader("Content-Type")).startsWith("text/css");
  }
}
