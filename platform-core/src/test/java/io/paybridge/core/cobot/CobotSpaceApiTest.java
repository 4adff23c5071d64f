package io.paybridge.core.cobot;

import static io.paybridge.core.cobot.CobotTestClient.CLIENT_ID;
import static io.paybridge.core.cobot.CobotTestClient.CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A space's API 1 as an integration drives it: invoices, payment records, activities, links. */
@ExtendWith(VertxExtension.class)
class CobotSpaceApiTest {

  private static final String SCOPES =
      "read_invoices write_payment_records read_payment_records write_activities read_activities"
          + " navigation write_subscriptions read_subscriptions read_memberships";

  private CobotSimulator cobot;
  private CobotTestClient http;
  private String token;
  private String membership;
  private String api;

  @BeforeEach
  void start(Vertx vertx) {
    cobot = new CobotSimulator().start(vertx).await();
    http = new CobotTestClient(vertx);
    String alice = cobot.addUser("alice@example.com");
    cobot.addSpace("co-up", "Co-Up", "EUR").addAdmin("co-up", alice);
    cobot.addSpace("tokyo", "Tokyo Desk", "JPY").addAdmin("tokyo", alice);
    membership = cobot.addMembership("co-up", null, "Bob Builder", "bob@example.com");
    cobot.addClient(CLIENT_ID, CLIENT_SECRET).signInAs(alice);
    token = http.connect(cobot.baseUrl(), SCOPES).getString("access_token");
    api = cobot.spaceApiBase("co-up");
  }

  @AfterEach
  void stop() {
    http.close();
    cobot.close().await();
  }

  @Test
  void anInvoiceIsFetchedByItsUrlOrNumber() {
    // GIVEN an invoice of a membership
    JsonObject added = cobot.addInvoice("co-up", membership, "EUR", "60");

    // WHEN the integration fetches its URL
    HttpResponse<Buffer> fetched = http.get(added.getString("url"), token);

    // THEN it gets the invoice, amounts as EUR decimals
    assertThat(fetched.statusCode()).isEqualTo(200);
    JsonObject invoice = fetched.bodyAsJsonObject();
    assertThat(invoice.getString("id")).matches("[0-9a-f]{32}");
    assertThat(invoice.getString("url")).isEqualTo(api + "/invoices/" + invoice.getString("id"));
    assertThat(invoice.getInteger("invoice_number")).isEqualTo(100);
    assertThat(invoice.getString("membership_id")).isEqualTo(membership);
    assertThat(invoice.getString("currency")).isEqualTo("EUR");
    assertThat(invoice.getString("total_amount")).isEqualTo("60.00");
    assertThat(invoice.getString("payable_amount")).isEqualTo("60.00");
    assertThat(invoice.getString("paid_amount")).isEqualTo("0.00");
    assertThat(invoice.getString("paid_status")).isEqualTo("unpaid");
    assertThat(invoice.getValue("paid_at")).isNull();
    assertThat(invoice.getJsonArray("items")).hasSize(1);
    assertThat(invoice).isEqualTo(added);
    assertThat(http.get(api + "/invoices/100", token).bodyAsJsonObject()).isEqualTo(added);
    assertThat(http.get(api + "/invoices?ids=" + invoice.getString("id"), token).bodyAsJsonArray())
        .containsExactly(added);

    assertThat(http.get(api + "/invoices/" + "0".repeat(32), token).statusCode()).isEqualTo(404);
    cobot.deleteInvoice("co-up", invoice.getString("id"));
    HttpResponse<Buffer> deleted = http.get(added.getString("url"), token);
    assertThat(deleted.statusCode()).isEqualTo(404);
    assertThat(deleted.bodyAsJsonObject()).isEqualTo(new JsonObject());
  }

