package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What is booked is what PayPal's API confirms: deliveries go through verify, parse and resolve as
 * the platform runs them, against the simulator's fake API, including bodies rewritten with their
 * CRC32 restored, accounts without (working) API credentials, and PayPal failing to answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalResolveTest {

  private static final long TIMEOUT_MS = 1_500;

  private Vertx vertx;
  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private Credentials account;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
    settings.put(PayPalPlugin.TIMEOUT_SETTING, Long.toString(TIMEOUT_MS));
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    account = paypal.credentials();
  }

  @BeforeEach
  void forgetCalls() {
    paypal.reset();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  /** Parse and resolve, as the platform does after an authentic verdict. */
  private ParsedWebhook resolve(WebhookRequest request, Credentials credentials) {
    ParsedWebhook parsed = plugin.parse(request, credentials);
    return await(plugin.resolve(request, parsed, credentials));
  }

  /** A delivery of {@code body} signed by PayPal now, verified, parsed and resolved. */
  private ParsedWebhook deliver(String body) {
    WebhookRequest request = paypal.request(body, Instant.now());
    Verdict verdict = await(plugin.verify(request, account));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    return resolve(request, account);
  }

  private PaymentEvent single(ParsedWebhook resolved) {
    assertThat(resolved.events()).as(String.valueOf(resolved.reason())).hasSize(1);
    return resolved.events().get(0);
  }

  private static JsonObject money(String value, String currency) {
    return new JsonObject().put("currency_code", currency).put("value", value);
  }

  // ---- the amount booked is PayPal's

  @Test
  void theAmountBookedIsTheOnePayPalsApiConfirmsNotTheBodys() {
    // GIVEN a delivery that says 10.99 USD, and PayPal's API that says 12.00 USD for the capture
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(), capture, "10.99", "USD", "0.62", "user-42");
    paypal
        .apiResource(PayPalSimulator.CAPTURES + capture)
        .put("amount", money("12.00", "USD"))
        .put("custom_id", "user-7")
        .getJsonObject("seller_receivable_breakdown")
        .put("paypal_fee", money("0.70", "USD"));

    // WHEN it is delivered
    PaymentEvent e = single(deliver(body));

    // THEN PayPal's amount, fee and custom_id are booked
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("capture:" + capture);
    assertThat(e.amountMinor()).isEqualTo(1200L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.feeMinor()).isEqualTo(70L);
    assertThat(e.customerRef()).isEqualTo("user-7");
    ApiCall lookup = paypal.calls(HttpMethod.GET, PayPalSimulator.CAPTURES).get(0);
    assertThat(lookup.path()).isEqualTo(PayPalSimulator.CAPTURES + capture);
    assertThat(lookup.headers().get("Authorization")).startsWith("Bearer A21AA");
  }

  @Test
  void aBodyRewrittenWithItsCrc32RestoredVerifiesButBooksOnlyWhatPayPalConfirms() {
    // GIVEN a genuine delivery of a 10.00 USD capture for alice, captured by an attacker
    String capture = PayPalSimulator.newResourceId();
    String genuineBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(), capture, "10.00", "USD", "0.59", "alice");
    WebhookRequest genuine = paypal.request(genuineBody, Instant.now());
    long signedCrc = PayPalTransmission.crc32(genuine.body().getBytes());

    // WHEN the attacker rewrites the body (9999.00 USD for mallory) and restores its CRC32 with
    // four bytes inside a JSON string, keeping PayPal's signed headers
    JsonObject rewritten = new JsonObject(genuineBody);
    rewritten
        .getJsonObject("resource")
        .put("amount", money("9999.00", "USD"))
        .put("custom_id", "mallory")
        .remove("seller_receivable_breakdown");
    byte[] forgedBytes = Crc32Forgery.insideJson(rewritten, signedCrc);
    WebhookRequest forged = genuine.withBody(Buffer.buffer(forgedBytes));

    // THEN the signature still verifies, under the genuine delivery's transmission id
    assertThat(PayPalTransmission.crc32(forgedBytes)).isEqualTo(signedCrc);
    Verdict verdict = await(plugin.verify(forged, account));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    assertThat(verdict.signedDeliveryId())
        .as("the platform accepts this transmission id with one body only")
        .isEqualTo(await(plugin.verify(genuine, account)).signedDeliveryId())
        .isEqualTo(genuine.header(PayPalPlugin.TRANSMISSION_ID_HEADER));

    // AND the body does claim the forged amount and customer
    PaymentEvent claimed = plugin.parse(forged, account).events().get(0);
    assertThat(claimed.amountMinor()).isEqualTo(999_900L);
    assertThat(claimed.customerRef()).isEqualTo("mallory");

    // BUT what resolves for booking is PayPal's capture
    PaymentEvent booked = single(resolve(forged, account));
    assertThat(booked.entryKey()).isEqualTo("capture:" + capture);
    assertThat(booked.amountMinor()).isEqualTo(1000L);
    assertThat(booked.feeMinor()).isEqualTo(59L);
    assertThat(booked.customerRef()).isEqualTo("alice");
  }

  @Test
  void aRewrittenBodyNamingACaptureThatDoesNotExistBooksNothing() {
    String genuineBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(),
            PayPalSimulator.newResourceId(),
            "1.00",
            "USD",
            null,
            "a");
    WebhookRequest genuine = paypal.request(genuineBody, Instant.now());
    JsonObject rewritten = new JsonObject(genuineBody);
    rewritten
        .getJsonObject("resource")
        .put("id", "8XK12345AB1234567")
        .put("amount", money("5000.00", "USD"));
    WebhookRequest forged =
        genuine.withBody(
            Buffer.buffer(
                Crc32Forgery.insideJson(
                    rewritten, PayPalTransmission.crc32(genuine.body().getBytes()))));
    assertThat(await(plugin.verify(forged, account)).authentic()).isTrue();

    ParsedWebhook resolved = resolve(forged, account);

    assertThat(resolved.isIgnored()).isTrue();
    assertThat(resolved.reason())
        .isEqualTo(
            "PayPal has no capture 8XK12345AB1234567 for this account (HTTP 404): the delivery"
                + " names a resource PayPal does not know, so nothing is booked.");
  }

  @Test
  void fourAppendedBytesRestoreTheSignatureButTheBodyIsNoLongerJson() {
    String genuineBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(),
            PayPalSimulator.newResourceId(),
            "1.00",
            "USD",
            null,
            "a");
    WebhookRequest genuine = paypal.request(genuineBody, Instant.now());
    byte[] appended =
        Crc32Forgery.withCrc32(
            genuineBody.replace("\"1.00\"", "\"900.00\"").getBytes(StandardCharsets.UTF_8),
            PayPalTransmission.crc32(genuine.body().getBytes()));
    WebhookRequest forged = genuine.withBody(Buffer.buffer(appended));

    assertThat(await(plugin.verify(forged, account)).authentic()).isTrue();
    assertThatThrownBy(() -> plugin.parse(forged, account))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void theForgingHelperHitsAnyTargetCrc32() {
    for (long target : List.of(0L, 1L, 0xFFFFFFFFL, 3494065244L, 0x80000000L)) {
      byte[] body = ("{\"target\":" + target + "}").getBytes(StandardCharsets.UTF_8);
      assertThat(PayPalTransmission.crc32(Crc32Forgery.withCrc32(body, target))).isEqualTo(target);
      assertThat(
              PayPalTransmission.crc32(
                  Crc32Forgery.withCrc32(body, target, "\"}".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(target);
    }
  }

  // ---- held until the account has working API credentials

  @Test
  void withoutApiCredentialsADeliveryIsHeldAndBookedWhenReprocessedWithThem() {
    // GIVEN an account with only a webhook id, and a delivery received ten days ago
    Credentials webhookOnly =
        Credentials.of(
            PayPalPlugin.WEBHOOK_ID, paypal.webhookId(), PayPalPlugin.ENVIRONMENT, "sandbox");
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(), capture, "30.00", "EUR", null, "user-9");
    Instant tenDaysAgo = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    WebhookRequest request = paypal.request(body, tenDaysAgo);
    assertThat(await(plugin.verify(request, webhookOnly)).authentic())
        .as("judged at its receipt time, ten days ago")
        .isTrue();

    // WHEN it is resolved without API credentials
    ParsedWebhook held = resolve(request, webhookOnly);

    // THEN it is held for them, and PayPal was not asked anything
    assertThat(held.isHeld()).isTrue();
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.events()).isEmpty();
    assertThat(held.reason()).contains("no client ID and secret").contains("capture " + capture);
    assertThat(paypal.calls()).isEmpty();

    // AND reprocessed once the tenant saves them, still fresh at its receipt time, it books
    assertThat(await(plugin.verify(request, account)).authentic()).isTrue();
    PaymentEvent booked = single(resolve(request, account));
    assertThat(booked.amountMinor()).isEqualTo(3000L);
    assertThat(booked.currency()).isEqualTo("EUR");
  }

  @Test
  void typesThatNeverBookNeedNoCredentialsAndMakeNoCall() {
    Credentials webhookOnly = Credentials.of(PayPalPlugin.WEBHOOK_ID, paypal.webhookId());
    String body =
        paypal.event(
            PayPalSimulator.newEventId(),
            "CHECKOUT.ORDER.APPROVED",
            "checkout-order",
            "2.0",
            "An order has been approved by buyer",
            new JsonObject().put("id", "5O190127TN364715T").put("status", "APPROVED"));
    ParsedWebhook resolved = resolve(paypal.request(body, Instant.now()), webhookOnly);
    assertThat(resolved.isIgnored()).isTrue();
    assertThat(resolved.reason()).contains("no money moves until it is captured");
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void credentialsPayPalRefusesHoldTheDelivery() {
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureCompleted(PayPalSimulator.newEventId(), capture, "5.00", "USD", null, null);
    WebhookRequest request = paypal.request(body, Instant.now());

    Credentials wrongSecret =
        plugin.validateCredentials(
            paypal
                .credentialsJson()
                .put(PayPalPlugin.CLIENT_SECRET, "ERevokedSecretOfThisApp0123456789"));
    ParsedWebhook refused = resolve(request, wrongSecret);
    assertThat(refused.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(refused.reason())
        .contains("HTTP 401")
        .contains("capture " + capture)
        .doesNotContain("ERevokedSecretOfThisApp0123456789");

    paypal.failNext(
        HttpMethod.GET,
        PayPalSimulator.CAPTURES,
        403,
        new JsonObject()
            .put("name", "NOT_AUTHORIZED")
            .put("message", "Authorization failed due to insufficient permissions.")
            .encode());
    ParsedWebhook forbidden = resolve(request, account);
    assertThat(forbidden.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(forbidden.reason()).contains("HTTP 403");

    assertThat(single(resolve(request, account)).amountMinor())
        .as("booked once PayPal accepts the credentials")
        .isEqualTo(500L);
  }

  @Test
  void whenPayPalCannotAnswerNowTheFailureIsRetryable() {
    String capture = PayPalSimulator.newResourceId();
    WebhookRequest request =
        paypal.request(
            paypal.captureCompleted(
                PayPalSimulator.newEventId(), capture, "5.00", "USD", null, null),
            Instant.now());
    for (int status : List.of(500, 503, 429)) {
      paypal.failNext(
          HttpMethod.GET,
          PayPalSimulator.CAPTURES,
          status,
          new JsonObject().put("name", "INTERNAL_SERVICE_ERROR").encode());
      Throwable failure = failure(plugin.resolve(request, plugin.parse(request, account), account));
      assertThat(failure).isInstanceOf(GatewayApiException.class);
      assertThat(((GatewayApiException) failure).retryable()).as("HTTP " + status).isTrue();
    }
    paypal.stallNext(HttpMethod.GET, PayPalSimulator.CAPTURES);
    Throwable timeout = failure(plugin.resolve(request, plugin.parse(request, account), account));
    assertThat(timeout).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) timeout).retryable()).isTrue();
  }

  @Test
  void anAnswerThatIsNotThePayPalResourceFailsWithoutBooking() {
    String capture = PayPalSimulator.newResourceId();
    WebhookRequest request =
        paypal.request(
            paypal.captureCompleted(
                PayPalSimulator.newEventId(), capture, "5.00", "USD", null, null),
            Instant.now());
    paypal.failNext(
        HttpMethod.GET,
        PayPalSimulator.CAPTURES,
        200,
        new JsonObject()
            .put("id", capture)
            .put("status", "COMPLETED")
            .put("amount", money("five", "USD"))
            .encode());
    Throwable malformed = failure(plugin.resolve(request, plugin.parse(request, account), account));
    assertThat(malformed)
        .isInstanceOf(GatewayApiException.class)
        .hasMessageContaining("PayPal's answer for capture " + capture);

    paypal.failNext(
        HttpMethod.GET,
        PayPalSimulator.CAPTURES,
        200,
        paypal.apiResource(PayPalSimulator.CAPTURES + capture).copy().put("id", "OTHER").encode());
    assertThat(failure(plugin.resolve(request, plugin.parse(request, account), account)))
        .hasMessageContaining("is not " + capture);
  }

  @Test
  void aResourceIdThatCannotBePayPalsIsMalformedAndNeverReachesTheApi() {
    JsonObject capture =
        new JsonObject()
            .put("id", "../../v1/oauth2/token")
            .put("status", "COMPLETED")
            .put("amount", money("1.00", "USD"));
    WebhookRequest request =
        paypal.request(
            paypal.event("WH-PATH", "PAYMENT.CAPTURE.COMPLETED", "capture", "2.0", "x", capture),
            Instant.now());
    assertThatThrownBy(() -> plugin.parse(request, account))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("not a PayPal id");
    assertThat(failure(plugin.resolve(request, ParsedWebhook.ignored("WH-PATH", "x"), account)))
        .isInstanceOf(MalformedWebhookException.class);
    assertThat(paypal.calls()).isEmpty();
  }

  // ---- captures: only a completed capture books

  @Test
  void aCaptureBooksOnlyWhenPayPalReportsItCompleted() {
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureCompleted(PayPalSimulator.newEventId(), capture, "8.00", "USD", null, "u");
    JsonObject atPayPal = paypal.apiResource(PayPalSimulator.CAPTURES + capture);

    for (String status : List.of("PENDING", "DECLINED", "FAILED")) {
      atPayPal.put("status", status);
      ParsedWebhook resolved = deliver(body);
      assertThat(resolved.isIgnored()).as(status).isTrue();
      assertThat(resolved.reason())
          .isEqualTo(
              "PayPal reports capture "
                  + capture
                  + " as "
                  + status
                  + ", not completed: nothing is booked until it completes.");
    }
    for (String status : List.of("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED")) {
      atPayPal.put("status", status);
      assertThat(single(deliver(body)).amountMinor())
          .as("%s: the capture completed (a refund is an entry of its own)", status)
          .isEqualTo(800L);
    }
  }

  @Test
  void aBodyThatCallsACompletedCapturePendingStillBooksIt() {
    String capture = PayPalSimulator.newResourceId();
    JsonObject event =
        new JsonObject(
            paypal.captureCompleted(
                PayPalSimulator.newEventId(), capture, "8.00", "USD", null, "u"));
    event.getJsonObject("resource").put("status", "PENDING");
    assertThat(single(deliver(event.encode())).entryKey()).isEqualTo("capture:" + capture);
  }

  // ---- refunds and reversals of captures

  @Test
  void aCaptureRefundBooksPayPalsAmountAndOnlyWhenCompleted() {
    String refund = PayPalSimulator.newResourceId();
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureRefunded(PayPalSimulator.newEventId(), refund, capture, "4.50", "USD", "u");
    JsonObject atPayPal = paypal.apiResource(PayPalSimulator.CAPTURE_REFUNDS + refund);
    atPayPal.put("amount", money("3.00", "USD"));

    PaymentEvent e = single(deliver(body));
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:" + refund);
    assertThat(e.amountMinor()).isEqualTo(-300L);
    assertThat(e.externalPaymentId()).isEqualTo(capture);
    assertThat(paypal.calls(HttpMethod.GET, PayPalSimulator.CAPTURE_REFUNDS)).hasSize(1);

    atPayPal.put("status", "PENDING");
    assertThat(deliver(body).reason())
        .isEqualTo(
            "PayPal reports refund "
                + refund
                + " as PENDING, not completed: no money has gone back to the buyer.");
  }

  @Test
  void aCaptureReversalBooksADisputeOfTheCaptureAsPayPalReportsIt() {
    String reversal = PayPalSimulator.newResourceId();
    String capture = PayPalSimulator.newResourceId();
    String body =
        paypal.captureReversed(PayPalSimulator.newEventId(), reversal, capture, "25.00", "USD");
    paypal
        .apiResource(PayPalSimulator.CAPTURE_REFUNDS + reversal)
        .put("amount", money("20.00", "USD"));

    PaymentEvent e = single(deliver(body));

    assertThat(e.kind()).isEqualTo(EventKind.DISPUTE);
    assertThat(e.entryKey()).isEqualTo("dispute:" + capture);
    assertThat(e.amountMinor()).isEqualTo(-2000L);
    assertThat(paypal.calls(HttpMethod.GET, PayPalSimulator.CAPTURE_REFUNDS).get(0).path())
        .isEqualTo(PayPalSimulator.CAPTURE_REFUNDS + reversal);
  }

  // ---- disputes

  /** A ledger that books each key once, as the platform's ON CONFLICT DO NOTHING does. */
  private static final class Ledger {
    private final Map<String, Long> entries = new LinkedHashMap<>();

    void book(ParsedWebhook delivery) {
      delivery.events().forEach(e -> entries.putIfAbsent(e.entryKey(), e.amountMinor()));
    }

    long balance() {
      return entries.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Test
  void aDisputeWonAfterAChargebackNetsOutWhicheverDeliveryArrivesFirst() {
    // GIVEN a 25.00 capture, its chargeback, and the dispute resolved for the merchant
    String capture = PayPalSimulator.newResourceId();
    String dispute = PayPalSimulator.newDisputeId();
    String payment =
        paypal.captureCompleted(PayPalSimulator.newEventId(), capture, "25.00", "USD", null, "u");
    String reversed =
        paypal.captureReversed(
            PayPalSimulator.newEventId(), PayPalSimulator.newResourceId(), capture, "25.00", "USD");
    String won =
        paypal.disputeEvent(
            PayPalSimulator.newEventId(),
            "CUSTOMER.DISPUTE.RESOLVED",
            dispute,
            capture,
            "25.00",
            "USD",
            "RESOLVED",
            "RESOLVED_SELLER_FAVOUR",
            "u");
    ParsedWebhook paid = deliver(payment);
    ParsedWebhook chargeback = deliver(reversed);
    ParsedWebhook reinstated = deliver(won);
    assertThat(paypal.calls(HttpMethod.GET, PayPalSimulator.DISPUTES).get(0).path())
        .isEqualTo(PayPalSimulator.DISPUTES + dispute);

    // WHEN the ledger books them in either order, with duplicates
    for (List<ParsedWebhook> order :
        List.of(
            List.of(paid, chargeback, reinstated),
            List.of(paid, reinstated, chargeback),
            List.of(reinstated, chargeback, paid, chargeback, reinstated))) {
      Ledger ledger = new Ledger();
      order.forEach(ledger::book);

      // THEN the merchant keeps the payment: the chargeback and its reinstatement net out
      assertThat(ledger.balance()).isEqualTo(2500L);
      assertThat(ledger.entries)
          .containsEntry("capture:" + capture, 2500L)
          .containsEntry("dispute:" + capture, -2500L)
          .containsEntry("dispute_reversal:" + capture, 2500L)
          .hasSize(3);
    }

    // AND without the reinstatement the chargeback stands
    Ledger lost = new Ledger();
    List.of(paid, chargeback).forEach(lost::book);
    assertThat(lost.balance()).isZero();
  }

  @Test
  void aDisputeTheBodyCallsWonButPayPalCallsLostBooksNothing() {
    String dispute = PayPalSimulator.newDisputeId();
    String body =
        paypal.disputeEvent(
            PayPalSimulator.newEventId(),
            "CUSTOMER.DISPUTE.RESOLVED",
            dispute,
            PayPalSimulator.newResourceId(),
            "25.00",
            "USD",
            "RESOLVED",
            "RESOLVED_SELLER_FAVOUR",
            null);
    paypal
        .apiResource(PayPalSimulator.DISPUTES + dispute)
        .getJsonObject("dispute_outcome")
        .put("outcome_code", "RESOLVED_BUYER_FAVOUR");

    ParsedWebhook resolved = deliver(body);

    assertThat(resolved.isIgnored()).isTrue();
    assertThat(resolved.reason())
        .startsWith("Dispute " + dispute + " was resolved with outcome RESOLVED_BUYER_FAVOUR");
  }

  // ---- sales

  @Test
  void aSaleIsBookedAsPayPalReportsItIncludingItsSubscription() {
    // GIVEN a sale the body calls a one-time payment of 1.00, which PayPal reports as 14.55 CAD
    // charged for subscription I-37B4TLL0FAJJ
    String sale = PayPalSimulator.newResourceId();
    String body =
        paypal.saleCompleted(PayPalSimulator.newEventId(), sale, "1.00", "CAD", null, null, "m");
    paypal
        .apiResource(PayPalSimulator.SALES + sale)
        .put("amount", new JsonObject().put("total", "14.55").put("currency", "CAD"))
        .put("transaction_fee", new JsonObject().put("value", "0.72").put("currency", "CAD"))
        .put("billing_agreement_id", "I-37B4TLL0FAJJ")
        .put("custom", "member-3");

    PaymentEvent e = single(deliver(body));

    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(e.entryKey()).isEqualTo("sale:" + sale);
    assertThat(e.amountMinor()).isEqualTo(1455L);
    assertThat(e.feeMinor()).isEqualTo(72L);
    assertThat(e.externalSubscriptionId()).isEqualTo("I-37B4TLL0FAJJ");
    assertThat(e.customerRef()).isEqualTo("member-3");

    paypal.apiResource(PayPalSimulator.SALES + sale).put("state", "pending");
    assertThat(deliver(body).reason()).contains("sale " + sale + " as PENDING, not completed");
  }

  @Test
  void aSaleRefundAndAReversalRelabelledAsARefundAreOneEntry() {
    String refund = PayPalSimulator.newResourceId();
    String sale = PayPalSimulator.newResourceId();
    String reversedBody =
        paypal.saleReversed(PayPalSimulator.newEventId(), refund, sale, "15.00", "USD");
    PaymentEvent reversal = single(deliver(reversedBody));
    assertThat(reversal.kind()).isEqualTo(EventKind.REFUND);
    assertThat(reversal.amountMinor()).isEqualTo(-1500L);
    assertThat(reversal.externalPaymentId()).isEqualTo(sale);
    assertThat(paypal.calls(HttpMethod.GET, PayPalSimulator.SALE_REFUNDS).get(0).path())
        .isEqualTo(PayPalSimulator.SALE_REFUNDS + refund);

    JsonObject relabelled = new JsonObject(reversedBody).put("event_type", "PAYMENT.SALE.REFUNDED");
    assertThat(single(deliver(relabelled.encode())).entryKey())
        .isEqualTo(reversal.entryKey())
        .isEqualTo("refund:" + refund);
  }

  // ---- subscriptions

  @Test
  void aCancellationIsBookedOnlyWhenPayPalSaysTheSubscriptionEnded() {
    String subscription = PayPalSimulator.newSubscriptionId();
    Instant next = Instant.now().plus(Duration.ofDays(9)).truncatedTo(ChronoUnit.SECONDS);
    String body =
        paypal.subscriptionEnded(
            PayPalSimulator.newEventId(),
            "BILLING.SUBSCRIPTION.CANCELLED",
            subscription,
            "user-5",
            "PAYER1",
            next);
    paypal.putSubscription(subscription, "ACTIVE", null, "user-5");
    assertThat(deliver(body).reason())
        .isEqualTo(
            "PayPal reports subscription "
                + subscription
                + " as ACTIVE: it has not ended, so no cancellation is booked.");

    paypal.putSubscription(subscription, "CANCELLED", next, "user-6");
    PaymentEvent e = single(deliver(body));
    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
    assertThat(e.entryKey())
        .isEqualTo("cancel:" + subscription + ":BILLING.SUBSCRIPTION.CANCELLED");
    assertThat(e.customerRef()).isEqualTo("user-6");
    assertThat(e.periodEnd()).isEqualTo(next);
  }
}
