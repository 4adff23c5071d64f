package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.api.ApiTestServer.assertUsdPayment;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/receipts}: every delivery that reached one of the tenant's webhook URLs, with its
 * verdict, the body as received and what it booked, and processing one again. The deliveries are
 * Stripe's, signed by the simulator and posted to the platform's webhook route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptsApiTest {

  private static final String UNKNOWN_ID = "999999999";

  private ApiTestServer api;

  /** A merchant with a payment recorded, the same delivery repeated, and a forged one refused. */
  private Partner merchant;

  private String paymentBody;
  private String recorded;
  private String duplicate;
  private String rejected;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_receipts");
    merchant = api.signUp();
    StripeAccount stripe = api.connectStripe(merchant);
    paymentBody =
        stripe.stripe().paymentIntentSucceeded("evt_paid", "pi_paid", 1500, "usd", "member-1");
    assertThat(api.deliver(stripe, paymentBody).statusCode()).isEqualTo(200);
    assertThat(api.deliver(stripe, paymentBody).statusCode()).isEqualTo(200);
    StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    HttpResponse<Buffer> forged =
        api.deliver(
            new StripeAccount(forger, stripe.webhookUrl()),
            forger.paymentIntentSucceeded("evt_forged", "pi_forged", 1, "usd", "x"));
    assertThat(forged.statusCode()).isEqualTo(401);
    JsonArray receipts = receipts(merchant, "");
    rejected = receipts.getJsonObject(0).getString("id");
    duplicate = receipts.getJsonObject(1).getString("id");
    recorded = receipts.getJsonObject(2).getString("id");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private JsonArray receipts(Partner partner, String query) {
    return api.ok(GET, "/api/v1/receipts" + query, partner.token()).getJsonArray("data");
  }

  private static String reprocessPath(String id) {
    return "/api/v1/receipts/" + id + "/reprocess";
  }

  @Test
  void everyDeliveryIsListedNewestFirstWithItsVerdict() {
    JsonArray receipts = receipts(merchant, "");

    assertThat(receipts.stream().map(r -> ((JsonObject) r).getString("verdict")))
        .containsExactly("rejected", "duplicate", "recorded");
    JsonObject first = receipts.getJsonObject(2);
    assertThat(first.getString("gateway")).isEqualTo("stripe");
    assertThat(first.getString("eventId")).isEqualTo("evt_paid");
    assertThat(first.getString("eventType")).isEqualTo("payment_intent.succeeded");
    assertThat(receipts.getJsonObject(1).getString("duplicateOf")).isEqualTo(recorded);
    assertThat(receipts.getJsonObject(0).getString("reason")).containsIgnoringCase("signature");
  }

  @Test
  void filtersAndPagesNarrowTheList() {
    assertThat(receipts(merchant, "?verdict=recorded"))
        .extracting(r -> ((JsonObject) r).getString("id"))
        .containsExactly(recorded);
    // a forged delivery is refused before its event type is read
    assertThat(receipts(merchant, "?gateway=stripe&eventType=payment_intent.succeeded"))
        .extracting(r -> ((JsonObject) r).getString("id"))
        .containsExactly(duplicate, recorded);
    assertThat(receipts(merchant, "?eventType=invoice.paid")).isEmpty();
    Instant now = Instant.now();
    assertThat(receipts(merchant, "?createdFrom=" + now.minus(1, ChronoUnit.HOURS))).hasSize(3);
    assertThat(receipts(merchant, "?createdTo=" + now.minus(1, ChronoUnit.HOURS))).isEmpty();

    JsonObject page = api.ok(GET, "/api/v1/receipts?limit=2", merchant.token());
    assertThat(page.getBoolean("has_more")).isTrue();
    JsonObject rest =
        api.ok(GET, "/api/v1/receipts?limit=2&starting_after=" + duplicate, merchant.token());
    assertThat(rest.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(recorded);
    assertThat(rest.getBoolean("has_more")).isFalse();
  }

  @Test
  void aReceiptShowsTheBodyAsReceivedAndWhatItBooked() {
    HttpResponse<Buffer> r = api.call(GET, "/api/v1/receipts/" + recorded, merchant.token());

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject receipt = r.bodyAsJsonObject();
    assertThat(receipt.getString("verdict")).isEqualTo("recorded");
    assertThat(receipt.getString("body")).isEqualTo(paymentBody);
    assertThat(receipt.getString("bodyEncoding")).isEqualTo("utf-8");
    assertThat(
            receipt.getJsonArray("headers").stream().map(h -> ((JsonObject) h).getString("name")))
        .anyMatch("Stripe-Signature"::equalsIgnoreCase);
    JsonArray booked = receipt.getJsonArray("booked");
    assertThat(booked).hasSize(1);
    assertUsdPayment(booked.getJsonObject(0), 1500, "pi_paid", "member-1");
  }

  @Test
  void aRecordedReceiptProcessedAgainBooksNothingNew() {
    HttpResponse<Buffer> again = api.call(POST, reprocessPath(recorded), merchant.token());

    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    JsonObject outcome = again.bodyAsJsonObject();
    assertThat(outcome.getString("id")).isEqualTo(recorded);
    assertThat(outcome.getString("verdict")).isEqualTo("recorded");
    assertThat(outcome.getLong("newEntries")).isZero();
    assertThat(api.ok(GET, "/api/v1/payments", merchant.token()).getJsonArray("data")).hasSize(1);
  }

  @Test
  void aDuplicateCannotBeProcessedAgain() {
    JsonObject refused =
        assertProblem(api.call(POST, reprocessPath(duplicate), merchant.token()), 409, null);

    assertThat(refused.getString("error")).isEqualTo("not_reprocessable");
    assertThat(refused.getString("detail")).contains(duplicate);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          verdict=lost                   | verdict
          limit=0                        | limit
          createdFrom=yesterday          | createdFrom
          createdTo=2026-13-01T00:00:00Z | createdTo
          starting_after=first           | starting_after
          ending_before=0                | ending_before
          limit=101                      | limit
          """)
  void aQueryTheListCannotUseIsAProblemNamingTheParameter(String query, String parameter) {
    assertProblem(api.call(GET, "/api/v1/receipts?" + query, merchant.token()), 422, parameter);
  }

  @Test
  void unknownReceiptsAreNotFound() {
    String token = merchant.token();

    JsonObject unknown =
        assertProblem(api.call(GET, "/api/v1/receipts/" + UNKNOWN_ID, token), 404, null);
    assertThat(unknown.getString("error")).isEqualTo("not_found");
    assertProblem(api.call(GET, "/api/v1/receipts/not-a-number", token), 404, null);
    assertThat(assertProblem(api.call(POST, reprocessPath(UNKNOWN_ID), token), 404, null))
        .isEqualTo(unknown);
  }

  @Test
  void anotherTenantsReceiptsAreNeitherSeenNorProcessed() {
    Partner other = api.signUp();
    api.connectStripe(other);
    JsonObject unknown =
        assertProblem(api.call(GET, "/api/v1/receipts/" + UNKNOWN_ID, other.token()), 404, null);
    // told what it is told about an id that does not exist, but for the id
    JsonObject expected = new JsonObject(unknown.encode().replace(UNKNOWN_ID, recorded));

    assertThat(
            assertProblem(api.call(GET, "/api/v1/receipts/" + recorded, other.token()), 404, null))
        .isEqualTo(expected);
    assertThat(assertProblem(api.call(POST, reprocessPath(recorded), other.token()), 404, null))
        .isEqualTo(expected);
    assertThat(receipts(other, "")).isEmpty();
    assertThat(receipts(other, "?starting_after=" + rejected)).isEmpty();
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String readOnly = api.token(merchant, "receipts:read");
    String noReceipts = api.token(merchant, "payments:read gateways:read gateways:write");

    JsonObject refused = assertProblem(api.call(GET, "/api/v1/receipts", noReceipts), 403, null);
    assertThat(refused.getString("detail")).contains("receipts:read");
    assertProblem(api.call(GET, "/api/v1/receipts/" + recorded, noReceipts), 403, null);
    JsonObject reprocess =
        assertProblem(api.call(POST, reprocessPath(recorded), readOnly), 403, null);
    assertThat(reprocess.getString("detail")).contains("gateways:write");
  }

  @Test
  void noTokenIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/receipts", null), 401, null);
    assertProblem(api.call(GET, "/api/v1/receipts/" + recorded, null), 401, null);
    assertProblem(api.call(POST, reprocessPath(recorded), null), 401, null);
  }
}
