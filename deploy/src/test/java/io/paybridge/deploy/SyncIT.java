package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sync end to end: a recorded payment reaches the tenant's own server, signed, at least once,
 * through failures, throttling, a target that goes away and comes back, and timeouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncIT {

  private TestNode node;
  private Sink sink;

  @BeforeAll
  void start() {
    node =
        TestNode.start(
            "sync",
            Map.of(
                "PAYBRIDGE_SYNC_TIMEOUT_MS", "700",
                "PAYBRIDGE_RETRY_BASE_MS", "100",
                "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"));
    sink = new Sink(node.client).start();
  }

  @AfterAll
  void stop() {
    sink.close();
    node.close();
  }

  /** A tenant with Stripe connected, and a way to record a payment. */
  private final class Shop {
    final Tenant tenant = Tenant.signUp(node);
    final String secret = StripeSimulator.newWebhookSecret();
    final StripeSimulator stripe = new StripeSimulator(secret);
    final String hookUrl =
        node.baseUrl()
            + Tenant.hookPath(
                tenant.connect("stripe", new JsonObject().put("webhookSecret", secret)));

    JsonObject target(JsonObject body) {
      HttpResponse<Buffer> r =
          await(
              node.http
                  .post("/api/v1/sync-targets")
                  .bearerTokenAuthentication(tenant.token)
                  .sendJsonObject(body));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      return r.bodyAsJsonObject();
    }

    JsonObject webhookTarget(String path) {
      JsonObject t = target(new JsonObject().put("type", "webhook").put("url", sink.url(path)));
      sink.secret(path, t.getString("secret"));
      return t;
    }

    void pay(long amount) {
      String id = UUID.randomUUID().toString();
      HttpResponse<Buffer> r =
          await(
              stripe.post(
                  node.http,
                  hookUrl,
                  stripe.paymentIntentSucceeded(
                      "evt_" + id, "pi_" + id, amount, "usd", "member-9")));
      assertThat(r.statusCode()).isEqualTo(200);
    }

    JsonArray deliveries(String query) {
      return await(tenant.get("/api/v1/deliveries" + query).send())
          .bodyAsJsonObject()
          .getJsonArray("data");
    }
  }

  private void eventually(BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waited 30 s").isLessThan(deadline);
      await(node.client.timer(50));
    }
  }

  @Test
  void aRecordedPaymentReachesTheTenantSignedAndIsMarkedSynced() {
    Shop shop = new Shop();
    shop.webhookTarget("/ok");
    shop.pay(1234);

    eventually(() -> sink.at("/ok").size() == 1);
    Sink.Received got = sink.at("/ok").get(0);
    assertThat(sink.signatureValid(got)).isTrue();
    JsonObject event = got.json();
    assertThat(event.getString("type")).isEqualTo("payment.recorded");
    assertThat(event.getString("tenantId")).isEqualTo(shop.tenant.tenantId);
    assertThat(event.getJsonObject("data").getLong("amountMinor")).isEqualTo(1234);
    assertThat(got.headers().get("webhook-id")).isEqualTo(event.getString("id"));

    eventually(
        () -> shop.tenant.payments("").getJsonArray("data").getJsonObject(0).getBoolean("synced"));
    JsonObject delivery = shop.deliveries("?status=delivered").getJsonObject(0);
    assertThat(delivery.getInteger("attempts")).isEqualTo(1);
    assertThat(delivery.getInteger("lastStatusCode")).isEqualTo(204);
  }

  @Test
  void aFailingReceiverIsRetriedWithTheSameIdUntilItTakesTheEvent() {
    Shop shop = new Shop();
    sink.on("/flaky", (n, req) -> Future.succeededFuture(n <= 2 ? 500 : 200));
    shop.webhookTarget("/flaky");
    shop.pay(500);

    eventually(() -> shop.deliveries("?status=delivered").size() == 1);
    List<Sink.Received> got = sink.at("/flaky");
    assertThat(got).hasSize(3);
    assertThat(got.stream().map(r -> r.headers().get("webhook-id")).distinct()).hasSize(1);
    assertThat(got).allMatch(sink::signatureValid);
    assertThat(shop.deliveries("").getJsonObject(0).getInteger("attempts")).isEqualTo(3);
    assertThat(
            node.count(
                "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
                    + " WHERE d.tenant_id = '"
                    + shop.tenant.tenantId
                    + "' AND a.status_code = 500"))
        .isEqualTo(2);
  }

  @Test
  void retryAfterIsHonoured() {
    Shop shop = new Shop();
    sink.on(
        "/busy",
        (n, req) -> {
          if (n == 1) {
            req.response().putHeader("Retry-After", "2");
            return Future.succeededFuture(429);
          }
          return Future.succeededFuture(200);
        });
    shop.webhookTarget("/busy");
    shop.pay(700);
    eventually(() -> shop.deliveries("?status=delivered").size() == 1);
    List<Sink.Received> got = sink.at("/busy");
    assertThat(got.get(1).atMillis() - got.get(0).atMillis()).isGreaterThanOrEqualTo(1900);
  }

  @Test
  void aTargetThatAnswers410IsDisabledAndNothingIsLostUntilItIsBack() {
    Shop shop = new Shop();
    boolean[] gone = {true};
    sink.on("/gone", (n, req) -> Future.succeededFuture(gone[0] ? 410 : 200));
    JsonObject target = shop.webhookTarget("/gone");
    shop.pay(100);
    eventually(
        () -> {
          JsonArray targets =
              await(shop.tenant.get("/api/v1/sync-targets").send())
                  .bodyAsJsonObject()
                  .getJsonArray("data");
          return !targets.getJsonObject(0).getBoolean("enabled");
        });
    // payments keep arriving while the target is disabled
    shop.pay(200);
    shop.pay(300);
    await(node.client.timer(500));
    assertThat(sink.at("/gone")).hasSize(1);

    gone[0] = false;
    HttpResponse<Buffer> enabled =
        await(
            node.http
                .post("/api/v1/sync-targets/" + target.getString("id") + "/enable")
                .bearerTokenAuthentication(shop.tenant.token)
                .send());
    assertThat(enabled.statusCode()).isEqualTo(204);
    eventually(() -> shop.deliveries("?status=delivered").size() == 3);
    assertThat(
            sink.at("/gone").stream()
                .skip(1)
                .map(r -> r.json().getJsonObject("data").getLong("amountMinor")))
        .containsExactlyInAnyOrder(100L, 200L, 300L);
  }

  @Test
  void aSlowReceiverTimesOutAndIsTriedAgain() {
    Shop shop = new Shop();
    sink.on(
        "/slow",
        (n, req) -> n == 1 ? node.client.timer(3000).map(200) : Future.succeededFuture(200));
    shop.webhookTarget("/slow");
    shop.pay(900);
    eventually(() -> shop.deliveries("?status=delivered").size() == 1);
    assertThat(
            node.count(
                "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
                    + " WHERE d.tenant_id = '"
                    + shop.tenant.tenantId
                    + "' AND a.status_code IS NULL AND a.error IS NOT NULL"))
        .isEqualTo(1);
  }

  @Test
  void customerTransactionTargetsGetTheBalanceCallWithTheirHeaders() {
    Shop shop = new Shop();
    JsonObject target =
        shop.target(
            new JsonObject()
                .put("type", "customer-transaction")
                .put("url", sink.url("/retail"))
                .put("headers", new JsonObject().put("X-Api-Key", "retail-secret")));
    assertThat(target.containsKey("secret")).isFalse();
    assertThat(target.getJsonArray("headerNames")).containsExactly("X-Api-Key");
    shop.pay(4500);
    eventually(() -> sink.at("/retail").size() == 1);
    Sink.Received got = sink.at("/retail").get(0);
    assertThat(got.headers().get("X-Api-Key")).isEqualTo("retail-secret");
    assertThat(got.headers().get("Idempotency-Key")).startsWith("pb_");
    JsonObject body = got.json();
    assertThat(body.getString("userId")).isEqualTo("member-9");
    assertThat(body.getLong("amountMinor")).isEqualTo(4500);
    assertThat(body.getString("currency")).isEqualTo("USD");
    assertThat(body.getString("gateway")).isEqualTo("stripe");
    assertThat(await(shop.tenant.get("/api/v1/sync-targets").send()).bodyAsString())
        .doesNotContain("retail-secret");
  }

  @Test
  void aDeliveryCanBeReplayedAndKeepsItsId() {
    Shop shop = new Shop();
    shop.webhookTarget("/replay");
    shop.pay(321);
    eventually(() -> shop.deliveries("?status=delivered").size() == 1);
    String id = shop.deliveries("").getJsonObject(0).getString("id");
    HttpResponse<Buffer> r =
        await(
            node.http
                .post("/api/v1/deliveries/" + id + "/replay")
                .bearerTokenAuthentication(shop.tenant.token)
                .send());
    assertThat(r.statusCode()).isEqualTo(202);
    eventually(() -> sink.at("/replay").size() == 2);
    assertThat(sink.at("/replay").get(1).headers().get("webhook-id"))
        .isEqualTo(sink.at("/replay").get(0).headers().get("webhook-id"));

    Tenant stranger = Tenant.signUp(node);
    assertThat(
            await(
                    node.http
                        .post("/api/v1/deliveries/" + id + "/replay")
                        .bearerTokenAuthentication(stranger.token)
                        .send())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            await(stranger.get("/api/v1/deliveries").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
    assertThat(
            await(stranger.get("/api/v1/sync-targets").send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
    String targetId =
        await(shop.tenant.get("/api/v1/sync-targets").send())
            .bodyAsJsonObject()
            .getJsonArray("data")
            .getJsonObject(0)
            .getString("id");
    assertThat(await(stranger.delete("/api/v1/sync-targets/" + targetId).send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void targetsAreValidated() {
    Shop shop = new Shop();
    for (JsonObject bad :
        List.of(
            new JsonObject()
                .put("type", "webhook")
                .put("url", "http://169.254.169.254/latest/meta-data"),
            new JsonObject().put("type", "webhook").put("url", "ftp://example.com/x"),
            new JsonObject().put("type", "webhook").put("url", "http://user:pw@example.com/x"),
            new JsonObject().put("type", "webhook").put("url", "not a url"),
            new JsonObject().put("type", "fax").put("url", "https://example.com"),
            new JsonObject()
                .put("type", "webhook")
                .put("url", "https://example.com")
                .put("headers", new JsonObject()),
            new JsonObject()
                .put("type", "customer-transaction")
                .put("url", "https://example.com")
                .put("headers", new JsonObject().put("Host", "evil")),
            new JsonObject()
                .put("type", "customer-transaction")
                .put("url", "https://example.com")
                .put("headers", new JsonObject().put("X-A", "one\r\nX-B: two")))) {
      HttpResponse<Buffer> r =
          await(
              node.http
                  .post("/api/v1/sync-targets")
                  .bearerTokenAuthentication(shop.tenant.token)
                  .sendJsonObject(bad));
      assertThat(r.statusCode()).as(bad.encode() + " → " + r.bodyAsString()).isEqualTo(422);
      assertThat(r.bodyAsJsonObject().getString("field")).isNotNull();
    }
  }
}
