package io.paybridge.core.ingest;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.TestPlatform;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A gateway account connected before its signing secret, over HTTP against a real PostgreSQL: what
 * arrives first is acknowledged and kept held ({@value ParsedWebhook#NEEDS_WEBHOOK_SECRET}), then
 * verified as received when the secret is saved: booked once when genuine and fresh at receipt,
 * refused (with its cause) when forged, stale at receipt or malformed, a duplicate when repeated.
 * What such an account keeps is bounded, and one tenant's secret releases nothing of another's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnverifiedDeliveriesTest {

  private TestPlatform node;
  private WebClient http;
  private Pool sql;

  @BeforeAll
  void start() {
    node =
        TestPlatform.start(
            "unverified",
            Map.of("PAYBRIDGE_MAX_WEBHOOK_BYTES", "4096"),
            (vertx, router, useCases, config, keys) -> Future.succeededFuture());
    http =
        WebClient.create(
            node.vertx(),
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port()));
    sql = PgBuilder.pool().connectingTo(node.database()).using(node.vertx()).build();
  }

  @AfterAll
  void stop() {
    if (sql != null) {
      await(sql.close());
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void deliveriesBeforeTheSecretAreHeldThenVerifiedAsReceivedAndBookedOnce() throws Exception {
    UUID tenant = tenant("first");
    GatewayAccount account = connect(tenant, new JsonObject());
    String url = url(account);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());

    String genuine = stripe.paymentIntentSucceeded("evt_g1", "pi_g1", 4200, "usd", "user-1");
    // fresh when received, an hour old by the time the secret is saved
    Instant hourAgo = Instant.now().minusSeconds(3600);
    String late = stripe.paymentIntentSucceeded("evt_l1", "pi_l1", 700, "usd", "user-1");
    String stale = stripe.paymentIntentSucceeded("evt_s1", "pi_s1", 900, "usd", "user-1");
    String forged = forger.paymentIntentSucceeded("evt_f1", "pi_f1", 99_900, "usd", "user-1");

    assertThat(post(url, genuine, stripe.signatureHeader(genuine, Instant.now())).statusCode())
        .isEqualTo(200);
    assertThat(post(url, genuine, stripe.signatureHeader(genuine, Instant.now())).statusCode())
        .as("the gateway delivers the same event again")
        .isEqualTo(200);
    long lateId = receiptOf(post(url, late, stripe.signatureHeader(late, hourAgo)), tenant);
    await(
        sql.preparedQuery("UPDATE webhook_receipts SET received_at = $1 WHERE id = $2")
            .execute(Tuple.of(hourAgo.plusSeconds(10).atOffset(java.time.ZoneOffset.UTC), lateId)));
    assertThat(
            post(url, stale, stripe.signatureHeader(stale, Instant.now().minusSeconds(900)))
                .statusCode())
        .isEqualTo(200);
    assertThat(post(url, forged, forger.signatureHeader(forged, Instant.now())).statusCode())
        .isEqualTo(200);
    assertThat(
            post(url, "{not json", stripe.signatureHeader("{not json", Instant.now())).statusCode())
        .isEqualTo(200);

    List<Row> held = receipts(tenant);
    assertThat(held).hasSize(6);
    assertThat(held)
        .allSatisfy(
            r -> {
              assertThat(r.getString("verdict")).isEqualTo("held");
              assertThat(r.getString("hold")).isEqualTo(ParsedWebhook.NEEDS_WEBHOOK_SECRET);
              assertThat(r.getString("event_id")).as("nothing is trusted yet").isNull();
              assertThat(r.getString("reason")).contains("Webhook signing secret");
            });
    assertThat(ledger(tenant)).isEmpty();

    connect(tenant, new JsonObject().put("webhookSecret", secret));

    List<Row> after = awaitNoneHeld(tenant);
    assertThat(after)
        .extracting(r -> r.getString("verdict"))
        .containsExactly("recorded", "duplicate", "recorded", "rejected", "rejected", "rejected");
    assertThat(after.get(3).getString("cause")).isEqualTo("stale");
    assertThat(after.get(4).getString("cause")).isEqualTo("wrong_secret");
    assertThat(after.get(5).getString("cause")).isEqualTo("malformed");
    assertThat(ledger(tenant))
        .as("booked once each, the forged and stale ones never")
        .containsExactlyInAnyOrder("payment:pi_g1", "payment:pi_l1");

    // Saving the account again books nothing more.
    connect(tenant, new JsonObject().put("customerRefKey", "customer_ref"));
    TimeUnit.MILLISECONDS.sleep(500);
    assertThat(ledger(tenant)).hasSize(2);
  }

  @Test
  void aSecretSavedByAnotherTenantReleasesNothingHere() throws Exception {
    UUID mine = tenant("mine");
    UUID other = tenant("other");
    GatewayAccount account = connect(mine, new JsonObject());
    connect(other, new JsonObject());
    StripeSimulator stripe = new StripeSimulator(StripeSimulator.newWebhookSecret());
    String body = stripe.paymentIntentSucceeded("evt_x1", "pi_x1", 100, "eur", null);
    assertThat(post(url(account), body, stripe.signatureHeader(body, Instant.now())).statusCode())
        .isEqualTo(200);

    connect(other, new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret()));
    TimeUnit.MILLISECONDS.sleep(500);

    assertThat(receipts(mine))
        .singleElement()
        .satisfies(r -> assertThat(r.getString("verdict")).isEqualTo("held"));
    assertThat(receipts(other)).isEmpty();
  }

  @Test
  void whatAnAccountKeepsUnverifiedIsBoundedAndOversizedBodiesAreRefused() {
    UUID tenant = tenant("bounded");
    GatewayAccount account = connect(tenant, new JsonObject());
    UnverifiedHolds holds = new UnverifiedHolds(sql, 3);
    List<Future<Long>> parallel = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      parallel.add(holds.hold(account, "waiting", Buffer.buffer("{}"), null, null, null));
    }
    await(Future.join(parallel));
    assertThat(parallel.stream().filter(f -> f.result() != null)).hasSize(3);
    assertThat(receipts(tenant)).hasSize(3);

    HttpResponse<Buffer> big =
        post(url(account), "{\"pad\":\"" + "x".repeat(5000) + "\"}", "t=1,v1=00");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(receipts(tenant)).hasSize(3);
  }

  @Test
  void placeholdersAreRefusedWithEveryFieldAtOnce() {
    UUID tenant = tenant("placeholders");
    GatewayPlugin stripe = node.useCases().gatewayAccounts().gateway("stripe");
    assertThatThrownBy(
            () ->
                await(
                    node.useCases()
                        .gatewayAccounts()
                        .connect(
                            tenant,
                            stripe,
                            new JsonObject()
                                .put("webhookSecret", "whsec_…")
                                .put("apiKey", "whsec_Zk3pQ9rT2vX7mB4nL8cD1fG6"))))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly("webhookSecret", "apiKey"));
    assertThat(await(node.useCases().gatewayAccounts().find(tenant, "stripe"))).isNull();
  }

  // ---- fixtures

  private UUID tenant(String name) {
    return await(
            node.useCases()
                .tenants()
                .signUp(
                    name,
                    name + "-" + UUID.randomUUID() + "@example.com",
                    "a long test passphrase",
                    "127.0.0.1"))
        .tenantId();
  }

  private GatewayAccount connect(UUID tenant, JsonObject credentials) {
    var accounts = node.useCases().gatewayAccounts();
    return await(accounts.connect(tenant, accounts.gateway("stripe"), credentials));
  }

  private String url(GatewayAccount account) {
    return "http://127.0.0.1:" + node.port() + "/hooks/" + account.hookKey() + "/stripe";
  }

  private HttpResponse<Buffer> post(String url, String body, String signature) {
    return await(StripeSimulator.webhook(body, signature).post(http, url));
  }

  private long receiptOf(HttpResponse<Buffer> answer, UUID tenant) {
    assertThat(answer.statusCode()).isEqualTo(200);
    List<Row> rows = receipts(tenant);
    return rows.get(rows.size() - 1).getLong("id");
  }

  private List<Row> receipts(UUID tenant) {
    List<Row> out = new ArrayList<>();
    await(
            sql.preparedQuery(
                    "SELECT id, verdict, hold, reason, event_id, cause FROM webhook_receipts"
                        + " WHERE tenant_id = $1 ORDER BY id")
                .execute(Tuple.of(tenant)))
        .forEach(out::add);
    return out;
  }

  private List<String> ledger(UUID tenant) {
    List<String> out = new ArrayList<>();
    await(
            sql.preparedQuery("SELECT entry_key FROM ledger_entries WHERE tenant_id = $1")
                .execute(Tuple.of(tenant)))
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private List<Row> awaitNoneHeld(UUID tenant) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<Row> rows = receipts(tenant);
      if (rows.stream().noneMatch(r -> "held".equals(r.getString("verdict")))) {
        return rows;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still held: " + rows.stream().map(Row::deepToString).toList());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
