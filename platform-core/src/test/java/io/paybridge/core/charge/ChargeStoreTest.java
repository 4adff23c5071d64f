package io.paybridge.core.charge;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.StoredPaymentMethods.ChargeOutcome;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Charges on a real database: one charge per idempotency key, the stored method sealed and copied
 * into the charge, and every write of an attempt fenced by its job's claim, so an attempt that
 * outlived its lease changes nothing and a settled charge stays settled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChargeStoreTest {

  private TestDatabase db;
  private Pool pool;
  private ChargeStore store;
  private JobQueue jobs;

  @BeforeAll
  void start() {
    db = TestDatabase.open("charges");
    pool = db.pool();
    store = new ChargeStore(db.pool(), db.vault());
    jobs = new JobQueue(pool);
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void oneChargePerKeyWithTheMethodItWasMadeWith() {
    UUID tenant = tenant();
    await(store.saveMethod(tenant, "m-1", "stripe", "cus_A", "pm_A", "visa", "4242"));

    ChargeStore.Created first = create(tenant, "m-1", "key-1", 500);
    await(store.saveMethod(tenant, "m-1", "stripe", "cus_B", "pm_B", "visa", "1111"));
    ChargeStore.Created again = create(tenant, "m-1", "key-1", 500);

    assertThat(first.fresh()).isTrue();
    assertThat(again.fresh()).isFalse();
    assertThat(again.charge().id()).isEqualTo(first.charge().id());
    assertThat(count("SELECT count(*) FROM charges WHERE tenant_id = $1", tenant)).isEqualTo(1);
    // every attempt sends the method the charge was made with, not the one stored since
    ChargeStore.Attempt attempt = await(store.attempt(first.charge().id()));
    assertThat(attempt.customer()).isEqualTo("cus_A");
    assertThat(attempt.paymentMethod()).isEqualTo("pm_A");
    // sealed at rest
    assertThat(
            count(
                "SELECT count(*) FROM payment_methods WHERE tenant_id = $1"
                    + " AND position('pm_B'::bytea in sealed) > 0",
                tenant))
        .isZero();
    // no stored method: no charge
    assertThat(create(tenant(), "m-1", "key-2", 500)).isNull();
  }

  @Test
  void aSuccessBooksOnceAndALateAttemptChangesNothing() {
    UUID tenant = tenant();
    await(store.saveMethod(tenant, "m-2", "stripe", "cus_C", "pm_C", null, null));
    ChargeStore.Created created = create(tenant, "m-2", "key-3", 700);
    Job first = created.firstAttempt();
    UUID id = created.charge().id();

    // GIVEN the first attempt's lease ran out and another worker took the job over
    expireLease(first);
    List<Job> taken =
        await(jobs.claim(List.of(ChargeStore.JOB_KIND), 10, "other", Duration.ofMinutes(2)));
    Job second = taken.stream().filter(j -> j.id() == first.id()).findFirst().orElseThrow();

    // WHEN the first attempt's late answer (a decline) arrives: it changes nothing
    assertThat(await(store.settle(first, id, ChargeOutcome.failed("pi_1", "card_declined", "no"))))
        .isFalse();
    assertThat(await(store.note(first, id, "pi_1", "late"))).isFalse();
    assertThat(await(store.find(tenant, id)).status()).isEqualTo(Charge.PENDING);

    // AND the attempt holding the claim settles it, booking the payment with its sync job
    assertThat(await(store.settle(second, id, success("pi_1", 700)))).isTrue();
    assertThat(await(store.find(tenant, id)).status()).isEqualTo(Charge.SUCCEEDED);
    assertThat(entries(tenant)).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE kind = 'sync' AND ref_id IN"
                    + " (SELECT id FROM ledger_entries WHERE tenant_id = $1)",
                tenant))
        .isEqualTo(1);

    // THEN a settled charge stays settled, and books nothing more
    assertThat(await(store.settle(second, id, ChargeOutcome.failed("pi_1", "x", "y")))).isFalse();
    assertThat(await(store.settle(second, id, success("pi_1", 700)))).isFalse();
    assertThat(await(store.find(tenant, id)).status()).isEqualTo(Charge.SUCCEEDED);
    assertThat(entries(tenant)).isEqualTo(1);
    assertThat(await(jobs.finish(second, JobResult.done(), Duration.ZERO))).isTrue();
  }

  private ChargeStore.Created create(UUID tenant, String ref, String key, long amount) {
    NewCharge request = new NewCharge(ref, amount, "EUR", null);
    return await(
        store.create(
            tenant, key, Charges.fingerprint(request), request, "test", Duration.ofMinutes(2)));
  }

  private static ChargeOutcome success(String intent, long amount) {
    return ChargeOutcome.succeeded(
        intent,
        PaymentEvent.builder(EventKind.PAYMENT, "payment:" + intent, Instant.now())
            .amount(amount, "EUR")
            .externalPaymentId(intent)
            .customerRef("m-2")
            .build());
  }

  private void expireLease(Job job) {
    await(
        pool.preparedQuery(
                "UPDATE jobs SET run_at = now() - interval '1 second',"
                    + " lease_expires_at = now() - interval '1 second' WHERE id = $1")
            .execute(Tuple.of(job.id())));
  }

  private long entries(UUID tenant) {
    return count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant);
  }

  private UUID tenant() {
    return db.tenant();
  }

  private long count(String sql, Object... params) {
    return db.count(sql, params);
  }
}
