package io.paybridge.core.checkout;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The checkouts use case over a real database and a scripted gateway: every bad field named at
 * once, one checkout per idempotency key whatever happens to the gateway's answers, the gateway
 * idempotency key the same on every try, listings, and an intent named once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutsTest {

  private CheckoutFixture fx;

  @BeforeAll
  void start() {
    fx = new CheckoutFixture("checkouts");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void everyBadFieldIsNamedAtOnceAndNothingIsStarted() {
    UUID tenant = fx.tenant();
    int starts = fx.gateway.starts.size();
    assertThatThrownBy(
            () ->
                await(
                    fx.checkouts.create(
                        tenant,
                        "",
                        new NewCheckout("nosuch", "", 0L, "EUX", "x".repeat(501), "ftp://x"))))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            invalid ->
                assertThat(invalid.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly(
                        "Idempotency-Key",
                        "gateway",
                        "customerRef",
                        "amount",
                        "currency",
                        "description",
                        "returnUrl"));
    // a gateway that cannot start checkouts, and one the tenant has not connected
    assertThatThrownBy(() -> await(fx.checkouts.create(tenant, "k", request("plainpay", 100))))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            invalid ->
                assertThat(invalid.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("cannot start checkouts")));
    assertThatThrownBy(() -> await(fx.checkouts.create(fx.db.tenant(), "k", request("tillpay", 1))))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("gateway_not_connected"));
    assertThat(fx.gateway.starts).hasSize(starts);
  }

  @Test
  void oneCheckoutPerKeyAndTheSameKeyForAnotherRequestIsRefused() {
    UUID tenant = fx.tenant();
    Checkout first = await(fx.checkouts.create(tenant, "order-1", request("tillpay", 1_250)));
    Checkout again = await(fx.checkouts.create(tenant, "order-1", request("tillpay", 1_250)));

    assertThat(first.status()).isEqualTo(Checkout.OPEN);
    assertThat(first.currency()).isEqualTo("EUR");
    assertThat(first.client().getString("clientSecret")).startsWith(first.reference());
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.client()).isEqualTo(first.client());
    List<CheckoutRequest> sent = startsOf(first.id());
    assertThat(sent).singleElement();
    assertThat(sent.get(0).idempotencyKey()).isEqualTo("paybridge-checkout-" + first.id());
    assertThat(sent.get(0).webhookUrl())
        .startsWith("https://pay.example.com/hooks/")
        .endsWith("/tillpay");
    assertThatThrownBy(
            () -> await(fx.checkouts.create(tenant, "order-1", request("tillpay", 9_999))))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class,
            r -> {
              assertThat(r.code()).isEqualTo("idempotency_key_reused");
              assertThat(r.kind()).isEqualTo(Refused.Kind.CONFLICT);
            });
    // another tenant's request with the same key is its own checkout
    Checkout theirs = await(fx.checkouts.create(fx.tenant(), "order-1", request("tillpay", 1_250)));
    assertThat(theirs.id()).isNotEqualTo(first.id());
  }

  @Test
  void aStartTheGatewayDidNotAnswerIsTriedAgainUnderTheSameKey() {
    UUID tenant = fx.tenant();
    fx.gateway.nextStart(
        r -> Future.failedFuture(new GatewayApiException("tillpay", "open", 503, "overloaded")));

    Checkouts.NotStarted failed =
        failure(
            () -> await(fx.checkouts.create(tenant, "order-2", request("tillpay", 300))),
            Checkouts.NotStarted.class);
    assertThat(failed.getCause()).isInstanceOf(GatewayApiException.class);
    UUID id = failed.checkout().id();
    assertThat(failed.checkout().status()).isEqualTo(Checkout.FAILED_TO_START);
    assertThat(await(fx.checkouts.get(tenant, id)).checkout().lastError()).contains("overloaded");

    // the same request again starts it, with the same gateway idempotency key
    Checkout retried = await(fx.checkouts.create(tenant, "order-2", request("tillpay", 300)));
    assertThat(retried.id()).isEqualTo(id);
    assertThat(retried.status()).isEqualTo(Checkout.OPEN);
    assertThat(startsOf(id))
        .hasSize(2)
        .extracting(CheckoutRequest::idempotencyKey)
        .containsOnly("paybridge-checkout-" + id);
    // and once open, a repeat asks the gateway nothing
    await(fx.checkouts.create(tenant, "order-2", request("tillpay", 300)));
    assertThat(startsOf(id)).hasSize(2);
  }

  @Test
  void aStartTheGatewayRefusedFailsTheCheckoutForGood() {
    UUID tenant = fx.tenant();
    fx.gateway.nextStart(
        r ->
            Future.failedFuture(
                new GatewayApiException("tillpay", "open", 400, "currency not enabled")));
    Checkout refused = await(fx.checkouts.create(tenant, "order-3", request("tillpay", 300)));
    assertThat(refused.status()).isEqualTo(Checkout.FAILED);
    assertThat(refused.failureCode()).isEqualTo("gateway_refused");
    assertThat(refused.failureMessage()).contains("currency not enabled");
    assertThat(await(fx.checkouts.create(tenant, "order-3", request("tillpay", 300))).status())
        .isEqualTo(Checkout.FAILED);
    assertThat(startsOf(refused.id())).hasSize(1);

    fx.gateway.nextStart(
        r -> Future.failedFuture(new PermanentGatewayException("tillpay", "open", "no API key")));
    Checkout incomplete = await(fx.checkouts.create(tenant, "order-4", request("tillpay", 300)));
    assertThat(incomplete.failureCode()).isEqualTo("account_incomplete");
  }

  @Test
  void aRequestWhileAnotherIsStartingTheSameCheckoutIsToldToWait() {
    UUID tenant = fx.tenant();
    Promise<StartedCheckout> answer = Promise.promise();
    fx.gateway.nextStart(r -> answer.future());
    Future<Checkout> first = fx.checkouts.create(tenant, "order-5", request("tillpay", 600));
    waitUntil(() -> fx.count("SELECT count(*) FROM checkouts WHERE tenant_id = $1", tenant) == 1);

    assertThatThrownBy(() -> await(fx.checkouts.create(tenant, "order-5", request("tillpay", 600))))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("checkout_starting"));
    answer.complete(new StartedCheckout("tp_slow", new JsonObject().put("clientSecret", "s")));
    assertThat(await(first).reference()).isEqualTo("tp_slow");
    assertThat(
            fx.gateway.starts.stream()
                .filter(r -> r.idempotencyKey().endsWith(await(first).id().toString())))
        .hasSize(1);
  }

  @Test
  void checkoutsListNewestFirstByPageAndFilter() {
    UUID tenant = fx.tenant();
    Checkout a = await(fx.checkouts.create(tenant, "l-1", request("tillpay", 100)));
    Checkout b = await(fx.checkouts.create(tenant, "l-2", request("tillpay", 200)));
    Checkout c = await(fx.checkouts.create(tenant, "l-3", request("tillpay", 300)));

    Page<Checkout, UUID> first =
        await(fx.checkouts.list(tenant, CheckoutStore.Filter.NONE, null, 2));
    assertThat(first.items()).extracting(Checkout::id).containsExactly(c.id(), b.id());
    assertThat(first.hasMore()).isTrue();
    assertThat(first.items()).allSatisfy(x -> assertThat(x.client()).isNull());
    Page<Checkout, UUID> second =
        await(fx.checkouts.list(tenant, CheckoutStore.Filter.NONE, first.next(), 2));
    assertThat(second.items()).extracting(Checkout::id).containsExactly(a.id());
    assertThat(second.hasMore()).isFalse();

    assertThat(
            await(
                    fx.checkouts.list(
                        tenant, new CheckoutStore.Filter("tillpay", "paid", null), null, 10))
                .items())
        .isEmpty();
    assertThat(
            await(
                    fx.checkouts.list(
                        tenant, new CheckoutStore.Filter(null, null, "member-9"), null, 10))
                .items())
        .hasSize(3);
    // another tenant sees none of them, and cannot page from one of them
    assertThat(await(fx.checkouts.list(fx.tenant(), CheckoutStore.Filter.NONE, null, 10)).items())
        .isEmpty();
    assertThatThrownBy(
            () -> await(fx.checkouts.list(fx.tenant(), CheckoutStore.Filter.NONE, a.id(), 10)))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
    assertThatThrownBy(
            () ->
                await(
                    fx.checkouts.list(
                        tenant, new CheckoutStore.Filter(null, "lost", null), null, 10)))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
    assertThatThrownBy(() -> await(fx.checkouts.get(fx.tenant(), a.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.kind()).isEqualTo(Refused.Kind.NOT_FOUND));
  }

  @Test
  void anIntentIsNamedOnceForACheckoutWhoseGatewayGaveNone() {
    UUID tenant = fx.tenant();
    fx.gateway.nextStart(r -> Future.succeededFuture(new StartedCheckout(r.checkoutId(), null)));
    Checkout wallet = await(fx.checkouts.create(tenant, "w-1", request("tillpay", 500)));
    assertThat(wallet.reference()).isEqualTo(wallet.id().toString());

    assertThat(await(fx.checkouts.registerIntent(tenant, wallet.id(), "intent-1")).reference())
        .isEqualTo("intent-1");
    assertThat(await(fx.checkouts.registerIntent(tenant, wallet.id(), "intent-1")).reference())
        .isEqualTo("intent-1");
    assertRefused(
        () -> fx.checkouts.registerIntent(tenant, wallet.id(), "intent-2"),
        "reference_already_set");
    // an intent another checkout has, a checkout whose gateway named its payment, another tenant
    fx.gateway.nextStart(r -> Future.succeededFuture(new StartedCheckout(r.checkoutId(), null)));
    Checkout second = await(fx.checkouts.create(tenant, "w-2", request("tillpay", 500)));
    assertRefused(
        () -> fx.checkouts.registerIntent(tenant, second.id(), "intent-1"), "intent_in_use");
    Checkout card = await(fx.checkouts.create(tenant, "w-3", request("tillpay", 500)));
    assertRefused(
        () -> fx.checkouts.registerIntent(tenant, card.id(), "intent-3"), "reference_already_set");
    assertRefused(
        () -> fx.checkouts.registerIntent(fx.tenant(), second.id(), "intent-4"), "not_found");
    assertThatThrownBy(() -> await(fx.checkouts.registerIntent(tenant, second.id(), "bad\nid")))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
  }

  // ---- helpers

  private static NewCheckout request(String gateway, long amount) {
    return new NewCheckout(gateway, "member-9", amount, "eur", "Desk, March", null);
  }

  private List<CheckoutRequest> startsOf(UUID id) {
    return fx.gateway.starts.stream().filter(r -> r.checkoutId().equals(id.toString())).toList();
  }

  private static void assertRefused(java.util.function.Supplier<Future<?>> call, String code) {
    assertThatThrownBy(() -> await(call.get()))
        .rootCause()
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.code()).isEqualTo(code));
  }

  private static <T extends Throwable> T failure(Runnable call, Class<T> type) {
    try {
      call.run();
    } catch (Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (type.isInstance(c)) {
          return type.cast(c);
        }
      }
      throw new AssertionError("expected a " + type.getSimpleName(), t);
    }
    throw new AssertionError("expected a failure");
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("the condition did not come true");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
