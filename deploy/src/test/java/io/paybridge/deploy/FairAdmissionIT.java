package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An overloaded node holds back a flooding tenant's webhooks and takes every webhook of a quiet
 * tenant beside it: here "overloaded" is any answer slower than 1 ms, so that a steady flood of a
 * thousand deliveries a second is enough. The flood's refused deliveries are answered 503 with
 * Retry-After before they are read, leave no receipt, and are recorded when delivered again; every
 * delivery answered 200 is recorded once.
 */
class FairAdmissionIT {

  @Test
  void aFloodIsHeldToAShareWhileAQuietTenantIsTakenInFull() throws Exception {
    // GIVEN a node that counts itself overloaded past 1 ms
    try (TestNode node =
        TestNode.start(
            "fair_admission",
            Map.of(
                "PAYBRIDGE_HTTP_INSTANCES", "1",
                "PAYBRIDGE_INGEST_LATENCY_TARGET_MS", "1"))) {
      StripeAccounts flood = StripeAccounts.connect(node);
      StripeAccounts quiet = StripeAccounts.connect(node);

      // WHEN for three seconds one tenant posts 10 webhooks every 10 ms and another one every 50 ms
      // (a steady flood keeps the node overloaded from window to window, as bursts need not)
      List<String> floodIds = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> floodAnswers = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> quietAnswers = new ArrayList<>();
      for (int tick = 0; tick < 300; tick++) {
        for (int i = 0; i < 10; i++) {
          String id = "evt_flood_" + tick + "_" + i;
          floodIds.add(id);
          floodAnswers.add(flood.deliver(node, id));
        }
        if (tick % 5 == 0) {
          quietAnswers.add(quiet.deliver(node, "evt_quiet_" + tick));
        }
        Thread.sleep(10);
      }

      // THEN every quiet webhook was taken and recorded
      for (Future<HttpResponse<Buffer>> answer : quietAnswers) {
        HttpResponse<Buffer> r = await(answer);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      }
      assertThat(quiet.receipts(node, "recorded")).isEqualTo(quietAnswers.size());

      // AND the flood was partly refused, with a reason and a time to come back
      List<String> refused = new ArrayList<>();
      int taken = 0;
      for (int i = 0; i < floodAnswers.size(); i++) {
        HttpResponse<Buffer> r = await(floodAnswers.get(i));
        if (r.statusCode() == 503) {
          assertThat(r.getHeader("Retry-After")).isEqualTo("5");
          assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("busy");
          assertThat(r.bodyAsJsonObject().getString("detail")).contains("far faster");
          refused.add(floodIds.get(i));
        } else {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
          taken++;
        }
      }
      assertThat(refused).isNotEmpty();
      // AND what was answered 200 is recorded once, what was refused left no receipt
      assertThat(flood.receipts(node, "recorded")).isEqualTo(taken);
      assertThat(
              node.count(
                  "SELECT count(*) FROM webhook_receipts WHERE tenant_id = '"
                      + flood.tenant().tenantId
                      + "'"))
          .isEqualTo(taken);

      // AND a refused webhook delivered again once the burst is over is recorded
      String again = refused.get(0);
      TestNode.eventually(
          Duration.ofSeconds(20),
          () -> await(flood.deliver(node, again)).statusCode() == 200,
          () -> "the flood's webhook was still refused after the burst");
      assertThat(flood.receipts(node, "recorded")).isEqualTo(taken + 1L);
    }
  }
}
