package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/deliveries}: each recorded payment's delivery to each of the tenant's sync
 * targets, with its attempts, and sending one again. The payments come from Stripe's webhooks, the
 * deliveries from the platform's own workers, to a target that refuses connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveriesApiTest {

  private ApiTestServer api;

  /** A merchant whose one payment failed to reach its target. */
  private Partner merchant;

  /** That delivery, as first listed. */
  private JsonObject failed;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_deliveries");
    merchant = api.signUp();
    HttpResponse<Buffer> target =
        api.call(
            POST,
            "/api/v1/sync-targets",
            merchant.token(),
            // nothing listens on the discard port: every attempt fails at once
            new JsonObject().put("type", "webhook").put("url", "http://127.0.0.1:9/refused"));
    assertThat(target.statusCode()).as(target.bodyAsString()).isEqualTo(201);
    StripeAccount stripe = api.connectStripe(merchant);
    api.pay(stripe, 2500, "member-1");
    api.eventually("a failed delivery", () -> deliveries(merchant, "?status=failed").size() == 1);
    failed = deliveries(merchant, "?status=failed").getJsonObject(0);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private JsonArray deliveries(Partner partner, String query) {
    return api.ok(GET, "/api/v1/deliveries" + query, partner.token()).getJsonArray("data");
  }

  private String replayPath(String id) {
    return "/api/v1/deliveries/" + id + "/replay";
  }

  @Test
  void aFailedDeliveryIsListedWithItsAttempt() {
    String payment =
        api.ok(GET, "/api/v1/payments", merchant.token())
            .getJsonArray("data")
            .getJsonObject(0)
            .getString("id");

    assertThat(failed.getString("paymentId")).isEqualTo(payment);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("attempts")).isGreaterThanOrEqualTo(1);
    assertThat(failed.getString("lastError")).isNotBlank();
    assertThat(failed.getString("targetId"))
        .isEqualTo(
            api.ok(GET, "/api/v1/sync-targets", merchant.token())
                .getJsonArray("data")
                .getJsonObject(0)
                .getString("id"));
    assertThat(deliveries(merchant, "")).hasSize(1);
    assertThat(deliveries(merchant, "?status=delivered")).isEmpty();
  }

  @Test
  void aReplayedDeliveryIsAttemptedAgain() {
    String id = failed.getString("id");
    int attempts = deliveries(merchant, "").getJsonObject(0).getInteger("attempts");

    HttpResponse<Buffer> replayed = api.call(POST, replayPath(id), merchant.token());

    assertThat(replayed.statusCode()).as(replayed.bodyAsString()).isEqualTo(202);
    assertThat(replayed.bodyAsJsonObject().getString("id")).isEqualTo(id);
    api.eventually(
        "another attempt",
        () -> deliveries(merchant, "").getJsonObject(0).getInteger("attempts") > attempts);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          status=lost             | status
          limit=0                 | limit
          limit=many              | limit
          starting_after=nope     | starting_after
          ending_before=0         | ending_before
          targetId=not-a-target   | targetId
          """)
  void aQueryTheListCannotUseIsAProblemNamingTheParameter(String query, String parameter) {
    assertProblem(api.call(GET, "/api/v1/deliveries?" + query, merchant.token()), 422, parameter);
  }

  @Test
  void unknownDeliveriesAreNotFound() {
    JsonObject unknown =
        assertProblem(api.call(POST, replayPath("999999999"), merchant.token()), 404, null);
    assertThat(unknown.getString("error")).isEqualTo("not_found");
    assertThat(
            assertProblem(api.call(POST, replayPath("not-a-number"), merchant.token()), 404, null))
        .isEqualTo(unknown);
  }

  @Test
  void anotherTenantsDeliveryIsNeitherSeenNorReplayed() {
    Partner other = api.signUp();
    JsonObject unknown =
        assertProblem(api.call(POST, replayPath("999999999"), other.token()), 404, null);
    int attempts = deliveries(merchant, "").getJsonObject(0).getInteger("attempts");

    HttpResponse<Buffer> replay = api.call(POST, replayPath(failed.getString("id")), other.token());

    assertThat(assertProblem(replay, 404, null)).isEqualTo(unknown);
    assertThat(deliveries(other, "")).isEmpty();
    assertThat(deliveries(other, "?status=failed")).isEmpty();
    JsonObject mine = deliveries(merchant, "").getJsonObject(0);
    assertThat(mine.getString("status")).isEqualTo("failed");
    assertThat(mine.getInteger("attempts")).isEqualTo(attempts);
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String readOnly = api.token(merchant, "sync:read");

    JsonObject refused =
        assertProblem(api.call(POST, replayPath(failed.getString("id")), readOnly), 403, null);
    assertThat(refused.getString("detail")).contains("sync:write");
    assertProblem(
        api.call(GET, "/api/v1/deliveries", api.token(merchant, "payments:read")), 403, null);
    assertThat(api.call(GET, "/api/v1/deliveries", readOnly).statusCode()).isEqualTo(200);
  }

  @Test
  void noTokenIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/deliveries", null), 401, null);
    assertProblem(api.call(POST, replayPath(failed.getString("id")), null), 401, null);
  }
}
