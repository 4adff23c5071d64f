package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every metric and label value the Grafana dashboard and the alert rules name is one a running node
 * exports on its management port: the platform's own, Vert.x's (HTTP, the database pool) and the
 * JVM's, after the node has taken a recorded and a forged webhook.
 */
class MetricsCatalogueIT {

  @Test
  void theDashboardAndTheAlertsNameOnlyWhatANodeExports() {
    try (TestNode node =
        TestNode.start("metrics_catalogue", Map.of("PAYBRIDGE_METRICS_PORT", "0"))) {
      // GIVEN a node that recorded one webhook, refused a forged one and knew no account for a
      // third
      Tenant t = Tenant.signUp(node);
      String secret = StripeSimulator.newWebhookSecret();
      StripeSimulator stripe = new StripeSimulator(secret);
      String url =
          node.baseUrl()
              + Tenant.hookPath(t.connect("stripe", new JsonObject().put("webhookSecret", secret)));
      assertThat(
              await(
                      stripe.post(
                          node.http,
                          url,
                          stripe.paymentIntentSucceeded("evt_c1", "pi_c1", 10, "usd", "c")))
                  .statusCode())
          .isEqualTo(200);
      StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());
      assertThat(
              await(
                      forger.post(
                          node.http,
                          url,
                          stripe.paymentIntentSucceeded("evt_c2", "pi_c2", 10, "usd", "c")))
                  .statusCode())
          .isEqualTo(401);

      assertThat(
              await(
                      node.http
                          .post("/hooks/no-such-key/stripe")
                          .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{}")))
                  .statusCode())
          .isEqualTo(404);

      // WHEN Prometheus scrapes its management port
      String scrape =
          await(node.http.get(node.node.metricsPort(), "127.0.0.1", "/metrics").send())
              .bodyAsString();

      // THEN every name the files use is there, with the label values they match on
      assertThat(scrape).contains("paybridge_receipts_held ").contains("paybridge_jobs_backlog{");
      ObservabilityFilesTest.assertExported(
          scrape, Set.of("paybridge_", "vertx_", "jvm_", "process_"), false);
      // AND requests are counted by status code alone, without the per-request timer and byte
      // summaries that no dashboard reads
      assertThat(scrape)
          .contains("vertx_http_server_requests_total{code=\"200\"}")
          .contains("vertx_http_server_requests_total{code=\"401\"}")
          .doesNotContain("vertx_http_server_response_time")
          .doesNotContain("vertx_http_server_request_bytes")
          .doesNotContain("vertx_http_server_response_bytes")
          .doesNotContain("vertx_http_server_bytes_read")
          .doesNotContain("vertx_http_server_bytes_written")
          .doesNotContain("route=");
      // AND outcomes that have not happened yet are there at zero, for the alerts that watch them
      assertThat(scrape)
          .contains("paybridge_webhooks_total{gateway=\"paypal\",outcome=\"unavailable\"} 0.0")
          .contains("paybridge_jobs_attempts_total{kind=\"deliver\",outcome=\"dead\"} 0.0");
    }
  }
}
