package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL restarts while webhooks stream in: the node answers 503 while it is down, recovers by
 * itself, and every webhook it acknowledged is recorded exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRestartIT {

  private static final int WEBHOOKS = 1500;

  private TestNode node;

  @BeforeAll
  void start() {
    Assumptions.assumeTrue(
        PgFixture.canRestart(), "needs the embedded test database, which it can restart");
    node = TestNode.start("restart");
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void nothingAcknowledgedIsLostAcrossARestart() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    String url =
        node.baseUrl()
            + Tenant.hookPath(
                tenant.connect("stripe", new JsonObject().put("webhookSecret", secret)));

    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> senders = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      senders.add(send(stripe, url, next, acknowledged, unavailable));
    }
    // WHEN the database goes down a third of the way in, and comes back a moment later
    while (acknowledged.size() < WEBHOOKS / 3) {
      await(node.client.timer(10));
    }
    PgFixture.stopServer();
    try {
      await(node.client.timer(1500));
    } finally {
      PgFixture.startServer();
    }
    await(Future.join(senders));

    // THEN the node said 503 meanwhile, every webhook was eventually acknowledged, and each is
    // recorded exactly once
    assertThat(unavailable.get()).as("answers while the database was down").isPositive();
    assertThat(acknowledged).hasSize(WEBHOOKS);
    assertThat(
            node.count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = '"
                    + tenant.tenantId
                    + "' AND verdict = 'recorded'"))
        .isEqualTo(WEBHOOKS);
    assertThat(
            node.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = '" + tenant.tenantId + "'"))
        .isEqualTo(WEBHOOKS);
    assertThat(await(node.http.get("/health").send()).statusCode()).isEqualTo(200);
  }

  /** A gateway's delivery loop: retries each webhook until it is acknowledged. */
  private Future<Void> send(
      StripeSimulator stripe,
      String url,
      AtomicInteger next,
      Set<Integer> acknowledged,
      AtomicInteger unavailable) {
    int i = next.getAndIncrement();
    if (i >= WEBHOOKS) {
      return Future.succeededFuture();
    }
    String body =
        stripe.paymentIntentSucceeded(
            "evt_restart_" + i, "pi_restart_" + i, 100, "usd", "c" + (i % 10));
    return deliver(stripe, url, body, 0, unavailable)
        .compose(
            v -> {
              acknowledged.add(i);
              return send(stripe, url, next, acknowledged, unavailable);
            });
  }

  private Future<Void> deliver(
      StripeSimulator stripe, String url, String body, int tries, AtomicInteger unavailable) {
    return stripe
        .post(node.http, url, body)
        .compose(
            r -> {
              if (r.statusCode() == 200) {
                return Future.succeededFuture();
              }
              assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
              unavailable.incrementAndGet();
              assertThat(tries).as("recovered within 30 s").isLessThan(300);
              return node.client
                  .timer(100)
                  .compose(x -> deliver(stripe, url, body, tries + 1, unavailable));
            });
  }
}
