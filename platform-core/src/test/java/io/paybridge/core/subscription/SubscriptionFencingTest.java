package io.paybridge.core.subscription;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.vertx.core.json.JsonObject;
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
 * The renewal and cancel-and-refund jobs write only while they hold their claim: a worker that
 * outlived its lease (a paused node, a gateway answering late) changes nothing that the worker
 * holding the job now decides; a tenant's own refresh, which is no job, always writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionFencingTest {

  private static final Instant END = Instant.parse("2027-01-07T00:00:00Z");
  private static final Instant NEXT = END.plus(Duration.ofDays(30));

  private TestDatabase db;
  private SubscriptionStore store;
  private JobQueue jobs;

  @BeforeAll
  void start() {
    db = TestDatabase.open("subscription_fencing");
    store = new SubscriptionStore(db.pool());
    jobs = new JobQueue(db.pool());
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void aRenewalJobThatLostItsClaimRecordsNothing() {
    UUID tenant = db.tenant();
    Job late = claimNew(tenant);
    expire(late);
    Job current = claim(tenant);

    assertThat(record(tenant, END, late)).isNull();
    assertThat(await(store.markRenewalChecked(late, tenant, "stripe", "sub_1"))).isFalse();
    assertThat(db.count("SELECT count(*) FROM subscriptions WHERE tenant_id = $1", tenant))
        .isZero();

    assertThat(record(tenant, END, current).subscription().status()).isEqualTo("active");
    assertThat(await(store.markRenewalChecked(current, tenant, "stripe", "sub_1"))).isTrue();

    // a later period end seen by the late worker is not a renewal it may book
    assertThat(record(tenant, NEXT, late)).isNull();
    assertThat(
            db.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1"
                    + " AND kind = 'RECURRING_RENEWED'",
                tenant))
        .isZero();
    // a tenant's own refresh is no job and always records
    assertThat(record(tenant, NEXT, null).renewed()).isTrue();
  }

  @Test
  void aCancelJobThatLostItsClaimMarksNothing() {
    UUID tenant = db.tenant();
    await(store.register(tenant, "stripe", "sub_2", "member-2"));
    Job late = claimNew(tenant);
    expire(late);
    Job current = claim(tenant);

    assertThat(await(store.markCancelled(late, tenant, "stripe", "sub_2"))).isFalse();
    assertThat(await(store.find(tenant, "stripe", "sub_2")).status()).isEqualTo("active");
    assertThat(await(store.markCancelled(current, tenant, "stripe", "sub_2"))).isTrue();
    assertThat(await(store.find(tenant, "stripe", "sub_2")).status()).isEqualTo("cancelled");
  }

  private SubscriptionStore.GatewayState record(UUID tenant, Instant end, Job fence) {
    return await(
        store.recordGatewayState(tenant, "stripe", "sub_1", true, end, Instant.now(), fence));
  }

  private Job claimNew(UUID tenant) {
    await(
        JobQueue.enqueue(db.pool(), "fencing_test", tenant, null, new JsonObject(), Duration.ZERO));
    return claim(tenant);
  }

  private Job claim(UUID tenant) {
    return await(jobs.claim(List.of("fencing_test"), 50, "n", Duration.ofMinutes(1))).stream()
        .filter(j -> tenant.equals(j.tenantId()))
        .findFirst()
        .orElseThrow();
  }

  private void expire(Job job) {
    await(
        db.pool()
            .preparedQuery(
                "UPDATE jobs SET run_at = now() - interval '1 second',"
                    + " lease_expires_at = now() - interval '1 second' WHERE id = $1")
            .execute(Tuple.of(job.id())));
  }
}
