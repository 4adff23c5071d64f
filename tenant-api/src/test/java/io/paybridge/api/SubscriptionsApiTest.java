package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.api.ApiTestServer.StripeAccount;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/subscriptions}: subscriptions as the gateways' webhooks recorded them, registered
 * by the tenant, and refreshed by asking the gateway (Stripe's API played by {@link
 * StripeApiFake}); addressed by gateway and the gateway's subscription id, within the tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsApiTest {

  private static final String SUB_1 = "/api/v1/subscriptions/stripe/sub_1";
  private static final Instant PERIOD_END = Instant.parse("2027-03-01T00:00:00Z");

  private Vertx fakes;
  private StripeApiFake stripeApi;
  private ApiTestServer api;

  /** A publisher on Stripe, API key included, whose reader-1 pays for sub_1. */
  private Partner publisher;

  @BeforeAll
  void start() {
    fakes = Vertx.vertx();
    String apiKey = StripeApiFake.newSecretKey();
    stripeApi = await(new StripeApiFake(apiKey).start(fakes));
    api =
        ApiTestServer.start(
            "api_subscriptions", Map.of("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl()));
    publisher = api.signUp();
    StripeAccount stripe = api.connectStripe(publisher, new JsonObject().put("apiKey", apiKey));
    HttpResponse<Buffer> paid =
        api.deliver(
            stripe,
            stripe
                .stripe()
                .invoicePaid("evt_in_1", "in_1", "sub_1", 990, "usd", "reader-1", PERIOD_END));
    assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    api.close();
    await(stripeApi.close());
    await(fakes.close());
  }

  private JsonArray subscriptions(Partner partner, String query) {
    return api.ok(GET, "/api/v1/subscriptions" + query, partner.token()).getJsonArray("data");
  }

  private HttpResponse<Buffer> register(Partner partner, String id, JsonObject body) {
    return api.call(PUT, "/api/v1/subscriptions/stripe/" + id, partner.token(), body);
  }

  @Test
  void aSubscriptionPaidThroughTheWebhookIsRecorded() {
    JsonObject sub = api.ok(GET, SUB_1, publisher.token());

    assertThat(sub.getString("gateway")).isEqualTo("stripe");
    assertThat(sub.getString("externalSubscriptionId")).isEqualTo("sub_1");
    assertThat(sub.getString("customerRef")).isEqualTo("reader-1");
    assertThat(sub.getString("status")).isEqualTo("active");
    assertThat(sub.getString("currentPeriodEnd")).isEqualTo(PERIOD_END.toString());
    assertThat(subscriptions(publisher, "?status=active&customerRef=reader-1"))
        .containsExactly(sub);
  }

  @Test
  void aRegisteredSubscriptionIsListedAndPaged() {
    HttpResponse<Buffer> registered =
        register(publisher, "sub_2", new JsonObject().put("customerRef", "reader-2"));

    assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(200);
    assertThat(registered.bodyAsJsonObject().getString("customerRef")).isEqualTo("reader-2");
    assertThat(registered.bodyAsJsonObject().getString("status")).isEqualTo("active");
    JsonObject page = api.ok(GET, "/api/v1/subscriptions?limit=1", publisher.token());
    assertThat(page.getJsonArray("data").getJsonObject(0).getString("externalSubscriptionId"))
        .isEqualTo("sub_1");
    assertThat(page.getBoolean("has_more")).isTrue();
    String first = page.getJsonArray("data").getJsonObject(0).getString("id");
    assertThat(first).isEqualTo("stripe:sub_1");
    JsonArray next = subscriptions(publisher, "?limit=1&starting_after=" + first);
    assertThat(next.getJsonObject(0).getString("externalSubscriptionId")).isEqualTo("sub_2");
    JsonArray back = subscriptions(publisher, "?ending_before=stripe:sub_2");
    assertThat(back.getJsonObject(0).getString("id")).isEqualTo("stripe:sub_1");
    assertThat(subscriptions(publisher, "?status=cancelled")).isEmpty();
    assertThat(subscriptions(publisher, "?status=active")).hasSize(2);
  }

  @Test
  void aRefreshRecordsThePeriodTheGatewayReports() {
    // GIVEN a subscription the publisher registered, which Stripe says runs to April
    String path = "/api/v1/subscriptions/stripe/sub_r";
    assertThat(register(publisher, "sub_r", new JsonObject()).statusCode()).isEqualTo(200);
    Instant periodEnd = Instant.parse("2027-04-01T00:00:00Z");
    stripeApi.addSubscription("sub_r", "active", periodEnd);

    // WHEN it is refreshed
    HttpResponse<Buffer> refreshed = api.call(POST, path + "/refresh", publisher.token());

    // THEN Stripe was asked, and its period recorded
    assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
    assertThat(refreshed.bodyAsJsonObject().getString("currentPeriodEnd"))
        .isEqualTo(periodEnd.toString());
    assertThat(api.ok(GET, path, publisher.token()).getString("currentPeriodEnd"))
        .isEqualTo(periodEnd.toString());
    assertThat(stripeApi.calls("GET", "/v1/subscriptions/sub_r")).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          status=paused        | status
          limit=0              | limit
          starting_after=xyz   | starting_after
          ending_before=stripe: | ending_before
          """)
  void aQueryTheListCannotUseIsAProblemNamingTheParameter(String query, String parameter) {
    assertProblem(
        api.call(GET, "/api/v1/subscriptions?" + query, publisher.token()), 422, parameter);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"customerRef": 7}                  | customerRef
          {"customerRef": ""}                 | customerRef
          {"plan": "gold"}                    | plan
          """)
  void aRegistrationTheApiRefusesIsAProblemNamingTheField(String body, String field) {
    assertProblem(register(publisher, "sub_9", new JsonObject(body)), 422, field);
    assertProblem(
        api.call(GET, "/api/v1/subscriptions/stripe/sub_9", publisher.token()), 404, null);
  }

  @Test
  void aSubscriptionIdLongerThanTheDocumentAllowsIsRefused() {
    String path = "/api/v1/subscriptions/stripe/" + "s".repeat(256);

    assertProblem(api.call(GET, path, publisher.token()), 422, "externalSubscriptionId");
    assertProblem(
        register(publisher, "s".repeat(256), new JsonObject()), 422, "externalSubscriptionId");
  }

  @Test
  void unknownSubscriptionsAndGatewaysAreNotFound() {
    String token = publisher.token();

    JsonObject unknown =
        assertProblem(api.call(GET, "/api/v1/subscriptions/stripe/sub_404", token), 404, null);
    assertThat(unknown.getString("error")).isEqualTo("not_found");
    JsonObject noPlugin =
        assertProblem(
            api.call(GET, "/api/v1/subscriptions/carrier-pigeon/sub_1", token), 404, null);
    assertThat(noPlugin.getString("error")).isEqualTo("unknown_gateway");
    assertProblem(
        api.call(PUT, "/api/v1/subscriptions/carrier-pigeon/sub_1", token, new JsonObject()),
        404,
        null);
  }

  @Test
  void anotherTenantsSubscriptionIsNeitherSeenNorRefreshed() {
    Partner other = api.signUp();
    JsonObject unknown =
        assertProblem(
            api.call(GET, "/api/v1/subscriptions/stripe/sub_404", other.token()), 404, null);

    assertThat(assertProblem(api.call(GET, SUB_1, other.token()), 404, null)).isEqualTo(unknown);
    assertThat(subscriptions(other, "")).isEmpty();
    assertThat(subscriptions(other, "?customerRef=reader-1")).isEmpty();
    JsonObject refused =
        assertProblem(api.call(POST, SUB_1 + "/refresh", other.token()), 404, null);
    assertThat(refused.getString("detail")).isEqualTo("no stripe account is connected");
    // registering the same id makes a subscription of its own, with nothing of the publisher's
    JsonObject own = register(other, "sub_1", new JsonObject()).bodyAsJsonObject();
    assertThat(own.getString("customerRef")).isNull();
    assertThat(own.getString("currentPeriodEnd")).isNull();
    assertThat(api.ok(GET, SUB_1, publisher.token()).getString("customerRef"))
        .isEqualTo("reader-1");
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String readOnly = api.token(publisher, "payments:read");
    String noPayments = api.token(publisher, "gateways:read gateways:write");

    JsonObject refused =
        assertProblem(
            api.call(PUT, "/api/v1/subscriptions/stripe/sub_3", readOnly, new JsonObject()),
            403,
            null);
    assertThat(refused.getString("detail")).contains("gateways:write");
    assertProblem(api.call(POST, SUB_1 + "/refresh", readOnly), 403, null);
    assertProblem(api.call(GET, "/api/v1/subscriptions", noPayments), 403, null);
    assertProblem(api.call(GET, SUB_1, noPayments), 403, null);
    assertProblem(api.call(GET, "/api/v1/subscriptions/stripe/sub_3", readOnly), 404, null);
  }

  @Test
  void noTokenIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/subscriptions", null), 401, null);
    assertProblem(api.call(GET, SUB_1, null), 401, null);
    assertProblem(api.call(PUT, SUB_1, null, new JsonObject()), 401, null);
    assertProblem(api.call(POST, SUB_1 + "/refresh", null), 401, null);
  }
}
