package io.paybridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How the dispatcher shares a node's slots: a tenant never holds more than its share, claims skip a
 * tenant at its cap, a target never has more requests under way than its limit, and the limit grows
 * while the receiver answers and halves when it struggles.
 */
class DispatchSlotsTest {

  private static DispatchSettings settings(int slots, int min, int max, int share) {
    return new DispatchSettings(slots, min, max, share, 64, Duration.ofMillis(5));
  }

  @Test
  void aTenantAtItsShareIsSkippedByTheNextClaim() {
    // GIVEN 32 slots, a tenant whose receiver is slow holding its share of them, beside another
    DispatchSlots slots = new DispatchSlots(settings(32, 32, 32, 4));
    UUID slow = UUID.randomUUID();
    UUID fast = UUID.randomUUID();
    slots.claimed(fast);
    slots.claimed(slow);
    slots.submit(UUID.nameUUIDFromBytes(slow.toString().getBytes()), slow, () -> {});
    int cap = slots.tenantCap();
    for (int i = 1; i < cap; i++) {
      slots.claimed(slow);
      slots.submit(UUID.nameUUIDFromBytes(slow.toString().getBytes()), slow, () -> {});
    }

    // THEN the next claim may take none of the slow tenant's and some of the other's, and a
    // tenant with nothing under way may still come in
    assertThat(cap).isEqualTo(32 / 3);
    assertThat(slots.rooms().get(slow)).isZero();
    assertThat(slots.rooms().get(fast)).isPositive();
    assertThat(slots.newcomerRoom()).isPositive();
    assertThat(slots.free()).isEqualTo(32 - cap - 1);
  }

  @Test
  void aTenantNeverGetsLessThanItsLeastShare() {
    DispatchSlots slots = new DispatchSlots(settings(16, 1, 8, 6));
    List<UUID> tenants = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      UUID t = UUID.randomUUID();
      tenants.add(t);
      slots.claimed(t);
    }
    // 16 / 11 would be 1; the least share wins
    assertThat(slots.tenantCap()).isEqualTo(6);
  }

  @Test
  void aTargetNeverHasMoreRequestsUnderWayThanItsLimit() {
    // GIVEN a target with a limit of two, and five deliveries for it
    DispatchSlots slots = new DispatchSlots(settings(64, 2, 4, 8));
    UUID tenant = UUID.randomUUID();
    UUID target = UUID.randomUUID();
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      slots.claimed(tenant);
      slots.submit(target, tenant, () -> started.add(n));
    }
    // THEN two start, the rest wait, and no claim takes more of that tenant than the lane holds
    assertThat(started).containsExactly(0, 1);
    assertThat(slots.inFlight(target)).isEqualTo(2);
    assertThat(slots.rooms().get(tenant)).isZero();

    // WHEN one is delivered, the limit grows by one: two more start
    slots.finished(target, true, false);
    assertThat(slots.limit(target)).isEqualTo(3);
    assertThat(started).containsExactly(0, 1, 2, 3);
    assertThat(slots.inFlight(target)).isEqualTo(3);

    // WHEN one fails under load, the limit halves (not below the least) and nothing new starts
    slots.finished(target, false, true);
    assertThat(slots.limit(target)).isEqualTo(2);
    assertThat(started).hasSize(4);
    assertThat(slots.inFlight(target)).isEqualTo(2);

    // WHEN a 4xx other than 429 comes back, the limit stays
    slots.finished(target, false, false);
    assertThat(slots.limit(target)).isEqualTo(2);
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(slots.inFlight(target)).isLessThanOrEqualTo(slots.limit(target));
  }

  @Test
  void theLimitNeverPassesTheMostAllowed() {
    DispatchSlots slots = new DispatchSlots(settings(64, 1, 3, 8));
    UUID tenant = UUID.randomUUID();
    UUID target = UUID.randomUUID();
    for (int i = 0; i < 20; i++) {
      slots.claimed(tenant);
      slots.submit(target, tenant, () -> {});
      slots.finished(target, true, false);
      slots.released(tenant);
    }
    assertThat(slots.limit(target)).isEqualTo(3);
    assertThat(slots.held()).isZero();
    assertThat(slots.held(tenant)).isZero();
  }
}