  @Test
  void paymentRecordsPayTheInvoiceOnceTheyReachItsTotal() {
    JsonObject invoice = cobot.addInvoice("co-up", membership, "EUR", "25.00");
    String records = invoice.getString("url") + "/payment_records";

    // WHEN half is paid
    HttpResponse<Buffer> first =
        http.post(
            records,
            token,
            new JsonObject()
                .put("amount", "12.5")
                .put("paid_at", "2026-12-07")
                .put("note", "LocalPay ch_1")
                .put("payment_method", new JsonObject().put("name", "LocalPay")));

    // THEN the record is created and the rest is payable
    assertThat(first.statusCode()).isEqualTo(201);
    JsonObject record = first.bodyAsJsonObject();
    assertThat(record.getString("invoice_id")).isEqualTo(invoice.getString("id"));
    assertThat(record.getString("amount")).isEqualTo("12.50");
    assertThat(record.getString("currency")).isEqualTo("EUR");
    assertThat(record.getString("paid_at")).isEqualTo("2026-12-07");
    assertThat(record.getString("note")).isEqualTo("LocalPay ch_1");
    assertThat(record.getJsonObject("payment_method"))
        .isEqualTo(new JsonObject().put("id", null).put("name", "LocalPay"));
    JsonObject halfPaid = http.get(invoice.getString("url"), token).bodyAsJsonObject();
    assertThat(halfPaid.getString("payable_amount")).isEqualTo("12.50");
    assertThat(halfPaid.getString("paid_status")).isEqualTo("unpaid");

    // WHEN the rest is paid
    HttpResponse<Buffer> second =
        http.post(
            records, token, new JsonObject().put("amount", "12.50").put("paid_at", "2026-12-08"));

    // THEN the invoice is paid
    assertThat(second.statusCode()).isEqualTo(201);
    JsonObject paid = cobot.invoice("co-up", invoice.getString("id"));
    assertThat(paid.getString("paid_status")).isEqualTo("paid");
    assertThat(paid.getString("paid_at")).isEqualTo("2026/12/08 00:00:00 +0000");
    assertThat(paid.getString("payable_amount")).isEqualTo("0.00");
    assertThat(paid.getString("paid_amount")).isEqualTo("25.00");
    assertThat(cobot.paymentRecords("co-up", invoice.getString("id"))).hasSize(2);
    HttpResponse<Buffer> listed =
        http.get(api + "/invoices/payment_records?invoice_ids=" + invoice.getString("id"), token);
    assertThat(listed.bodyAsJsonArray()).hasSize(2);
    assertThat(listed.bodyAsJsonArray().getJsonObject(0)).isEqualTo(record);

    // WHEN a record is deleted, THEN the invoice is unpaid again
    assertThat(http.delete(records + "/" + record.getString("id"), token).statusCode())
        .isEqualTo(204);
    JsonObject reopened = cobot.invoice("co-up", invoice.getString("id"));
    assertThat(reopened.getString("paid_status")).isEqualTo("unpaid");
    assertThat(reopened.getString("payable_amount")).isEqualTo("12.50");
  }

