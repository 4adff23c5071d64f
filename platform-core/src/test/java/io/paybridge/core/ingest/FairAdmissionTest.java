package io.paybridge.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Fair admission on a clock the test moves: each window of 100 ms, tenants offer deliveries evenly
 * over the window and each taken one is answered with the latency the test gives, as an event loop
 * that is quick or overloaded would.
 */
class FairAdmissionTest {

  private static final Duration TARGET = Duration.ofMillis(50);
  private static final long WINDOW = Duration.ofMillis(100).toNanos();
  private static final long FAST = Duration.ofMillis(5).toNanos();
  private static final long SLOW = Duration.ofMillis(200).toNanos();

  private final UUID flood = UUID.randomUUID();
  private final UUID quietA = UUID.randomUUID();
  private final UUID quietB = UUID.randomUUID();
  private long now = 1_000_000_000L;
  private FairAdmission admission = new FairAdmission(TARGET, () -> now);

  /** What each tenant had taken and refused in a run of windows. */
  private record Counts(Map<UUID, Integer> taken, Map<UUID, Integer> refused) {}

  /**
   * Runs {@code windows} windows in which each tenant offers its number of deliveries, spread
   * evenly, and every taken one is answered after {@code latency} (while the load the node takes is
   * above {@code capacity} a window; {@link #FAST} at or below it).
   */
  private Counts run(int windows, Map<UUID, Integer> offers, long latency, int capacity) {
    Map<UUID, Integer> taken = new LinkedHashMap<>();
    Map<UUID, Integer> refused = new LinkedHashMap<>();
    int total = offers.values().stream().mapToInt(Integer::intValue).sum();
    int takenLastWindow = total;
    for (int w = 0; w < windows; w++) {
      long step = WINDOW / total;
      int takenThisWindow = 0;
      Map<UUID, Integer> left = new LinkedHashMap<>(offers);
      for (int i = 0; i < total; i++) {
        // Round robin over the tenants with deliveries left this window.
        UUID tenant = null;
        for (Map.Entry<UUID, Integer> e : left.entrySet()) {
          if (e.getValue() > 0 && (tenant == null || e.getValue() > left.get(tenant))) {
            tenant = e.getKey();
          }
        }
        left.merge(tenant, -1, Integer::sum);
        now += step;
        if (admission.admit(tenant)) {
          taken.merge(tenant, 1, Integer::sum);
          takenThisWindow++;
          admission.answered(takenLastWindow > capacity ? latency : FAST);
        } else {
          refused.merge(tenant, 1, Integer::sum);
        }
      }
      now += WINDOW - step * total;
      takenLastWindow = takenThisWindow;
    }
    return new Counts(taken, refused);
  }

  @Test
  void aQuickNodeTakesEverythingHoweverUnevenTheTenants() {
    // GIVEN a node that answers quickly
    // WHEN one tenant offers 400 a window beside two offering 20
    Counts counts = run(30, Map.of(flood, 400, quietA, 20, quietB, 20), FAST, Integer.MAX_VALUE);

    // THEN every delivery was taken
    assertThat(counts.refused()).isEmpty();
    assertThat(counts.taken().get(flood)).isEqualTo(30 * 400);
    assertThat(admission.limit()).isEqualTo(-1);
  }

  @Test
  void anOverloadedLoopHoldsTheFloodToAShareAndTakesEveryQuietDelivery() {
    // GIVEN a node that answers slowly while it takes more than 150 a window
    // WHEN one tenant offers 400 a window beside two offering 20 each
    Counts counts = run(50, Map.of(flood, 400, quietA, 20, quietB, 20), SLOW, 150);

    // THEN the quiet tenants' deliveries were all taken
    assertThat(counts.refused()).doesNotContainKeys(quietA, quietB);
    assertThat(counts.taken().get(quietA)).isEqualTo(50 * 20);
    // AND the flood was refused most of its deliveries, the node held near what it can take
    assertThat(counts.refused().get(flood)).isGreaterThan(50 * 400 / 2);
    assertThat(admission.limit()).isBetween(FairAdmission.MIN_LIMIT, 200);
    assertThat(admission.refused()).isEqualTo(counts.refused().get(flood).longValue());
  }

