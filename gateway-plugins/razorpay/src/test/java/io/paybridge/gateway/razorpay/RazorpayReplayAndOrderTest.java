package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replays of one signed body are one event whatever the unsigned headers say, and events that
 * reverse each other (a refund and its failure, a dispute and its win) net out in any order, as the
 * ledger's {@code ON CONFLICT DO NOTHING} on the entry key books them.
 */
class RazorpayReplayAndOrderTest {

  private static final String SECRET = "replay-test-secret";

  private final RazorpayPlugin plugin = new RazorpayPlugin();
  private final RazorpaySimulator razorpay = new RazorpaySimulator(SECRET);
  private final Credentials account = razorpay.credentials();

  private ParsedWebhook authentic(WebhookRequest request) {
    try {
      assertThat(
              plugin
                  .verify(request, account)
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS)
                  .authentic())
          .isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return plugin.parse(request, account);
  }

  // ---- replays under fresh, unsigned event ids

  @Test
  void oneSignedBodyUnderTwoEventIdHeadersHasOneDedupeKey() {
    // GIVEN a captured signed delivery
    String body = razorpay.paymentCaptured("pay_R1", 50_000, "INR", "user-1");

    // WHEN a forger replays it under a fresh x-razorpay-event-id (the header is not signed)
    ParsedWebhook original = authentic(razorpay.request(body, "evt_Original0001"));
    ParsedWebhook replay = authentic(razorpay.request(body, "evt_Forged000001"));
    ParsedWebhook noHeader = authentic(razorpay.request(body, null));

    // THEN all are one event for the receipt log, and book one ledger entry
    assertThat(replay.eventId()).isEqualTo(original.eventId()).isEqualTo(noHeader.eventId());
    assertThat(replay.eventId()).doesNotContain("evt_");
    assertThat(replay.events()).isEqualTo(original.events());
    assertThat(replay).isEqualTo(original);
  }

  @Test
  void everyKindOfDeliveryIgnoresTheHeader() {
    for (String body :
        List.of(
            razorpay.refundEvent("refund.failed", "rfnd_R2", "pay_R2", 1_000, "INR"),
            razorpay.disputeEvent("payment.dispute.won", "disp_R3", "pay_R3", 1_000, "INR"),
            razorpay.subscriptionCancelled("sub_R4"),
            razorpay.paymentFailed("pay_R5", 1_000, "INR"))) {
      assertThat(authentic(razorpay.request(body, "evt_A")))
          .isEqualTo(authentic(razorpay.request(body, "evt_B")));
    }
  }

  @Test
  void distinctEventsOnOneEntityHaveDistinctKeys() {
    // GIVEN one subscription halted, resumed and halted again: same type, same entity
    JsonObject first =
        new JsonObject(razorpay.subscriptionEvent("subscription.halted", "sub_R6", "halted"));
    JsonObject second = first.copy().put("created_at", first.getLong("created_at") + 86_400);

    ParsedWebhook a = authentic(razorpay.request(first.encode(), null));
    ParsedWebhook b = authentic(razorpay.request(second.encode(), null));

    // THEN the event's own creation time tells them apart
    assertThat(a.eventId()).isNotEqualTo(b.eventId());
    // AND a payment's capture and its refund are different events too
    assertThat(
            authentic(razorpay.request(razorpay.paymentCaptured("pay_R7", 1_000, "INR", null), "x"))
                .eventId())
        .isNotEqualTo(
            authentic(
                    razorpay.request(
                        razorpay.refundProcessed("rfnd_R7", "pay_R7", 1_000, "INR"), "x"))
                .eventId());
  }

  // ---- order independence of reversals

  /** The ledger as the platform keeps it: the first entry under a key wins. */
  private static long net(List<ParsedWebhook> deliveries) {
    Map<String, Long> ledger = new LinkedHashMap<>();
    for (ParsedWebhook parsed : deliveries) {
      for (PaymentEvent e : parsed.events()) {
        ledger.putIfAbsent(e.entryKey(), e.amountMinor());
      }
    }
    return ledger.values().stream().mapToLong(Long::longValue).sum();
  }

  private long netInEveryOrder(List<String> bodies) {
    List<ParsedWebhook> parsed = new ArrayList<>();
    for (String body : bodies) {
      parsed.add(authentic(razorpay.request(body, null)));
    }
    long net = net(parsed);
    List<ParsedWebhook> reversed = new ArrayList<>(parsed);
    Collections.reverse(reversed);
    assertThat(net(reversed)).as("the other way round").isEqualTo(net);
    return net;
  }

  @Test
  void aWonDisputeNetsToZeroWhicheverArrivesFirst() {
    String created =
        razorpay.disputeEvent("payment.dispute.created", "disp_R8", "pay_R8", 39_000, "INR");
    String won = razorpay.disputeEvent("payment.dispute.won", "disp_R8", "pay_R8", 39_000, "INR");

    assertThat(netInEveryOrder(List.of(created))).as("debited at onset").isEqualTo(-39_000L);
    assertThat(netInEveryOrder(List.of(created, won))).isZero();
    assertThat(netInEveryOrder(List.of(won))).as("the win alone").isZero();
  }

  @Test
  void aLostDisputeIsDebitedOnce() {
    String created =
        razorpay.disputeEvent("payment.dispute.created", "disp_R9", "pay_R9", 39_000, "INR");
    String review =
        razorpay.disputeEvent("payment.dispute.under_review", "disp_R9", "pay_R9", 39_000, "INR");
    String lost = razorpay.disputeEvent("payment.dispute.lost", "disp_R9", "pay_R9", 39_000, "INR");

    assertThat(netInEveryOrder(List.of(created, review, lost))).isEqualTo(-39_000L);
    assertThat(netInEveryOrder(List.of(lost))).isEqualTo(-39_000L);
  }

  @Test
  void aFailedRefundNetsToZeroWhicheverArrivesFirst() {
    String processed =
        razorpay.refundEvent("refund.processed", "rfnd_R10", "pay_R10", 20_000, "INR");
    String failed = razorpay.refundEvent("refund.failed", "rfnd_R10", "pay_R10", 20_000, "INR");

    assertThat(netInEveryOrder(List.of(processed))).isEqualTo(-20_000L);
    assertThat(netInEveryOrder(List.of(processed, failed))).isZero();
    assertThat(netInEveryOrder(List.of(failed))).isZero();
  }

  @Test
  void aCapturedPaymentWithTwoRefundsOneFailedNetsToTheOther() {
    String captured = razorpay.paymentCaptured("pay_R11", 50_000, "INR", null);
    String first = razorpay.refundProcessed("rfnd_R11a", "pay_R11", 10_000, "INR");
    String second = razorpay.refundProcessed("rfnd_R11b", "pay_R11", 15_000, "INR");
    String secondFailed =
        razorpay.refundEvent("refund.failed", "rfnd_R11b", "pay_R11", 15_000, "INR");

    assertThat(netInEveryOrder(List.of(captured, first, second, secondFailed)))
        .isEqualTo(50_000L - 10_000L);
  }
}
