package io.paybridge.core.checkout;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Captures and cancellations of checkouts: the tenant's capture runs its first attempt at once and
 * books once; a gateway that cannot be reached is asked again under the same key by the job queue;
 * a capture that must wait or will never happen says so; a follow-up's cancellation releases the
 * authorization; a checkout no longer open is left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutCapturesTest {

  private CheckoutFixture fx;

  @BeforeAll
  void start() {
    fx = new CheckoutFixture("checkout_captures");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void aCaptureBooksOnceHoweverOftenItIsAskedFor() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-1", 4_200);

    Checkouts.CaptureResult captured = await(fx.checkouts.capture(tenant, checkout.id()));
    Checkouts.CaptureResult again = await(fx.checkouts.capture(tenant, checkout.id()));

    assertThat(captured.pending()).isFalse();
    assertThat(captured.checkout().status()).isEqualTo(Checkout.PAID);
    assertThat(again.checkout().status()).isEqualTo(Checkout.PAID);
    assertThat(capturesOf(checkout))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.idempotencyKey()).isEqualTo("paybridge-capture-" + checkout.id());
              assertThat(r.reference()).isEqualTo(checkout.reference());
              assertThat(r.amountMinor()).isEqualTo(4_200);
            });
    assertThat(fx.balance(tenant, "member-1")).isEqualTo(4_200);
    assertThat(fx.syncWakes.get()).isPositive();
    assertThat(
            fx.count("SELECT count(*) FROM jobs WHERE dedupe_key = $1", checkout.id().toString()))
        .isZero();
    // the gateway's webhook for the capture books nothing more
    fx.record(
        tenant,
        new ParsedWebhook(
            "evt_captured",
            "payment_intent.succeeded",
            List.of(
                PaymentEvent.builder(
                        EventKind.PAYMENT, "payment:" + checkout.reference(), Instant.now())
                    .amount(4_200, "EUR")
                    .externalPaymentId(checkout.reference())
                    .build())));
    assertThat(fx.balance(tenant, "member-1")).isEqualTo(4_200);
    // another tenant cannot capture it
    assertThatThrownBy(() -> await(fx.checkouts.capture(fx.tenant(), checkout.id())))
        .rootCause()
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.code()).isEqualTo("not_found"));
  }

  @Test
  void aGatewayThatCannotBeReachedIsAskedAgainUnderTheSameKey() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-2", 1_000);
    // the gateway captures, but its answer is lost; then it is overloaded once
    fx.gateway.nextCapture(
        r -> Future.failedFuture(new GatewayApiException("tillpay", "capture", 0, "timed out")));
    fx.gateway.nextCapture(
        r ->
            Future.failedFuture(new GatewayApiException("tillpay", "capture", 502, "bad gateway")));

    Checkouts.CaptureResult pending = await(fx.checkouts.capture(tenant, checkout.id()));
    assertThat(pending.pending()).isTrue();
    assertThat(pending.checkout().status()).isEqualTo(Checkout.OPEN);
    assertThat(pending.checkout().lastError()).contains("timed out");
    // a second request while the job waits to retry: under way, nothing asked
    assertThat(await(fx.checkouts.capture(tenant, checkout.id())).pending()).isTrue();
    assertThat(capturesOf(checkout)).hasSize(1);

    // the job queue retries: once more unavailable, then captured
    assertThat(retry(tenant, checkout)).isInstanceOf(JobResult.Retry.class);
    assertThat(retry(tenant, checkout)).isInstanceOf(JobResult.Done.class);
    assertThat(capturesOf(checkout))
        .hasSize(3)
        .extracting(CaptureRequest::idempotencyKey)
        .containsOnly("paybridge-capture-" + checkout.id());
    assertThat(fx.balance(tenant, "member-2")).isEqualTo(1_000);
    assertThat(await(fx.store.find(tenant, checkout.id())).status()).isEqualTo(Checkout.PAID);
  }

  @Test
  void aCaptureThatMustWaitOrWillNeverHappenSaysSo() {
    UUID tenant = fx.tenant();
    Checkout waiting = open(tenant, "member-3", 700);
    fx.gateway.nextCapture(
        r -> Future.succeededFuture(CaptureOutcome.waiting("review_open", "a review is open")));
    assertThatThrownBy(() -> await(fx.checkouts.capture(tenant, waiting.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class,
            r -> {
              assertThat(r.code()).isEqualTo("capture_waiting");
              assertThat(r.getMessage()).contains("a review is open");
            });
    assertThat(await(fx.store.find(tenant, waiting.id())).status()).isEqualTo(Checkout.OPEN);

    Checkout expired = open(tenant, "member-3", 800);
    fx.gateway.nextCapture(
        r ->
            Future.succeededFuture(
                CaptureOutcome.failed("charge_expired_for_capture", "the authorization expired")));
    Checkout failed = await(fx.checkouts.capture(tenant, expired.id())).checkout();
    assertThat(failed.status()).isEqualTo(Checkout.FAILED);
    assertThat(failed.failureCode()).isEqualTo("charge_expired_for_capture");
    assertThatThrownBy(() -> await(fx.checkouts.capture(tenant, expired.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("not_capturable"));

    Checkout refused = open(tenant, "member-3", 900);
    fx.gateway.nextCapture(
        r -> Future.failedFuture(new GatewayApiException("tillpay", "capture", 400, "bad amount")));
    assertThatThrownBy(() -> await(fx.checkouts.capture(tenant, refused.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("capture_refused"));
    assertThat(fx.balance(tenant, "member-3")).isZero();
  }

  @Test
  void aFollowUpCancellationReleasesTheAuthorizationOnce() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-4", 1_100);
    fx.record(
        tenant,
        ParsedWebhook.ignored("evt_review", "review.closed", "refunded_as_fraud: cancel")
            .withFollowUps(
                List.of(FollowUp.cancel(checkout.reference(), "review refunded_as_fraud"))));
    Job job = fx.claim(CheckoutAttemptStore.CANCEL, tenant).get(0);

    assertThat(await(fx.captures.handle(job))).isInstanceOf(JobResult.Done.class);
    Checkout cancelled = await(fx.store.find(tenant, checkout.id()));
    assertThat(cancelled.status()).isEqualTo(Checkout.CANCELLED);
    assertThat(cancelled.failureMessage()).isEqualTo("review refunded_as_fraud");
    assertThat(fx.gateway.cancels)
        .filteredOn(r -> r.checkoutId().equals(checkout.id().toString()))
        .singleElement()
        .satisfies(
            r -> assertThat(r.idempotencyKey()).isEqualTo("paybridge-cancel-" + checkout.id()));
    // the job running again, or a capture job for it, asks the gateway nothing
    assertThat(await(fx.captures.handle(job))).isInstanceOf(JobResult.Done.class);
    assertThat(
            fx.gateway.cancels.stream()
                .filter(r -> r.checkoutId().equals(checkout.id().toString())))
        .hasSize(1);
    assertThatThrownBy(() -> await(fx.checkouts.capture(tenant, checkout.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("not_capturable"));
    assertThat(fx.balance(tenant, "member-4")).isZero();
  }

  // ---- helpers

  private Checkout open(UUID tenant, String customerRef, long amount) {
    return await(
        fx.checkouts.create(
            tenant,
            "k-" + UUID.randomUUID(),
            new NewCheckout("tillpay", customerRef, amount, "EUR", null, null)));
  }

  private List<CaptureRequest> capturesOf(Checkout checkout) {
    return fx.gateway.captures.stream()
        .filter(r -> r.checkoutId().equals(checkout.id().toString()))
        .toList();
  }

  /** Makes the checkout's waiting capture job due, claims it and runs it as a worker would. */
  private JobResult retry(UUID tenant, Checkout checkout) {
    await(
        fx.db
            .pool()
            .preparedQuery("UPDATE jobs SET run_at = now() WHERE dedupe_key = $1 AND kind = $2")
            .execute(
                io.vertx.sqlclient.Tuple.of(
                    checkout.id().toString(), CheckoutAttemptStore.CAPTURE)));
    Job job = fx.claim(CheckoutAttemptStore.CAPTURE, tenant).get(0);
    JobResult result = await(fx.captures.handle(job));
    await(fx.jobs.finish(job, result, Duration.ofMinutes(5)));
    return result;
  }
}