  @Test
  void theFloodIsTakenInFullAgainOnceTheNodeIsQuick() {
    // GIVEN an overloaded node holding a flood back
    run(30, Map.of(flood, 400, quietA, 20), SLOW, 150);
    assertThat(admission.limit()).isPositive();

    // WHEN the node answers quickly again
    run(40, Map.of(flood, 400, quietA, 20), FAST, Integer.MAX_VALUE);

    // THEN the limit is lifted and every delivery of the last windows is taken
    assertThat(admission.limit()).isEqualTo(-1);
    Counts after = run(5, Map.of(flood, 400, quietA, 20), FAST, Integer.MAX_VALUE);
    assertThat(after.refused()).isEmpty();
  }

  @Test
  void withNoQuietTenantToProtectNothingIsRefused() {
    // GIVEN a node that is overloaded past 100 a window
    // WHEN one tenant alone bursts 400 a window
    Counts alone = run(30, Map.of(flood, 400), SLOW, 100);
    // AND, on another node, two tenants offer 200 a window each
    admission = new FairAdmission(TARGET, () -> now);
    Counts alike = run(30, Map.of(flood, 200, quietA, 200), SLOW, 100);

    // THEN every delivery was taken: refusing them would protect no one
    assertThat(alone.refused()).isEmpty();
    assertThat(alike.refused()).isEmpty();
  }

  @Test
  void aQuietTenantArrivingDuringAFloodIsTakenInFull() {
    // GIVEN an overloaded node, one tenant flooding alone
    run(20, Map.of(flood, 400), SLOW, 150);

    // WHEN a quiet tenant starts sending beside it
    Counts counts = run(30, Map.of(flood, 400, quietA, 20), SLOW, 150);

    // THEN the quiet tenant's deliveries were all taken, and the flood held back
    assertThat(counts.refused()).doesNotContainKey(quietA);
    assertThat(counts.refused().get(flood)).isGreaterThan(30 * 400 / 2);
  }

  @Test
  void manyTenantsSendingByChanceUnevenlyAreNotTakenForAFlood() {
    // GIVEN a node that is overloaded past 100 a window
    // WHEN 50 tenants offer between 2 and 9 a window each, differently from window to window
    Map<UUID, Integer> refused = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(7);
    UUID[] tenants = new UUID[50];
    for (int i = 0; i < tenants.length; i++) {
      tenants[i] = UUID.randomUUID();
    }
    for (int w = 0; w < 40; w++) {
      Map<UUID, Integer> offers = new LinkedHashMap<>();
      for (UUID t : tenants) {
        offers.put(t, 2 + random.nextInt(8));
      }
      run(1, offers, SLOW, 100).refused().forEach((t, n) -> refused.merge(t, n, Integer::sum));
    }

    // THEN none of them was refused: no one offered more than a flood's bar
    assertThat(refused).isEmpty();
  }

  @Test
  void tenantsThatStoppedSendingDoNotMakeTheOnesStillSendingLookLikeFloods() {
    // GIVEN 50 tenants sending a few deliveries a window each to a node overloaded past 100
    Map<UUID, Integer> many = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put(UUID.randomUUID(), 5);
    }
    run(20, many, SLOW, 100);

    // WHEN they stop and three others start at 60 a window each, the node still overloaded
    Counts three = run(30, Map.of(flood, 60, quietA, 60, quietB, 60), SLOW, 100);

    // THEN none of the three is refused: they are alike
    assertThat(three.refused()).isEmpty();
  }

  @Test
  void turnedOffItTakesEverythingAndKeepsNoState() {
    FairAdmission off = new FairAdmission(Duration.ZERO, () -> now);
    for (int i = 0; i < 10_000; i++) {
      now += 1_000;
      assertThat(off.admit(flood)).isTrue();
      off.answered(SLOW);
    }
    assertThat(off.limit()).isEqualTo(-1);
    assertThat(FairAdmission.OPEN.admit(flood)).isTrue();
  }
}
