package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One tenant's flood of webhooks cannot starve another's: while the database is slow (here: the
 * receipts table locked), a tenant fills its share of the group-commit queue, its next delivery is
 * answered 503 with Retry-After and leaves no receipt (it was not acknowledged; the gateway
 * delivers it again), while another tenant's delivery is still taken and recorded once the database
 * answers.
 */
class IngestSharesIT {

  private static final Pattern UNAVAILABLE =
      Pattern.compile(
          "paybridge_webhooks_total\\{gateway=\"stripe\",outcome=\"unavailable\"} (\\S+)");

  private static double unavailable(TestNode node) {
    // dev mode serves /metrics on the public port
    int port = node.node.metricsPort() < 0 ? node.node.port() : node.node.metricsPort();
    String scrape = await(node.http.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
    Matcher m = UNAVAILABLE.matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aTenantOverItsShareOfTheQueueIsToldToRetryWhileAnotherIsStillRecorded() {
    // GIVEN one event loop whose queue holds four webhooks waiting, at least two per tenant
    try (TestNode node =
        TestNode.start(
            "ingest_shares",
            Map.of(
                "PAYBRIDGE_HTTP_INSTANCES", "1",
                "PAYBRIDGE_INGEST_QUEUE_CAPACITY", "4",
                "PAYBRIDGE_INGEST_TENANT_MIN_SHARE", "2"))) {
      StripeAccounts flood = StripeAccounts.connect(node);
      StripeAccounts quiet = StripeAccounts.connect(node);
      double before = unavailable(node);

      // AND a database that does not answer writes for now
      SqlConnection lock = await(node.sql.getConnection());
      await(lock.query("BEGIN").execute());
      await(lock.query("LOCK TABLE webhook_receipts IN EXCLUSIVE MODE").execute());
      List<Future<HttpResponse<Buffer>>> waiting = new ArrayList<>();
      try {
        // WHEN the flooding tenant sends one webhook into a statement and four more to wait
        waiting.add(flood.deliver(node, "evt_flood_0"));
        TestNode.eventually(
            Duration.ofSeconds(20),
            () ->
                node.count(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted"
                            + " AND relation = 'webhook_receipts'::regclass")
                    > 0,
            () -> "the first statement never waited for the lock");
        for (int i = 1; i <= 4; i++) {
          waiting.add(flood.deliver(node, "evt_flood_" + i));
        }
        // (the four reach the queue before the fifth: the answers show it below)
        sleep(1_000);

        // THEN its next webhook is refused for now, asking the gateway to come back
        HttpResponse<Buffer> refused = await(flood.deliver(node, "evt_flood_5"));
        assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("5");
        assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("busy");

        // AND the other tenant's webhook is still taken into the queue
        waiting.add(quiet.deliver(node, "evt_quiet_0"));
        sleep(500);
      } finally {
        await(lock.query("ROLLBACK").execute());
        await(lock.close());
      }

      // THEN once the database answers, every webhook taken is recorded and acknowledged
      for (Future<HttpResponse<Buffer>> answer : waiting) {
        HttpResponse<Buffer> r = await(answer);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      }
      assertThat(flood.receipts(node, "recorded")).isEqualTo(5);
      assertThat(quiet.receipts(node, "recorded")).isEqualTo(1);
      // AND the refused one left no receipt, was counted, and is recorded when delivered again
      assertThat(
              node.count(
                  "SELECT count(*) FROM webhook_receipts WHERE event_id = 'evt_flood_5'"
                      + " AND tenant_id = '"
                      + flood.tenant().tenantId
                      + "'"))
          .isZero();
      assertThat(unavailable(node) - before).isEqualTo(1.0);
      assertThat(await(flood.deliver(node, "evt_flood_5")).statusCode()).isEqualTo(200);
      assertThat(flood.receipts(node, "recorded")).isEqualTo(6);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
