package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An app backend's checkout through a whole node against Stripe's API played over HTTP, every
 * webhook signed and delivered twice: the backend starts the checkout, the customer authorizes,
 * {@code payment_intent.amount_capturable_updated} makes the node capture it, and the ledger holds
 * exactly the amount for the customer however the capture's answer and Stripe's events interleave;
 * an open Radar review holds the capture until it is approved, a review closed as fraud cancels the
 * authorization and books nothing, a partial refund books its negative entry, and a capture whose
 * answer was lost is captured once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutsIT {

  private static final String VERSION = StripeSimulator.API_VERSION;

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakeVertx;
  private StripeApiFake api;
  private TestNode node;

  @BeforeAll
  void start() {
    fakeVertx = Vertx.vertx();
    api = await(new StripeApiFake(apiKey).start(fakeVertx));
    node =
        TestNode.start(
            "checkouts",
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE",
                api.baseUrl(),
                "PAYBRIDGE_GATEWAY_STRIPE_API_TIMEOUT_MS",
                "1500",
                "PAYBRIDGE_RETRY_BASE_MS",
                "500"));
  }

  @AfterAll
  void stop() {
    node.close();
    await(api.close());
    await(fakeVertx.close());
  }

  @Test
  void anAuthorizedCheckoutIsCapturedAndBookedOnceThenPartlyRefunded() {
    // GIVEN the app backend starts a checkout for its user, twice with the same key
    Shop shop = shop();
    String ref = "user-" + suffix();
    JsonObject checkout = shop.checkout(ref, 2_500);
    assertThat(shop.checkoutAgain(ref, 2_500, checkout).getString("id"))
        .isEqualTo(checkout.getString("id"));
    String id = checkout.getString("id");
    String intent = checkout.getString("reference");
    assertThat(checkout.getJsonObject("client").getString("clientSecret"))
        .isEqualTo(api.paymentIntent(intent).getString("client_secret"));
    assertThat(api.paymentIntentsOfCheckout(id)).containsExactly(intent);

    // WHEN the customer authorizes in the app: the uncaptured charge books nothing
    JsonObject authorized = api.checkouts().confirm(intent);
    shop.deliverTwice("charge.succeeded", api.chargeOf(intent));
    assertThat(shop.balance(ref)).isZero();
    // AND Stripe says the amount is capturable: the node captures it
    shop.deliverTwice("payment_intent.amount_capturable_updated", authorized);
    waitFor(() -> "paid".equals(shop.read(id).getString("status")));

    // THEN Stripe captured once, under the checkout's capture key, and the ledger holds +25.00
    assertThat(captures(intent))
        .singleElement()
        .satisfies(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-capture-" + id));
    assertThat(api.paymentIntent(intent).getString("status")).isEqualTo("succeeded");
    assertThat(shop.balance(ref)).isEqualTo(2_500);

    // AND Stripe's own events for the capture, each twice, book nothing more
    shop.deliverTwice("payment_intent.succeeded", api.paymentIntent(intent));
    shop.deliverTwice("charge.captured", api.chargeOf(intent));
    assertThat(shop.balance(ref)).isEqualTo(2_500);
    assertThat(shop.entries(ref)).hasSize(1);

    // WHEN 5.00 of it is refunded in the Dashboard and Stripe says so, twice
    String charge = api.chargeOf(intent).getString("id");
    api.addRefund(charge, 500, "succeeded");
    shop.deliverTwice("charge.refunded", api.charge(charge));

    // THEN the ledger holds exactly 20.00 for the customer, and the checkout shows its story
    assertThat(shop.balance(ref)).isEqualTo(2_000);
    assertThat(shop.entries(ref))
        .extracting(e -> e.getLong("amountMinor"))
        .containsExactly(-500L, 2_500L);
    JsonObject read = shop.read(id);
    assertThat(read.getString("status")).isEqualTo("partially_refunded");
    assertThat(read.getLong("paid")).isEqualTo(2_500);
    assertThat(read.getLong("refunded")).isEqualTo(500);
    assertThat(read.getJsonArray("entries")).hasSize(2);
    assertThat(
            read.getJsonArray("receipts").stream().map(r -> ((JsonObject) r).getString("verdict")))
        .contains("recorded", "ignored", "duplicate");
    assertThat(captures(intent)).hasSize(1);
  }

  @Test
  void anOpenReviewHoldsTheCaptureUntilItIsApproved() {
    Shop shop = shop();
    String ref = "user-" + suffix();
    JsonObject checkout = shop.checkout(ref, 4_000);
    String id = checkout.getString("id");
    String intent = checkout.getString("reference");

    // GIVEN the authorization is under a Radar review
    JsonObject authorized = api.checkouts().confirmUnderReview(intent);
    shop.deliverTwice("payment_intent.amount_capturable_updated", authorized);
    // THEN nothing is captured or booked, and no capture waits to run
    assertThat(
            node.count(
                "SELECT count(*) FROM jobs WHERE kind = 'checkout_capture' AND dedupe_key = '"
                    + id
                    + "'"))
        .isZero();
    assertThat(captures(intent)).isEmpty();
    assertThat(shop.read(id).getString("status")).isEqualTo("open");

    // WHEN the reviewer approves it, and Stripe says so twice
    shop.deliverTwice(
        "review.closed", api.checkouts().closeReview(authorized.getString("review"), "approved"));
    waitFor(() -> "paid".equals(shop.read(id).getString("status")));
    shop.deliverTwice("payment_intent.succeeded", api.paymentIntent(intent));

    // THEN it was captured once, and booked once
    assertThat(captures(intent)).hasSize(1);
    assertThat(shop.balance(ref)).isEqualTo(4_000);
    assertThat(shop.entries(ref)).hasSize(1);
  }

  @Test
  void aReviewClosedAsFraudCancelsTheAuthorizationAndBooksNothing() {
    Shop shop = shop();
    String ref = "user-" + suffix();
    JsonObject checkout = shop.checkout(ref, 9_900);
    String id = checkout.getString("id");
    String intent = checkout.getString("reference");
    JsonObject authorized = api.checkouts().confirmUnderReview(intent);
    shop.deliverTwice("payment_intent.amount_capturable_updated", authorized);

    shop.deliverTwice(
        "review.closed",
        api.checkouts().closeReview(authorized.getString("review"), "refunded_as_fraud"));
    waitFor(() -> "cancelled".equals(shop.read(id).getString("status")));

    assertThat(api.paymentIntent(intent).getString("status")).isEqualTo("canceled");
    assertThat(api.calls("POST", "/v1/payment_intents/" + intent + "/cancel"))
        .singleElement()
        .satisfies(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-cancel-" + id));
    assertThat(captures(intent)).isEmpty();
    assertThat(shop.balance(ref)).isZero();
    assertThat(shop.entries(ref)).isEmpty();
    // the authorization, delivered again late, captures nothing
    shop.deliverTwice("payment_intent.amount_capturable_updated", api.paymentIntent(intent));
    assertThat(captures(intent)).isEmpty();
  }

  @Test
  void aCaptureWhoseAnswerWasLostIsCapturedOnce() {
    Shop shop = shop();
    String ref = "user-" + suffix();
    JsonObject checkout = shop.checkout(ref, 1_200);
    String id = checkout.getString("id");
    String intent = checkout.getString("reference");
    JsonObject authorized = api.checkouts().confirm(intent);
    // Stripe captures, but answers after the node gave up on the call
    api.delayNext("POST", "/v1/payment_intents/" + intent + "/capture", Duration.ofSeconds(4));

    shop.deliverTwice("payment_intent.amount_capturable_updated", authorized);
    waitFor(() -> "paid".equals(shop.read(id).getString("status")));
    shop.deliverTwice("payment_intent.succeeded", api.paymentIntent(intent));

    assertThat(captures(intent)).hasSize(1);
    assertThat(shop.read(id).getString("lastError"))
        .as("the first attempt gave up on Stripe's answer")
        .isNotNull();
    assertThat(api.chargeOf(intent).getLong("amount_captured")).isEqualTo(1_200);
    assertThat(shop.balance(ref)).isEqualTo(1_200);
    assertThat(shop.entries(ref)).hasSize(1);
  }

  // ---- the app backend's side

  /** A tenant on Stripe with its webhook signer, as an app backend sees it. */
  private final class Shop {
    final Tenant tenant;
    final StripeSimulator stripe;
    final String hookUrl;
    private final String key = "order-" + suffix();

    Shop(Tenant tenant, StripeSimulator stripe, String hookUrl) {
      this.tenant = tenant;
      this.stripe = stripe;
      this.hookUrl = hookUrl;
    }

    JsonObject checkout(String ref, long amount) {
      HttpResponse<Buffer> r = create(ref, amount);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      return r.bodyAsJsonObject();
    }

    JsonObject checkoutAgain(String ref, long amount, JsonObject first) {
      HttpResponse<Buffer> r = create(ref, amount);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      assertThat(r.bodyAsJsonObject()).isEqualTo(first);
      return r.bodyAsJsonObject();
    }

    private HttpResponse<Buffer> create(String ref, long amount) {
      return await(
          tenant
              .post("/api/v1/checkouts")
              .putHeader("Idempotency-Key", key)
              .sendJsonObject(
                  new JsonObject()
                      .put("gateway", "stripe")
                      .put("customerRef", ref)
                      .put("amount", amount)
                      .put("currency", "eur")
                      .put("description", "Coins")));
    }

    JsonObject read(String id) {
      HttpResponse<Buffer> r = await(tenant.get("/api/v1/checkouts/" + id).send());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      return r.bodyAsJsonObject();
    }

    /** Signs the event of Stripe's object as Stripe would and delivers it twice. */
    void deliverTwice(String type, JsonObject object) {
      String body = stripe.event("evt_" + suffix(), type, object, VERSION);
      for (int i = 0; i < 2; i++) {
        HttpResponse<Buffer> r = await(stripe.post(node.http, hookUrl, body));
        assertThat(r.statusCode()).as(type + ": " + r.bodyAsString()).isEqualTo(200);
      }
    }

    long balance(String ref) {
      return tenant.balance(ref).getJsonArray("balances").stream()
          .map(JsonObject.class::cast)
          .filter(b -> "EUR".equals(b.getString("currency")))
          .mapToLong(b -> b.getLong("amountMinor"))
          .sum();
    }

    List<JsonObject> entries(String ref) {
      return tenant.payments("?customerRef=" + ref).getJsonArray("data").stream()
          .map(JsonObject.class::cast)
          .toList();
    }
  }

  private Shop shop() {
    Tenant tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    JsonObject account =
        tenant.connect(
            "stripe", new JsonObject().put("webhookSecret", secret).put("apiKey", apiKey));
    return new Shop(tenant, new StripeSimulator(secret), node.baseUrl() + Tenant.hookPath(account));
  }

  private List<ApiCall> captures(String intent) {
    return api.calls("POST", "/v1/payment_intents/" + intent + "/capture");
  }

  private static void waitFor(BooleanSupplier condition) {
    TestNode.eventually(Duration.ofSeconds(30), condition, () -> "the condition still fails");
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
