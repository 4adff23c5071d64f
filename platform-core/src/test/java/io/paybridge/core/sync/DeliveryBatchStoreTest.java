package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dispatcher's batched claims and outcomes against a real PostgreSQL: a claim takes a few
 * deliveries of each tenant and brings what an attempt needs; a batch records many outcomes in one
 * transaction; and a batch under claims that were lost changes nothing, a delivered delivery least
 * of all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryBatchStoreTest {

  private static final Duration HELD = Duration.ofMinutes(5);

  private SyncFixture sync;
  private DeliveryBatchStore batches;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("batches");
    batches = sync.store.batches();
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  /** A tenant with a webhook target and {@code n} recorded, fanned-out entries. */
  private SyncStore.Target tenantWith(int n) {
    UUID shop = sync.tenant();
    SyncStore.Target target = sync.webhook(shop, "https://" + shop + ".example/hook");
    sync.record(shop, n, true);
    await(sync.drain(1000));
    return target;
  }

  private List<DeliveryBatchStore.Claimed> claim(
      int max, int room, Map<UUID, Integer> rooms, Duration lease) {
    return await(batches.claim(max, "test", lease, room, rooms));
  }

  private static Map<UUID, Long> perTenant(List<DeliveryBatchStore.Claimed> claimed) {
    return claimed.stream()
        .collect(Collectors.groupingBy(c -> c.job().tenantId(), Collectors.counting()));
  }

  @Test
  void aClaimTakesAFewOfEveryTenantAndBringsWhatTheAttemptNeeds() {
    // GIVEN a tenant with a backlog of 60 deliveries and one with 3
    SyncStore.Target big = tenantWith(60);
    SyncStore.Target small = tenantWith(3);

    // WHEN a claim of 20 runs with 8 per tenant at most
    List<DeliveryBatchStore.Claimed> claimed = claim(20, 8, Map.of(), HELD);

    // THEN the small tenant's three are all in it, beside no more than 8 of the big one's
    Map<UUID, Long> counts = perTenant(claimed);
    assertThat(counts.get(small.tenantId())).isEqualTo(3);
    assertThat(counts.get(big.tenantId())).isLessThanOrEqualTo(8);
    // AND each comes with its delivery, its target (secret opened) and its entry
    DeliveryBatchStore.Claimed one =
        claimed.stream().filter(c -> c.job().tenantId().equals(small.tenantId())).findFirst().get();
    assertThat(one.delivery().target().id()).isEqualTo(small.id());
    assertThat(one.delivery().target().config().getString("secret")).startsWith("whsec_");
    assertThat(one.payment().id()).isEqualTo(one.delivery().entryId());
    assertThat(one.payment().amountMinor()).isEqualTo(100L);
    assertThat(one.job().claimToken()).isNotNull();

    // WHEN the big tenant is at its cap (room 0), a claim takes none of its deliveries
    assertThat(perTenant(claim(20, 8, Map.of(big.tenantId(), 0), HELD)))
        .doesNotContainKey(big.tenantId());
    // AND with room, it takes no more than that room
    assertThat(perTenant(claim(20, 8, Map.of(big.tenantId(), 2), HELD)).get(big.tenantId()))
        .isEqualTo(2);
  }

  @Test
  void manyOutcomesAreRecordedInOneTransaction() {
    // GIVEN 40 claimed deliveries of one tenant
    SyncStore.Target target = tenantWith(40);
    List<DeliveryBatchStore.Claimed> claimed =
        claim(100, 100, Map.of(target.tenantId(), 100), HELD).stream()
            .filter(c -> c.job().tenantId().equals(target.tenantId()))
            .toList();
    assertThat(claimed).hasSize(40);

    // WHEN 30 were delivered and 10 failed, recorded as one batch
    List<DeliveryBatchStore.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < claimed.size(); i++) {
      DeliveryBatchStore.Claimed c = claimed.get(i);
      outcomes.add(
          i < 30
              ? new DeliveryBatchStore.Outcome(
                  c.job(), c.delivery(), SyncStore.Attempt.delivered(200, 3, "n1"), null)
              : new DeliveryBatchStore.Outcome(
                  c.job(),
                  c.delivery(),
                  SyncStore.Attempt.failed(503, 3, "HTTP 503", "n1"),
                  Duration.ofSeconds(60)));
    }
    DeliveryBatchStore.Recorded recorded = await(batches.record(outcomes));

    // THEN every outcome was recorded, by one transaction (every row written has its xid)
    assertThat(recorded.heldJobs()).hasSize(40);
    assertThat(recorded.recordedDeliveries()).hasSize(40);
    Long[] ids = claimed.stream().map(c -> c.delivery().id()).toArray(Long[]::new);
    assertThat(
            sync.count(
                "SELECT count(DISTINCT xmin::text) FROM deliveries WHERE id = ANY($1)",
                (Object) ids))
        .isEqualTo(1);
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE id = ANY($1)" + " AND status = 'delivered'",
                (Object) ids))
        .isEqualTo(30);
    assertThat(
            sync.count(
                "SELECT count(*) FROM delivery_attempts WHERE delivery_id = ANY($1)", (Object) ids))
        .isEqualTo(40);
    // AND the delivered ones' entries are synced and their jobs gone; the failed ones wait
    assertThat(
            sync.count(
                "SELECT count(*) FROM ledger_entries l JOIN deliveries d"
                    + " ON d.entry_id = l.id WHERE d.id = ANY($1) AND l.synced_at IS NOT NULL",
                (Object) ids))
        .isEqualTo(30);
    assertThat(
            sync.count(
                "SELECT count(*) FROM jobs WHERE kind = 'deliver' AND ref_id = ANY($1)"
                    + " AND status = 'pending' AND run_at > now() + interval '50 seconds'"
                    + " AND claim_token IS NULL",
                (Object) ids))
        .isEqualTo(10);
    assertThat(sync.count("SELECT count(*) FROM jobs WHERE ref_id = ANY($1)", (Object) ids))
        .isEqualTo(10);
  }

  @Test
  void aLateBatchChangesNothingAndDeliveredStaysDelivered() {
    // GIVEN 10 deliveries whose claims a first node lost (its lease ran out) and a second node
    // took, and the second node's batch that delivered the first five
    SyncStore.Target target = tenantWith(10);
    List<DeliveryBatchStore.Claimed> lost =
        claim(100, 100, Map.of(target.tenantId(), 100), Duration.ZERO).stream()
            .filter(c -> c.job().tenantId().equals(target.tenantId()))
            .toList();
    List<DeliveryBatchStore.Claimed> held =
        claim(100, 100, Map.of(target.tenantId(), 100), HELD).stream()
            .filter(c -> c.job().tenantId().equals(target.tenantId()))
            .toList();
    assertThat(lost).hasSize(10);
    assertThat(held).hasSize(10);
    await(
        batches.record(
            held.subList(0, 5).stream()
                .map(
                    c ->
                        new DeliveryBatchStore.Outcome(
                            c.job(), c.delivery(), SyncStore.Attempt.delivered(200, 2, "n2"), null))
                .toList()));
    Long[] ids = held.stream().map(c -> c.delivery().id()).toArray(Long[]::new);

    // WHEN the first node's batch arrives late: all ten failed, and all ten "delivered"
    List<DeliveryBatchStore.Outcome> late = new ArrayList<>();
    for (DeliveryBatchStore.Claimed c : lost) {
      late.add(
          new DeliveryBatchStore.Outcome(
              c.job(),
              c.delivery(),
              SyncStore.Attempt.failed(null, 9, "timeout", "n1"),
              Duration.ZERO));
    }
    DeliveryBatchStore.Recorded failed = await(batches.record(late));
    DeliveryBatchStore.Recorded delivered =
        await(
            batches.record(
                lost.stream()
                    .map(
                        c ->
                            new DeliveryBatchStore.Outcome(
                                c.job(),
                                c.delivery(),
                                SyncStore.Attempt.delivered(200, 9, "n1"),
                                null))
                    .toList()));

    // THEN nothing was written: five delivered, five pending and running under the second claim
    assertThat(failed.heldJobs()).isEmpty();
    assertThat(failed.recordedDeliveries()).isEmpty();
    assertThat(delivered.heldJobs()).isEmpty();
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE id = ANY($1)" + " AND status = 'delivered'",
                (Object) ids))
        .isEqualTo(5);
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE id = ANY($1)" + " AND status = 'pending'",
                (Object) ids))
        .isEqualTo(5);
    assertThat(
            sync.count(
                "SELECT count(*) FROM delivery_attempts WHERE delivery_id = ANY($1)"
                    + " AND node = 'n1'",
                (Object) ids))
        .isZero();
    assertThat(
            sync.count(
                "SELECT count(*) FROM jobs WHERE ref_id = ANY($1) AND kind = 'deliver'"
                    + " AND status = 'running'",
                (Object) ids))
        .isEqualTo(5);

    // AND a failure arriving under the second node's own claim does not set a delivered one back
    DeliveryBatchStore.Claimed first = held.get(0);
    DeliveryBatchStore.Recorded again =
        await(
            batches.record(
                List.of(
                    new DeliveryBatchStore.Outcome(
                        first.job(),
                        first.delivery(),
                        SyncStore.Attempt.failed(500, 1, "HTTP 500", "n2"),
                        Duration.ZERO))));
    assertThat(again.recordedDeliveries()).isEmpty();
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE id = $1 AND status = 'delivered'",
                first.delivery().id()))
        .isEqualTo(1);
  }
}
