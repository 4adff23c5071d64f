package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.razorpay.RazorpaySimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Subscriptions recorded from webhooks, listed and looked up through the API, per tenant. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsIT {

  private TestNode node;
  private Tenant publisher;

  @BeforeAll
  void start() {
    node = TestNode.start("subscriptions");
    publisher = Tenant.signUp(node);
    String secret = "whsec-" + UUID.randomUUID();
    RazorpaySimulator razorpay = new RazorpaySimulator(secret);
    JsonObject account =
        publisher.connect(
            "razorpay",
            new JsonObject()
                .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                .put("keySecret", "Lh8sQ2wX4nV7bZ1cK9dM3fTr")
                .put("webhookSecret", secret));
    String url = node.baseUrl() + Tenant.hookPath(account);
    Instant end = Instant.parse("2027-03-01T00:00:00Z");
    for (int i = 1; i <= 3; i++) {
      HttpResponse<Buffer> r =
          await(
              razorpay.post(
                  node.http,
                  url,
                  razorpay.subscriptionCharged(
                      "pay_s" + i, "sub_" + i, 9900, "INR", "reader-" + i, end),
                  "evs" + i));
      assertThat(r.statusCode()).isEqualTo(200);
    }
    assertThat(
            await(razorpay.post(node.http, url, razorpay.subscriptionCancelled("sub_2"), "evc2"))
                .statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void subscriptionsArePagedAndFiltered() {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    boolean more;
    do {
      HttpResponse<Buffer> r =
          await(
              publisher
                  .get(
                      "/api/v1/subscriptions?limit=2"
                          + (cursor == null ? "" : "&starting_after=" + cursor))
                  .send());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject page = r.bodyAsJsonObject();
      JsonArray data = page.getJsonArray("data");
      data.forEach(o -> ids.add(((JsonObject) o).getString("externalSubscriptionId")));
      cursor = data.getJsonObject(data.size() - 1).getString("id");
      more = page.getBoolean("has_more");
    } while (more);
    assertThat(ids).containsExactly("sub_1", "sub_2", "sub_3");

    JsonArray cancelled =
        await(publisher.get("/api/v1/subscriptions?status=cancelled").send())
            .bodyAsJsonObject()
            .getJsonArray("data");
    assertThat(cancelled).hasSize(1);
    assertThat(cancelled.getJsonObject(0).getString("externalSubscriptionId")).isEqualTo("sub_2");
    JsonObject one =
        await(publisher.get("/api/v1/subscriptions/razorpay/sub_3").send()).bodyAsJsonObject();
    assertThat(one.getString("status")).isEqualTo("active");
    assertThat(one.getString("customerRef")).isEqualTo("reader-3");
    assertThat(one.getString("currentPeriodEnd")).isEqualTo("2027-03-01T00:00:00Z");

    assertThat(await(publisher.get("/api/v1/subscriptions?status=paused").send()).statusCode())
        .isEqualTo(422);
    assertThat(
            await(publisher.get("/api/v1/subscriptions?starting_after=bad!").send()).statusCode())
        .isEqualTo(422);
    assertThat(await(publisher.get("/api/v1/subscriptions/razorpay/sub_404").send()).statusCode())
        .isEqualTo(404);
    assertThat(await(publisher.get("/api/v1/subscriptions/nogateway/sub_1").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    Tenant other = Tenant.signUp(node);
    assertThat(
            await(other.get("/api/v1/subscriptions").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
    assertThat(await(other.get("/api/v1/subscriptions/razorpay/sub_1").send()).statusCode())
        .isEqualTo(404);
    HttpResponse<Buffer> refresh =
        await(
            other
                .http()
                .post("/api/v1/subscriptions/razorpay/sub_1/refresh")
                .bearerTokenAuthentication(other.token)
                .send());
    assertThat(refresh.statusCode()).as(refresh.bodyAsString()).isEqualTo(404);
  }

  @Test
  void refreshNeedsAGatewayThatReportsPeriods() {
    publisher.connect(
        "code",
        new JsonObject()
            .put(
                "depositAddress",
                new io.paybridge.gateway.code.CodeWalletSimulator().depositAddress()));
    HttpResponse<Buffer> code =
        await(
            publisher
                .http()
                .post("/api/v1/subscriptions/code/intent-1/refresh")
                .bearerTokenAuthentication(publisher.token)
                .send());
    assertThat(code.statusCode()).isEqualTo(409);
    assertThat(code.bodyAsJsonObject().getString("error")).isEqualTo("renewals_unsupported");
  }
}
