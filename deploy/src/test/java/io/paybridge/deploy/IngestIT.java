package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.code.CodeWalletSimulator;
import io.paybridge.gateway.razorpay.RazorpaySimulator;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhooks end to end: a gateway simulator signs exactly as the gateway does and posts over HTTP to
 * the URL the API handed out; the node verifies, records once in PostgreSQL, and the partner API
 * shows the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestIT {

  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start("ingest");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private String url(JsonObject account) {
    return node.baseUrl() + Tenant.hookPath(account);
  }

  @Test
  void stripePaymentIsRecordedOnceAndRefundIsNegative() {
    // GIVEN a tenant with Stripe connected
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String customer = "user-" + UUID.randomUUID();

    // WHEN Stripe delivers a payment, delivers it again, and later a refund
    String payment =
        stripe.paymentIntentSucceeded("evt_" + UUID.randomUUID(), "pi_1", 2500, "usd", customer);
    HttpResponse<Buffer> first = await(stripe.post(node.http, url(account), payment));
    HttpResponse<Buffer> again = await(stripe.post(node.http, url(account), payment));
    HttpResponse<Buffer> refund =
        await(
            stripe.post(
                node.http,
                url(account),
                stripe.refundCreated("evt_" + UUID.randomUUID(), "re_1", "pi_1", 1000, "usd")));

    // THEN both deliveries are acknowledged, the payment is booked once, the refund negative
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    JsonArray data = tenant.payments("").getJsonArray("data");
    assertThat(data).hasSize(2);
    JsonObject refundEntry = data.getJsonObject(0);
    JsonObject paymentEntry = data.getJsonObject(1);
    assertThat(paymentEntry.getString("kind")).isEqualTo("PAYMENT");
    assertThat(paymentEntry.getLong("amountMinor")).isEqualTo(2500);
    assertThat(paymentEntry.getString("currency")).isEqualTo("USD");
    assertThat(paymentEntry.getString("customerRef")).isEqualTo(customer);
    assertThat(paymentEntry.getString("externalPaymentId")).isEqualTo("pi_1");
    assertThat(paymentEntry.getBoolean("synced")).isFalse();
    assertThat(refundEntry.getString("kind")).isEqualTo("REFUND");
    assertThat(refundEntry.getLong("amountMinor")).isEqualTo(-1000);
    assertThat(refundEntry.getString("customerRef"))
        .as("refund inherits the payment's customer")
        .isEqualTo(customer);
    assertThat(tenant.balance(customer).getJsonArray("balances"))
        .containsExactly(new JsonObject().put("currency", "USD").put("amountMinor", 1500));
    // and each entry's sync job (written in the same statement, see GroupCommitRecorderTest) has
    // been run by the node's worker: with no sync targets there is nothing left to do
    long deadline = System.currentTimeMillis() + 10_000;
    while (node.count("SELECT count(*) FROM jobs WHERE tenant_id = '" + tenant.tenantId + "'")
        > 0) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      await(node.client.timer(50));
    }
  }

  @Test
  void forgedStaleUnknownAndMalformedStripeDeliveriesRecordNothing() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    StripeSimulator forger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    String body = stripe.paymentIntentSucceeded("evt_forged", "pi_f", 999, "usd", "u1");

    HttpResponse<Buffer> forged = await(forger.post(node.http, url(account), body));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.bodyAsJsonObject().getString("error")).isEqualTo("invalid_signature");

    String staleHeader = stripe.signatureHeader(body, Instant.now().minusSeconds(900));
    HttpResponse<Buffer> stale =
        await(StripeSimulator.webhook(body, staleHeader).post(node.http, url(account)));
    assertThat(stale.statusCode()).isEqualTo(401);

    HttpResponse<Buffer> unsigned =
        await(
            Webhook.of(body, Map.of("Content-Type", "application/json"))
                .post(node.http, url(account)));
    assertThat(unsigned.statusCode()).isEqualTo(401);

    String unknown =
        stripe.event(
            "evt_unknown",
            "customer.created",
            new JsonObject().put("id", "cus_1").put("object", "customer"));
    HttpResponse<Buffer> ignored = await(stripe.post(node.http, url(account), unknown));
    assertThat(ignored.statusCode()).isEqualTo(200);

    HttpResponse<Buffer> malformed =
        await(stripe.post(node.http, url(account), "{\"id\":\"evt_x\",\"type\":"));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("error")).isEqualTo("malformed_webhook");

    assertThat(tenant.payments("").getJsonArray("data")).isEmpty();
    // every delivery left a receipt before it was answered, with its verdict and reason
    JsonArray receipts = tenant.receipts("").getJsonArray("data");
    assertThat(receipts).hasSize(5);
    assertThat(verdicts(receipts, "rejected")).hasSize(4);
    assertThat(verdicts(receipts, "rejected"))
        .allSatisfy(r -> assertThat(r.getString("reason")).isNotBlank());
    assertThat(verdicts(receipts, "rejected"))
        .anySatisfy(r -> assertThat(r.getString("reason")).startsWith("malformed: "));
    assertThat(verdicts(receipts, "ignored"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getString("eventType")).isEqualTo("customer.created");
              assertThat(r.getString("eventId")).isEqualTo("evt_unknown");
              assertThat(r.getString("reason")).contains("customer.created");
            });
    assertThat(tenant.receipts("?verdict=ignored").getJsonArray("data")).hasSize(1);
  }

  private static java.util.List<JsonObject> verdicts(JsonArray receipts, String verdict) {
    return receipts.stream()
        .map(JsonObject.class::cast)
        .filter(r -> verdict.equals(r.getString("verdict")))
        .toList();
  }

  @Test
  void oversizedUnknownAndMisroutedDeliveriesAreRefusedCleanly() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));

    String huge = "{\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
    HttpResponse<Buffer> oversized = await(stripe.post(node.http, url(account), huge));
    assertThat(oversized.statusCode()).isEqualTo(413);

    String body = stripe.paymentIntentSucceeded("evt_misrouted", "pi_m", 100, "usd", "u");
    String hookKey = Tenant.hookPath(account).split("/")[2];
    HttpResponse<Buffer> wrongGateway =
        await(stripe.post(node.http, node.baseUrl() + "/hooks/" + hookKey + "/razorpay", body));
    assertThat(wrongGateway.statusCode()).isEqualTo(404);
    HttpResponse<Buffer> unknownKey =
        await(
            stripe.post(node.http, node.baseUrl() + "/hooks/" + "A".repeat(32) + "/stripe", body));
    assertThat(unknownKey.statusCode()).isEqualTo(404);
    HttpResponse<Buffer> junkKey =
        await(stripe.post(node.http, node.baseUrl() + "/hooks/..%2F..%2Fetc/stripe", body));
    assertThat(junkKey.statusCode()).isEqualTo(404);
    assertThat(tenant.payments("").getJsonArray("data")).isEmpty();
  }

  @Test
  void anotherTenantsUrlDoesNotAcceptThisTenantsSignature() {
    // GIVEN two tenants on Stripe, each with their own secret
    Tenant alice = Tenant.signUp(node);
    Tenant bob = Tenant.signUp(node);
    String aliceSecret = StripeSimulator.newWebhookSecret();
    StripeSimulator aliceStripe = new StripeSimulator(aliceSecret);
    alice.connect("stripe", new JsonObject().put("webhookSecret", aliceSecret));
    JsonObject bobAccount =
        bob.connect(
            "stripe", new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret()));

    // WHEN a delivery signed for Alice is posted to Bob's URL
    String body = aliceStripe.paymentIntentSucceeded("evt_cross", "pi_c", 700, "usd", "u");
    HttpResponse<Buffer> r = await(aliceStripe.post(node.http, url(bobAccount), body));

    // THEN it is rejected and neither tenant has it
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(bob.payments("").getJsonArray("data")).isEmpty();
    assertThat(alice.payments("").getJsonArray("data")).isEmpty();
  }

  @Test
  void sameEventIdAtTwoTenantsIsRecordedForEach() {
    Tenant a = Tenant.signUp(node);
    Tenant b = Tenant.signUp(node);
    String sa = StripeSimulator.newWebhookSecret();
    String sb = StripeSimulator.newWebhookSecret();
    JsonObject accA = a.connect("stripe", new JsonObject().put("webhookSecret", sa));
    JsonObject accB = b.connect("stripe", new JsonObject().put("webhookSecret", sb));
    String eventId = "evt_shared_" + UUID.randomUUID();
    assertThat(
            await(
                    new StripeSimulator(sa)
                        .post(
                            node.http,
                            url(accA),
                            new StripeSimulator(sa)
                                .paymentIntentSucceeded(eventId, "pi_s", 100, "usd", "x")))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            await(
                    new StripeSimulator(sb)
                        .post(
                            node.http,
                            url(accB),
                            new StripeSimulator(sb)
                                .paymentIntentSucceeded(eventId, "pi_s", 100, "usd", "x")))
                .statusCode())
        .isEqualTo(200);
    assertThat(a.payments("").getJsonArray("data")).hasSize(1);
    assertThat(b.payments("").getJsonArray("data")).hasSize(1);
  }

  @Test
  void concurrentDeliveriesWithDuplicatesAreRecordedExactlyOnce() {
    // GIVEN a tenant and 300 distinct payments, each delivered twice at the same time
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    JsonObject account = tenant.connect("stripe", new JsonObject().put("webhookSecret", secret));
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String body = stripe.paymentIntentSucceeded("evt_c" + i, "pi_c" + i, 100 + i, "eur", "crowd");
      sent.add(stripe.post(node.http, url(account), body));
      sent.add(stripe.post(node.http, url(account), body));
    }

    // WHEN all are answered
    await(Future.join(sent));

    // THEN every delivery was acknowledged and each payment is in the ledger once
    for (Future<HttpResponse<Buffer>> f : sent) {
      assertThat(f.result().statusCode()).isEqualTo(200);
    }
    long expected = 0;
    for (int i = 0; i < 300; i++) {
      expected += 100 + i;
    }
    assertThat(
            node.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = '" + tenant.tenantId + "'"))
        .isEqualTo(300);
    String receipts = "SELECT count(*) FROM webhook_receipts WHERE tenant_id = '" + tenant.tenantId;
    assertThat(node.count(receipts + "' AND verdict = 'recorded'")).isEqualTo(300);
    // each second delivery left a receipt naming the first
    assertThat(node.count(receipts + "' AND verdict = 'duplicate' AND duplicate_of IS NOT NULL"))
        .isEqualTo(300);
    assertThat(tenant.balance("crowd").getJsonArray("balances"))
        .containsExactly(new JsonObject().put("currency", "EUR").put("amountMinor", expected));
  }

  @Test
  void razorpayPublisherEventsMapToPaymentsChargesAndCancellations() {
    Tenant tenant = Tenant.signUp(node);
    String secret = "razorpay-hook-" + UUID.randomUUID();
    RazorpaySimulator razorpay = new RazorpaySimulator(secret);
    JsonObject account =
        tenant.connect(
            "razorpay",
            new JsonObject()
                .put("keyId", "rzp_test_1DP5mmOlF5G5ag")
                .put("keySecret", "Lh8sQ2wX4nV7bZ1cK9dM3fTr")
                .put("webhookSecret", secret));
    String u = url(account);

    assertThat(
            await(
                    razorpay.post(
                        node.http,
                        u,
                        razorpay.paymentCaptured("pay_1", 50000, "INR", "reader-1"),
                        "ev1"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            await(
                    razorpay.post(
                        node.http,
                        u,
                        razorpay.paymentCaptured("pay_1", 50000, "INR", "reader-1"),
                        "ev1"))
                .statusCode())
        .isEqualTo(200);
    Instant periodEnd = Instant.parse("2027-01-01T00:00:00Z");
    assertThat(
            await(
                    razorpay.post(
                        node.http,
                        u,
                        razorpay.subscriptionCharged(
                            "pay_2", "sub_9", 19900, "INR", "reader-1", periodEnd),
                        "ev2"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            await(razorpay.post(node.http, u, razorpay.subscriptionCancelled("sub_9"), "ev3"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            await(
                    razorpay.post(
                        node.http,
                        u,
                        razorpay.refundProcessed("rfnd_1", "pay_1", 10000, "INR"),
                        "ev4"))
                .statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> forged =
        await(
            razorpay
                .webhook(razorpay.paymentCaptured("pay_x", 1, "INR", "r"), null)
                .withHeader("X-Razorpay-Signature", "00".repeat(32))
                .post(node.http, u));
    assertThat(forged.statusCode()).isEqualTo(401);

    JsonArray data = tenant.payments("?gateway=razorpay").getJsonArray("data");
    assertThat(data.stream().map(o -> ((JsonObject) o).getString("kind")).toList())
        .containsExactly("REFUND", "RECURRING_CANCELLED", "RECURRING_CHARGED", "PAYMENT");
    assertThat(tenant.balance("reader-1").getJsonArray("balances"))
        .containsExactly(
            new JsonObject().put("currency", "INR").put("amountMinor", 50000 + 19900 - 10000));
    io.vertx.sqlclient.Row sub =
        await(
                node.sql
                    .preparedQuery(
                        "SELECT status, current_period_end, customer_ref FROM subscriptions WHERE tenant_id = $1 AND external_subscription_id = 'sub_9'")
                    .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(tenant.tenantId))))
            .iterator()
            .next();
    assertThat(sub.getString("status")).isEqualTo("cancelled");
    // the cancellation is the newest event, and it reports the subscription's own current end
    assertThat(sub.getOffsetDateTime("current_period_end")).isNotNull();
    assertThat(sub.getString("customer_ref")).isEqualTo("reader-1");
  }

  @Test
  void codeWalletJwtIsVerifiedWithTheTenantsKeyAndAnsweredWithExactly200() {
    Tenant tenant = Tenant.signUp(node);
    CodeWalletSimulator wallet = new CodeWalletSimulator();
    CodeWalletSimulator impostor = new CodeWalletSimulator();
    JsonObject account = tenant.connect("code", wallet.credentialsJson());
    String intent = CodeWalletSimulator.newIntentId();
    String jwt = wallet.intentSubmitted(intent, "0.25", "usd");

    HttpResponse<Buffer> first = await(wallet.post(node.http, url(account), jwt));
    HttpResponse<Buffer> again = await(wallet.post(node.http, url(account), jwt));
    HttpResponse<Buffer> forged =
        await(
            impostor.post(
                node.http, url(account), impostor.intentSubmitted(intent + "x", "5", "usd")));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(forged.statusCode()).isEqualTo(401);
    JsonArray data = tenant.payments("?gateway=code").getJsonArray("data");
    assertThat(data).hasSize(1);
    assertThat(data.getJsonObject(0).getLong("amountMinor")).isEqualTo(25);
    assertThat(data.getJsonObject(0).getString("currency")).isEqualTo("USD");
    assertThat(data.getJsonObject(0).getString("externalPaymentId")).isEqualTo(intent);
  }

  @Test
  void aGenuineCodePaymentToAnotherMerchantsAddressBooksNothingAndLeavesARejectedReceipt() {
    // GIVEN Code signs every merchant's webhooks with one key: a victim with its own address
    CodeWalletSimulator code = new CodeWalletSimulator();
    Tenant victim = Tenant.signUp(node);
    String victimAddress = new CodeWalletSimulator().depositAddress();
    JsonObject account =
        victim.connect(
            "code",
            new JsonObject()
                .put("publicKey", code.publicKeyBase58())
                .put("depositAddress", victimAddress));

    // WHEN a payment to the attacker's own wallet is posted to the victim's URL
    String jwt = code.intentSubmitted(CodeWalletSimulator.newIntentId(), "500", "usd");
    HttpResponse<Buffer> r = await(code.post(node.http, url(account), jwt));

    // THEN Code is told to stop retrying, nothing is booked, and the receipt says why
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(victim.payments("").getJsonArray("data")).isEmpty();
    JsonObject receipt = victim.receipts("").getJsonArray("data").getJsonObject(0);
    assertThat(receipt.getString("verdict")).isEqualTo("rejected");
    assertThat(receipt.getString("reason")).contains(code.depositAddress()).contains(victimAddress);
    // Code really signed it: the refusal is kept in full, never sampled away
    JsonObject detail =
        await(victim.get("/api/v1/receipts/" + receipt.getString("id")).send()).bodyAsJsonObject();
    assertThat(detail.getString("body")).isEqualTo(jwt);
  }
}
