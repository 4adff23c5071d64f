package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * When more tenants have due deliveries than one claim can take one of each, the claim does not
 * always serve the lowest tenant ids first: it starts at a tenant id it is given (the dispatcher
 * gives a random one), and every tenant is served within a few claims.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryClaimRotationTest {

  private static final Duration HELD = Duration.ofMinutes(5);

  private SyncFixture sync;
  private DeliveryBatchStore batches;
  private final List<UUID> tenants = new ArrayList<>();

  @BeforeAll
  void start() {
    sync = SyncFixture.start("rotation");
    batches = sync.store.batches();
    for (int i = 0; i < 6; i++) {
      UUID shop = sync.tenant();
      sync.webhook(shop, "https://" + shop + ".example/hook");
      sync.record(shop, 2, true);
      tenants.add(shop);
    }
    await(sync.drain(1000));
    // PostgreSQL orders uuids byte by byte, as their text sorts; UUID.compareTo compares signed
    // halves and would not.
    tenants.sort(Comparator.comparing(UUID::toString));
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  private Set<UUID> claimedTenants(List<DeliveryBatchStore.Claimed> claimed) {
    return claimed.stream().map(c -> c.job().tenantId()).collect(Collectors.toSet());
  }

  @Test
  void aClaimThatCannotServeEveryTenantStartsWhereItIsTold() {
    // GIVEN six tenants with two due deliveries each, and claims of three

    // WHEN a claim starts at the fourth tenant's id
    var first = await(batches.claim(3, "test", HELD, 8, Map.of(), tenants.get(3)));

    // THEN it takes one delivery each of the fourth, fifth and sixth tenants
    assertThat(first).hasSize(3);
    assertThat(claimedTenants(first)).containsExactlyInAnyOrderElementsOf(tenants.subList(3, 6));

    // WHEN the next claim starts past the highest tenant id
    var second =
        await(
            batches.claim(
                3,
                "test",
                HELD,
                8,
                Map.of(),
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff")));

    // THEN it wraps around to the three lowest
    assertThat(claimedTenants(second)).containsExactlyInAnyOrderElementsOf(tenants.subList(0, 3));

    // WHEN a claim starts at the fifth tenant's id
    var third = await(batches.claim(3, "test", HELD, 8, Map.of(), tenants.get(4)));

    // THEN it takes the fifth and sixth tenants' last deliveries and goes on with the lowest
    assertThat(claimedTenants(third))
        .containsExactlyInAnyOrder(tenants.get(4), tenants.get(5), tenants.get(0));
    // AND the default claim (a random start) takes what is left, one of each tenant with work
    Set<UUID> rest = claimedTenants(await(batches.claim(3, "test", HELD, 8, Map.of())));
    assertThat(rest).hasSize(3).doesNotContain(tenants.get(4), tenants.get(5), tenants.get(0));
  }
}
