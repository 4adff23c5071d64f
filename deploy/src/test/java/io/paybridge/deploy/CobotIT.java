package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.cobot.CobotSimulator;
import io.paybridge.deploy.CobotFixture.Space;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A coworking space on Cobot, end to end through a whole node, against Cobot's API and Stripe's API
 * played by simulators over HTTP: the space connects (OAuth, navigation link, webhook subscription,
 * once however often), each invoice Cobot creates is fetched, charged off-session from the member's
 * stored card and marked paid with one payment record, and each of the error cases ends in its
 * outcome: deleted, nothing to pay, no membership, no card (the member is told), declined (the
 * member is told, no record), Cobot or Stripe failing for a while (retried, charged once), a forged
 * URL (never fetched). Disconnecting leaves nothing at Cobot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotIT {

  private CobotFixture world;
  private StripeApiFake stripe;
  private CobotSimulator cobot;
  private TestNode node;

  @BeforeAll
  void start() {
    world = new CobotFixture("cobot");
    stripe = world.stripe;
    cobot = world.cobot;
    node = world.node;
  }

  @AfterAll
  void stop() {
    world.close();
  }

  @Test
  void connectingRegistersTheLinkAndTheWebhookOnceAndDisconnectingRemovesThem() {
    Space space = connectedSpace();
    assertThat(cobot.navigationLinks(space.subdomain())).hasSize(1);
    JsonObject link = cobot.navigationLinks(space.subdomain()).get(0);
    assertThat(link.getString("section")).isEqualTo("members");
    assertThat(link.getString("iframe_url")).contains("/cobot/members/");
    assertThat(cobot.subscriptions(space.subdomain()))
        .singleElement()
        .satisfies(s -> assertThat(s.getString("event")).isEqualTo("created_invoice"));
    JsonObject status =
        await(space.tenant().get("/api/v1/integrations/cobot").send()).bodyAsJsonObject();
    assertThat(status.getString("status")).isEqualTo("connected");
    assertThat(status.getString("memberPageUrl")).isEqualTo(link.getString("iframe_url"));
    assertThat(status.encode()).doesNotContain("secret-of-" + space.subdomain());

    // WHEN the space connects again: nothing is duplicated at Cobot
    authorize(space.tenant(), space.subdomain());
    assertThat(cobot.navigationLinks(space.subdomain())).hasSize(1);
    assertThat(cobot.subscriptions(space.subdomain())).hasSize(1);

    // WHEN it disconnects: nothing is left at Cobot, and the callback is gone
    assertThat(await(space.tenant().delete("/api/v1/integrations/cobot").send()).statusCode())
        .isEqualTo(204);
    assertThat(cobot.navigationLinks(space.subdomain())).isEmpty();
    assertThat(cobot.subscriptions(space.subdomain())).isEmpty();
    assertThat(await(space.tenant().get("/api/v1/integrations/cobot").send()).statusCode())
        .isEqualTo(404);
    assertThat(postHook(space.hookUrl(), new JsonObject().put("url", "x")).statusCode())
        .isEqualTo(410);
  }

  @Test
  void anInvoiceIsChargedOnceAndMarkedPaidHoweverOftenItsWebhookComes() {
    Space space = connectedSpace();
    String customer = storeCard(space, space.member(), "4242");
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "12.50");

    assertThat(await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id"))))
        .isEqualTo(200);
    JsonObject row = waitForOutcome(space, invoice, "charged");
    // the same webhook again, twice, changes nothing
    assertThat(await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id"))))
        .isEqualTo(200);
    assertThat(
            postHook(space.hookUrl(), new JsonObject().put("url", invoice.getString("url")))
                .statusCode())
        .isEqualTo(200);
    pause();

    assertThat(row.getLong("amount")).isEqualTo(1_250);
    assertThat(stripe.paymentIntentsFor(customer)).hasSize(1);
    assertThat(intentAmounts(customer)).containsOnly("1250");
    List<JsonObject> records = cobot.paymentRecords(space.subdomain(), invoice.getString("id"));
    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.getString("amount")).isIn("12.5", "12.50"));
    assertThat(cobot.invoice(space.subdomain(), invoice.getString("id")).getString("paid_status"))
        .isEqualTo("paid");
    assertThat(balance(space.tenant(), space.member(), "EUR")).isEqualTo(1_250);
    assertThat(invoices(space.tenant())).hasSize(1);
  }

  @Test
  void aYenInvoiceIsChargedInWholeYen() {
    Space space = connectedSpace();
    String customer = storeCard(space, space.member(), "4242");
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "JPY", "3000");
    await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id")));
    JsonObject row = waitForOutcome(space, invoice, "charged");
    assertThat(row.getLong("amount")).isEqualTo(3_000);
    assertThat(row.getString("currency")).isEqualTo("JPY");
    assertThat(intentAmounts(customer)).containsOnly("3000");
  }

  @Test
  void invoicesWithNothingToChargeAreSkippedWithTheirReason() {
    Space space = connectedSpace();
    storeCard(space, space.member(), "4242");
    // deleted before the platform fetched it
    JsonObject deleted = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "10.00");
    cobot.deleteInvoice(space.subdomain(), deleted.getString("id"));
    postHook(space.hookUrl(), new JsonObject().put("url", deleted.getString("url")));
    // nothing payable: canceled at Cobot before the platform fetched it
    JsonObject zero = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "15.00");
    cobot.cancelInvoice(space.subdomain(), zero.getString("id"));
    await(cobot.fireCreatedInvoice(space.subdomain(), zero.getString("id")));
    // no membership
    JsonObject orphan = cobot.addInvoice(space.subdomain(), null, "EUR", "10.00");
    await(cobot.fireCreatedInvoice(space.subdomain(), orphan.getString("id")));

    assertThat(
            waitForOutcomeByUrl(space, deleted.getString("url"), "skipped").getString("reasonCode"))
        .isEqualTo("deleted");
    assertThat(waitForOutcome(space, zero, "skipped").getString("reasonCode"))
        .isEqualTo("nothing_to_pay");
    assertThat(waitForOutcome(space, orphan, "skipped").getString("reasonCode"))
        .isEqualTo("no_membership");
    assertThat(
            stripe.calls("POST", "/v1/payment_intents").stream()
                .filter(c -> space.member().equals(c.form().get("metadata[customer_ref]"))))
        .isEmpty();
  }

  @Test
  void aMemberWithoutACardIsToldAndTheInvoiceCanBeChargedOnceTheyAddOne() {
    Space space = connectedSpace();
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "20.00");
    await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id")));
    JsonObject skipped = waitForOutcome(space, invoice, "skipped");
    assertThat(skipped.getString("reasonCode")).isEqualTo("no_payment_method");
    assertThat(skipped.getBoolean("rerunnable")).isTrue();
    assertThat(cobot.activities(space.subdomain()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getJsonArray("source_ids")).containsExactly(space.member());
              assertThat(a.getJsonArray("channels")).contains("membership");
              assertThat(a.getJsonObject("attributes").getString("text")).contains("no card");
            });

    // WHEN the member adds a card and the space charges the invoice again
    storeCard(space, space.member(), "4242");
    HttpResponse<Buffer> rerun = rerun(space.tenant(), skipped.getString("id"));
    assertThat(rerun.statusCode()).as(rerun.bodyAsString()).isEqualTo(202);
    waitForOutcome(space, invoice, "charged");
    assertThat(cobot.paymentRecords(space.subdomain(), invoice.getString("id"))).hasSize(1);
    // AND a paid invoice cannot be charged again
    assertThat(rerun(space.tenant(), skipped.getString("id")).statusCode()).isEqualTo(409);
  }

  @Test
  void aDeclineIsToldToTheMemberAndARerunAfterTheyFixedTheirCardChargesWithANewKey() {
    Space space = connectedSpace();
    storeCard(space, space.member(), "0341");
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "30.00");
    await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id")));

    JsonObject declined = waitForOutcome(space, invoice, "declined");
    assertThat(declined.getString("reasonCode")).isEqualTo("card_declined");
    assertThat(declined.getString("reason")).isEqualTo("Your card was declined.");
    assertThat(cobot.paymentRecords(space.subdomain(), invoice.getString("id"))).isEmpty();
    assertThat(cobot.activities(space.subdomain()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getString("level")).isEqualTo("ERROR");
              assertThat(a.getJsonObject("attributes").getString("text"))
                  .contains("Your card was declined.");
            });
    assertThat(intentKeys(space.member())).hasSize(1);
    String firstKey = intentKeys(space.member()).get(0);

    storeCard(space, space.member(), "4242");
    assertThat(rerun(space.tenant(), declined.getString("id")).statusCode()).isEqualTo(202);
    waitForOutcome(space, invoice, "charged");
    List<String> keys = intentKeys(space.member());
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1)).isNotEqualTo(keys.get(0));
    assertThat(keys.get(0)).isEqualTo(firstKey);
    assertThat(cobot.paymentRecords(space.subdomain(), invoice.getString("id"))).hasSize(1);
    assertThat(balance(space.tenant(), space.member(), "EUR")).isEqualTo(3_000);
  }

  @Test
  void cobotAndStripeFailingForAWhileAreRetriedAndChargeOnce() {
    Space space = connectedSpace();
    String customer = storeCard(space, space.member(), "4242");
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "45.00");
    String api = cobot.spaceApiBase(space.subdomain());
    cobot.failNext("GET", URI.create(api).getPath() + "/invoices/" + invoice.getString("id"), 503);
    stripe.delayNext("POST", "/v1/payment_intents", Duration.ofSeconds(3));
    cobot.failNext(
        "POST",
        URI.create(api).getPath() + "/invoices/" + invoice.getString("id") + "/payment_records",
        502);
    cobot.expireTokensNow();

    await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id")));
    waitForOutcome(space, invoice, "charged");
    pause();
    assertThat(stripe.paymentIntentsFor(customer)).hasSize(1);
    assertThat(cobot.paymentRecords(space.subdomain(), invoice.getString("id"))).hasSize(1);
    assertThat(balance(space.tenant(), space.member(), "EUR")).isEqualTo(4_500);
  }

  @Test
  void aWebhookNamingAnotherHostIsNeverFetchedAndKeptAsRejected() {
    Space space = connectedSpace();
    AtomicInteger stranger = new AtomicInteger();
    var server =
        await(
            world
                .sims
                .createHttpServer()
                .requestHandler(
                    r -> {
                      stranger.incrementAndGet();
                      r.response().end("{}");
                    })
                .listen(0, "127.0.0.1"));
    String foreign = "http://127.0.0.1:" + server.actualPort() + "/api/invoices/abc";
    String lookalike = cobot.spaceApiBase(space.subdomain()) + "/invoices/abc?x=@evil";
    String otherSpace = cobot.spaceApiBase("elsewhere") + "/invoices/abc";
    for (String url : List.of(foreign, lookalike, otherSpace)) {
      assertThat(postHook(space.hookUrl(), new JsonObject().put("url", url)).statusCode())
          .isEqualTo(200);
    }
    // malformed bodies are refused and recorded nowhere
    assertThat(postHook(space.hookUrl(), new JsonObject().put("link", foreign)).statusCode())
        .isEqualTo(400);
    pause();
    assertThat(stranger).hasValue(0);
    List<JsonObject> rows = invoices(space.tenant());
    assertThat(rows)
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.getString("outcome")).isEqualTo("rejected");
              assertThat(r.getString("reasonCode")).isEqualTo("foreign_url");
            });
    await(server.close());
  }

  @Test
  void anotherTenantSeesAndReRunsNoneOfASpacesInvoices() {
    Space space = connectedSpace();
    JsonObject invoice = cobot.addInvoice(space.subdomain(), space.member(), "EUR", "5.00");
    await(cobot.fireCreatedInvoice(space.subdomain(), invoice.getString("id")));
    JsonObject row = waitForOutcome(space, invoice, "skipped");
    Tenant other = stripeTenant();
    assertThat(
            await(other.get("/api/v1/integrations/cobot/invoices").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
    assertThat(rerun(other, row.getString("id")).statusCode()).isEqualTo(404);
    assertThat(await(other.get("/api/v1/integrations/cobot").send()).statusCode()).isEqualTo(404);
    assertThat(await(other.delete("/api/v1/integrations/cobot").send()).statusCode())
        .isEqualTo(404);
    assertThat(cobot.navigationLinks(space.subdomain())).hasSize(1);
  }

  // ---- helpers

  private Tenant stripeTenant() {
    return world.stripeTenant();
  }

  private Space connectedSpace() {
    return world.connectedSpace();
  }

  private void authorize(Tenant tenant, String subdomain) {
    world.authorize(tenant, subdomain);
  }

  /** Stores a card for the member at Stripe, as the members' page would; returns the customer. */
  private String storeCard(Space space, String member, String last4) {
    String customer = "cus_" + suffix();
    String method = stripe.addPaymentMethod("pm_" + suffix(), customer, "visa", last4);
    if ("0341".equals(last4)) {
      stripe.declinePaymentMethod(
          method, "card_declined", "generic_decline", "Your card was declined.");
    }
    HttpResponse<Buffer> r =
        await(
            space
                .tenant()
                .put("/api/v1/customers/" + member + "/payment-method")
                .sendJsonObject(
                    new JsonObject()
                        .put("gateway", "stripe")
                        .put("customer", customer)
                        .put("paymentMethod", method)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return customer;
  }

  private HttpResponse<Buffer> postHook(String hookUrl, JsonObject body) {
    URI u = URI.create(hookUrl);
    return await(node.http.post(u.getRawPath()).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> rerun(Tenant tenant, String id) {
    return await(tenant.post("/api/v1/integrations/cobot/invoices/" + id + "/charge").send());
  }

  private static List<JsonObject> invoices(Tenant tenant) {
    HttpResponse<Buffer> r = await(tenant.get("/api/v1/integrations/cobot/invoices").send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray data = r.bodyAsJsonObject().getJsonArray("data");
    return data.stream().map(JsonObject.class::cast).toList();
  }

  private JsonObject waitForOutcome(Space space, JsonObject invoice, String outcome) {
    return waitForOutcomeByUrl(space, invoice.getString("url"), outcome);
  }

  private JsonObject waitForOutcomeByUrl(Space space, String url, String outcome) {
    JsonObject[] found = new JsonObject[1];
    TestNode.eventually(
        Duration.ofSeconds(30),
        () -> {
          found[0] =
              invoices(space.tenant()).stream()
                  .filter(r -> url.equals(r.getString("url")))
                  .findFirst()
                  .orElse(null);
          return found[0] != null && outcome.equals(found[0].getString("outcome"));
        },
        () -> "invoice " + url + " is " + found[0]);
    return found[0];
  }

  private List<String> intentAmounts(String customer) {
    return stripe.calls("POST", "/v1/payment_intents").stream()
        .filter(c -> customer.equals(c.form().get("customer")))
        .map(c -> c.form().get("amount"))
        .toList();
  }

  private List<String> intentKeys(String member) {
    return stripe.calls("POST", "/v1/payment_intents").stream()
        .filter(c -> member.equals(c.form().get("metadata[customer_ref]")))
        .map(c -> c.header("Idempotency-Key"))
        .distinct()
        .toList();
  }

  private static long balance(Tenant tenant, String ref, String currency) {
    return tenant.balance(ref).getJsonArray("balances").stream()
        .map(JsonObject.class::cast)
        .filter(b -> currency.equals(b.getString("currency")))
        .mapToLong(b -> b.getLong("amountMinor"))
        .sum();
  }

  /** Time for work that should not happen to show itself. */
  private static void pause() {
    sleep(1_000);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String suffix() {
    return CobotFixture.suffix();
  }
}
