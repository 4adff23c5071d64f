package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Health, metrics, and what a gateway sees while the database is down. */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsIT {

  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start("operations");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void healthReportsTheDatabase() {
    HttpResponse<Buffer> r = await(node.http.get("/health").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("status", "UP")
                .put("checks", new JsonObject().put("database", "UP")));
    assertThat(await(node.http.get("/health/live").send()).statusCode()).isEqualTo(200);
    assertThat(await(node.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCountWebhooksWithoutTenantIdsOrHookKeys() {
    Tenant t = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = t.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String path = Tenant.hookPath(account);
    await(
        stripe.post(
            node.http,
            node.baseUrl() + path,
            stripe.paymentIntentSucceeded("evt_m1", "pi_m1", 10, "usd", "m")));
    await(
        new StripeSimulator(StripeSimulator.newWebhookSecret())
            .post(
                node.http,
                node.baseUrl() + path,
                stripe.paymentIntentSucceeded("evt_m2", "pi_m2", 10, "usd", "m")));

    String metrics = await(node.http.get("/metrics").send()).bodyAsString();
    assertThat(metrics)
        .contains("paybridge_webhooks_total{gateway=\"stripe\",outcome=\"recorded\"}");
    assertThat(metrics)
        .contains("paybridge_webhooks_total{gateway=\"stripe\",outcome=\"rejected\"}");
    assertThat(metrics).contains("paybridge_ingest_batch_size");
    assertThat(metrics).contains("vertx_http_server_requests_total");
    assertThat(metrics).doesNotContain(t.tenantId).doesNotContain(path.split("/")[2]);
  }

  @Test
  void whileTheDatabaseIsDownWebhooksGet503AndNothingAcknowledgedIsLost() {
    Assumptions.assumeTrue(
        PgFixture.canRestart(), "needs the embedded test database, which it can stop");
    Tenant t = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    String url =
        node.baseUrl()
            + Tenant.hookPath(t.connect("stripe", new JsonObject().put("webhookSecret", secret)));
    String before = stripe.paymentIntentSucceeded("evt_before", "pi_before", 100, "usd", "outage");
    assertThat(await(stripe.post(node.http, url, before)).statusCode()).isEqualTo(200);

    // WHEN the database goes away
    PgFixture.stopServer();
    String during = stripe.paymentIntentSucceeded("evt_during", "pi_during", 200, "usd", "outage");
    HttpResponse<Buffer> down;
    HttpResponse<Buffer> health;
    try {
      down = await(stripe.post(node.http, url, during));
      health = await(node.http.get("/health").send());
    } finally {
      PgFixture.startServer();
    }

    // THEN the gateway is told to retry, and health says why
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.getHeader("Retry-After")).isNotNull();
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.bodyAsJsonObject().getJsonObject("checks").getString("database"))
        .isEqualTo("DOWN");

    // AND once it is back, the gateway's retry is recorded and nothing earlier is lost or doubled
    HttpResponse<Buffer> retried = null;
    for (int i = 0; i < 50; i++) {
      retried = await(stripe.post(node.http, url, during));
      if (retried.statusCode() == 200) {
        break;
      }
      await(node.client.timer(200));
    }
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(await(stripe.post(node.http, url, before)).statusCode()).isEqualTo(200);
    assertThat(t.balance("outage").getJsonArray("balances"))
        .containsExactly(new JsonObject().put("currency", "USD").put("amountMinor", 300));
  }

  @Test
  void metricsOnAPortOfTheirOwnAreAbsentFromThePublicPort() {
    // GIVEN a node that serves /metrics on a management port, as production does by default
    TestNode separate =
        TestNode.start("operations_metrics", java.util.Map.of("PAYBRIDGE_METRICS_PORT", "0"));
    try {
      int management = separate.node.metricsPort();
      assertThat(management).isPositive().isNotEqualTo(separate.node.port());

      // THEN the public port has no /metrics, but still answers health checks
      assertThat(await(separate.http.get("/metrics").send()).statusCode()).isEqualTo(404);
      assertThat(await(separate.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
      // AND the management port has both
      var scrape = await(separate.http.get(management, "127.0.0.1", "/metrics").send());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.bodyAsString()).contains("paybridge_ingest_batch_size");
      assertThat(
              await(separate.http.get(management, "127.0.0.1", "/health/live").send()).statusCode())
          .isEqualTo(200);
    } finally {
      separate.close();
    }
    // AND dev mode keeps /metrics on its one port
    assertThat(node.node.metricsPort()).isEqualTo(-1);
  }
}