  @Test
  void invalidPaymentRecordsGet422() {
    JsonObject invoice = cobot.addInvoice("co-up", null, null, "10");
    String records = invoice.getString("url") + "/payment_records";

    HttpResponse<Buffer> noDate = http.post(records, token, new JsonObject().put("amount", "10"));
    HttpResponse<Buffer> tooMuch =
        http.post(
            records, token, new JsonObject().put("amount", "10.01").put("paid_at", "2026-12-07"));
    HttpResponse<Buffer> notANumber =
        http.post(
            records, token, new JsonObject().put("amount", "ten").put("paid_at", "2026-12-07"));

    assertThat(noDate.statusCode()).isEqualTo(422);
    assertThat(noDate.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("errors", "Paid at can't be blank"));
    assertThat(tooMuch.statusCode()).isEqualTo(422);
    assertThat(tooMuch.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("errors", "Amount exceeds the payable amount"));
    assertThat(notANumber.statusCode()).isEqualTo(422);
    assertThat(cobot.paymentRecords("co-up", invoice.getString("id"))).isEmpty();
    assertThat(
            http.post(api + "/invoices/nope/payment_records", token, new JsonObject()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void amountsHaveTheirCurrencysDecimals() {
    JsonObject yen = cobot.addInvoice("tokyo", null, "JPY", "3000");
    JsonObject euro = cobot.addInvoice("co-up", null, "EUR", "12.5");

    assertThat(yen.getString("total_amount")).isEqualTo("3000");
    assertThat(euro.getString("total_amount")).isEqualTo("12.50");
    HttpResponse<Buffer> yenRecord =
        http.post(
            yen.getString("url") + "/payment_records",
            token,
            new JsonObject().put("amount", "1000.0").put("paid_at", "2026-12-07"));
    assertThat(yenRecord.bodyAsJsonObject().getString("amount")).isEqualTo("1000");
    assertThat(http.get(yen.getString("url"), token).bodyAsJsonObject().getString("payable_amount"))
        .isEqualTo("2000");
    HttpResponse<Buffer> fractionOfAYen =
        http.post(
            yen.getString("url") + "/payment_records",
            token,
            new JsonObject().put("amount", "0.5").put("paid_at", "2026-12-07"));
    assertThat(fractionOfAYen.statusCode()).isEqualTo(422);
  }

  @Test
  void activitiesAreCreatedAndListed() {
    HttpResponse<Buffer> created =
        http.post(
            api + "/activities",
            token,
            new JsonObject()
                .put("text", "Payment of invoice 100 failed: card declined")
                .put("level", "ERROR")
                .put("channels", new JsonArray().add("admin").add("membership"))
                .put("source_ids", new JsonArray().add(membership)));
    HttpResponse<Buffer> noText = http.post(api + "/activities", token, new JsonObject());

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject activity = created.bodyAsJsonObject();
    assertThat(activity.getString("type")).isEqualTo("text");
    assertThat(activity.getString("level")).isEqualTo("ERROR");
    assertThat(activity.getJsonObject("attributes").getString("text")).contains("card declined");
    assertThat(activity.getJsonArray("channels")).containsExactly("admin", "membership");
    assertThat(activity.getString("created_at"))
        .matches("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000");
    assertThat(noText.statusCode()).isEqualTo(422);
    assertThat(http.get(api + "/activities", token).bodyAsJsonArray()).containsExactly(activity);
    assertThat(cobot.activities("co-up")).containsExactly(activity);
  }

  @Test
  void navigationLinksAreCreatedAndDeleted() {
    HttpResponse<Buffer> created =
        http.post(
            api + "/navigation_links",
            token,
            new JsonObject()
                .put("section", "members")
                .put("label", "Pay with LocalPay")
                .put("iframe_url", "https://paybridge.example/cobot/members"));
    HttpResponse<Buffer> badSection =
        http.post(
            api + "/navigation_links",
            token,
            new JsonObject()
                .put("section", "admin/elsewhere")
                .put("label", "X")
                .put("iframe_url", "https://x.example"));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject link = created.bodyAsJsonObject();
    assertThat(link.getString("url"))
        .matches(api.replace(".", "\\.") + "/navigation_links/[0-9a-f]{32}");
    assertThat(link.getString("user_url"))
        .startsWith(cobot.baseUrl() + "/spaces/co-up/navigation_links/");
    assertThat(badSection.statusCode()).isEqualTo(422);
    assertThat(http.get(api + "/navigation_links", token).bodyAsJsonArray()).containsExactly(link);

    assertThat(http.delete(link.getString("url"), token).statusCode()).isEqualTo(204);
    assertThat(http.delete(link.getString("url"), token).statusCode()).isEqualTo(404);
    assertThat(cobot.navigationLinks("co-up")).isEmpty();
  }

  @Test
  void subscriptionsAreCreatedOnceAndDeleted() {
    JsonObject body =
        new JsonObject()
            .put("event", "created_invoice")
            .put("callback_url", "https://paybridge.example/cobot/hooks/k1");

    HttpResponse<Buffer> created = http.post(api + "/subscriptions", token, body);
    HttpResponse<Buffer> again = http.post(api + "/subscriptions", token, body);
    HttpResponse<Buffer> unknown =
        http.post(api + "/subscriptions", token, body.copy().put("event", "paid_invoice"));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject subscription = created.bodyAsJsonObject();
    assertThat(subscription.getString("url"))
        .isEqualTo(api + "/subscriptions/" + subscription.getString("id"));
    assertThat(subscription.getBoolean("active")).isTrue();
    assertThat(subscription.getString("callback_url")).isEqualTo(body.getString("callback_url"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(http.get(api + "/subscriptions", token).bodyAsJsonArray())
        .containsExactly(subscription);

    assertThat(http.delete(subscription.getString("url"), token).statusCode()).isEqualTo(204);
    assertThat(cobot.subscriptions("co-up")).isEmpty();
  }

  @Test
  void aMembershipIsFetched() {
    JsonObject fetched = http.get(api + "/memberships/" + membership, token).bodyAsJsonObject();

    assertThat(fetched.getString("id")).isEqualTo(membership);
    assertThat(fetched.getString("name")).isEqualTo("Bob Builder");
    assertThat(fetched.getString("email")).isEqualTo("bob@example.com");
    assertThat(fetched.getValue("user")).isNull();
    assertThat(fetched.getJsonObject("plan").getString("currency")).isEqualTo("EUR");
    assertThat(fetched.getJsonObject("payment_method").getBoolean("automated")).isFalse();
    HttpResponse<Buffer> unknown = http.get(api + "/memberships/404404", token);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject()).isEqualTo(new JsonObject());
  }
}
