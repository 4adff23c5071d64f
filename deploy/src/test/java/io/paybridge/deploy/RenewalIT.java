package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Renewal end to end: the scanner finds a subscription whose period ends soon, a renewal job asks
 * Stripe (its API faked as an HTTP server) for the new period end, and it is recorded; the API's
 * refresh does the same on demand and reports the gateway's failures clearly. A renewal reaches the
 * tenant's webhook target as a {@code subscription.renewed} event, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenewalIT {

  private Vertx fakeVertx;
  private StripeApiFake stripeApi;
  private TestNode node;
  private Tenant tenant;
  private StripeSimulator stripe;
  private String hookUrl;
  private Sink sink;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    String apiKey = StripeApiFake.newSecretKey();
    stripeApi = await(new StripeApiFake(apiKey).start(fakeVertx));
    node =
        TestNode.start(
            "renewal",
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl(),
                "PAYBRIDGE_RENEWAL_SCAN_SECONDS", "1",
                "PAYBRIDGE_RETRY_BASE_MS", "100",
                "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"));
    sink = new Sink(fakeVertx).start();
    tenant = Tenant.signUp(node);
    HttpResponse<Buffer> target =
        await(
            node.http
                .post("/api/v1/sync-targets")
                .bearerTokenAuthentication(tenant.token)
                .sendJsonObject(
                    new JsonObject().put("type", "webhook").put("url", sink.url("/events"))));
    assertThat(target.statusCode()).as(target.bodyAsString()).isEqualTo(201);
    sink.secret("/events", target.bodyAsJsonObject().getString("secret"));
    String secret = StripeSimulator.newWebhookSecret();
    stripe = new StripeSimulator(secret);
    hookUrl =
        node.baseUrl()
            + Tenant.hookPath(
                tenant.connect(
                    "stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey)));
  }

  @AfterAll
  void stop() {
    node.close();
    sink.close();
    await(stripeApi.close());
    await(fakeVertx.close());
  }

  private JsonObject subscription(String id) {
    HttpResponse<Buffer> r = await(tenant.get("/api/v1/subscriptions/stripe/" + id).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> refresh(String id) {
    return await(
        tenant
            .http()
            .post("/api/v1/subscriptions/stripe/" + id + "/refresh")
            .bearerTokenAuthentication(tenant.token)
            .send());
  }

  @Test
  void theScannerRenewsASubscriptionWhosePeriodEndsSoon() {
    // GIVEN a subscription charged through a webhook, its period ending within the hour
    Instant soon = Instant.now().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
    Instant renewed = soon.plus(Duration.ofDays(30));
    stripeApi.addSubscription("sub_renew", "active", renewed);
    HttpResponse<Buffer> r =
        await(
            stripe.post(
                node.http,
                hookUrl,
                stripe.invoicePaid(
                    "evt_" + UUID.randomUUID(),
                    "in_renew",
                    "sub_renew",
                    990,
                    "usd",
                    "reader-1",
                    soon)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(subscription("sub_renew").getString("currentPeriodEnd")).isEqualTo(soon.toString());

    // WHEN the scanner runs (every second here), THEN the new period end is recorded
    long deadline = System.currentTimeMillis() + 30_000;
    while (!renewed.toString().equals(subscription("sub_renew").getString("currentPeriodEnd"))) {
      assertThat(System.currentTimeMillis()).as("renewed within 30 s").isLessThan(deadline);
      await(node.client.timer(100));
    }
    // and a subscription checked recently is not asked about again on every scan
    await(node.client.timer(2500));
    assertThat(stripeApi.calls("GET", "/v1/subscriptions/sub_renew")).hasSize(1);

    // AND the tenant's webhook target got a signed subscription.renewed event with the new end
    JsonObject event = awaitEvent("subscription.renewed", "sub_renew");
    JsonObject data = event.getJsonObject("data");
    assertThat(data.getString("kind")).isEqualTo("RECURRING_RENEWED");
    assertThat(data.getString("customerRef")).isEqualTo("reader-1");
    assertThat(data.getValue("amountMinor")).isNull();
    assertThat(data.getString("gateway")).isEqualTo("stripe");
    assertThat(data.getString("periodEnd")).isEqualTo(renewed.toString());

    // AND checking again with the same answer from Stripe records no second renewal
    assertThat(refresh("sub_renew").statusCode()).isEqualTo(200);
    await(node.client.timer(1000));
    assertThat(events("subscription.renewed", "sub_renew")).hasSize(1);
    assertThat(payments("RECURRING_RENEWED", "sub_renew")).hasSize(1);
  }

  private List<JsonObject> events(String type, String subscription) {
    return sink.at("/events").stream()
        .peek(r -> assertThat(sink.signatureValid(r)).as("signed as the target's secret").isTrue())
        .map(Sink.Received::json)
        .filter(e -> type.equals(e.getString("type")))
        .filter(
            e -> subscription.equals(e.getJsonObject("data").getString("externalSubscriptionId")))
        .toList();
  }

  private JsonObject awaitEvent(String type, String subscription) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (events(type, subscription).isEmpty()) {
      assertThat(System.currentTimeMillis())
          .as(type + " delivered within 15 s")
          .isLessThan(deadline);
      await(node.client.timer(100));
    }
    return events(type, subscription).get(0);
  }

  private List<JsonObject> payments(String kind, String subscription) {
    HttpResponse<Buffer> r = await(tenant.get("/api/v1/payments?kind=" + kind).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("data").stream()
        .map(JsonObject.class::cast)
        .filter(p -> subscription.equals(p.getString("externalSubscriptionId")))
        .toList();
  }

  @Test
  void refreshAsksTheGatewayNowAndExplainsItsFailures() {
    Instant end = Instant.now().plus(Duration.ofDays(12)).truncatedTo(ChronoUnit.SECONDS);
    stripeApi.addSubscription("sub_manual", "active", end);
    HttpResponse<Buffer> ok = refresh("sub_manual");
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("status")).isEqualTo("active");
    assertThat(ok.bodyAsJsonObject().getString("currentPeriodEnd")).isEqualTo(end.toString());
    // a subscription first seen through a check is recorded, not announced as renewed
    await(node.client.timer(500));
    assertThat(events("subscription.renewed", "sub_manual")).isEmpty();

    // WHEN the gateway reports a later period end on the next check, THEN that is a renewal
    Instant later = end.plus(Duration.ofDays(30));
    stripeApi.addSubscription("sub_manual", "active", later);
    assertThat(refresh("sub_manual").bodyAsJsonObject().getString("currentPeriodEnd"))
        .isEqualTo(later.toString());
    assertThat(
            awaitEvent("subscription.renewed", "sub_manual")
                .getJsonObject("data")
                .getString("occurredAt"))
        .isNotNull();

    stripeApi.addSubscription("sub_gone", "canceled", end);
    assertThat(refresh("sub_gone").bodyAsJsonObject().getString("status")).isEqualTo("cancelled");

    stripeApi.failNext("GET", "/v1/subscriptions/sub_manual", 500);
    HttpResponse<Buffer> down = refresh("sub_manual");
    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(down.bodyAsJsonObject().getString("error")).isEqualTo("gateway_unavailable");

    HttpResponse<Buffer> missing = refresh("sub_missing");
    assertThat(missing.statusCode()).isEqualTo(502);
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("gateway_refused");
  }
}
