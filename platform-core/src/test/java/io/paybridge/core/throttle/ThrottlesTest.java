package io.paybridge.core.throttle;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.throttle.ThrottleSettings.Limit;
import io.paybridge.core.throttle.Throttles.Reservation;
import io.paybridge.core.usecase.Throttled;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The throttles against a real PostgreSQL: reservations that hold under parallel attempts, limits
 * per pair, email and address that fill independently, successes given back, windows that end, and
 * expired counters purged.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlesTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private TestDatabase db;
  private AttemptStore store;

  @BeforeAll
  void start() {
    db = TestDatabase.open("throttles");
    store = new AttemptStore(db.pool());
  }

  @AfterAll
  void stop() {
    db.close();
  }

  private Throttles throttles(Limit pair, Limit email, Limit address) {
    return new Throttles(
        store,
        new ThrottleSettings(pair, email, address, new Limit(3, MINUTE), new Limit(3, MINUTE)));
  }

  private static String email() {
    return "owner-" + UUID.randomUUID() + "@example.com";
  }

  /** The attempts of {@code tries} that were reserved; the others must have been throttled. */
  private static long reserved(List<Future<Reservation>> tries) {
    await(Future.join(tries).otherwiseEmpty());
    tries.stream()
        .filter(Future::failed)
        .forEach(f -> assertThat(f.cause()).isInstanceOf(Throttled.class));
    return tries.stream().filter(Future::succeeded).count();
  }

  /** How an attempt was refused; fails the test when it was reserved. */
  private static Throttled refusal(Future<Reservation> attempt) {
    await(attempt.otherwiseEmpty());
    assertThat(attempt.cause()).isInstanceOf(Throttled.class);
    return (Throttled) attempt.cause();
  }

  @Test
  void parallelAttemptsNeverReserveMoreThanTheLimit() {
    // GIVEN ten attempts a minute per email and address
    Throttles throttles =
        throttles(new Limit(10, MINUTE), new Limit(50, MINUTE), new Limit(100, MINUTE));
    String email = email();
    // WHEN thirty attempts arrive at once
    List<Future<Reservation>> tries =
        IntStream.range(0, 30).mapToObj(i -> throttles.signIn(email, "192.0.2.1")).toList();
    // THEN ten are reserved and twenty refused, each saying to come back within the minute
    assertThat(reserved(tries)).isEqualTo(10);
    tries.stream()
        .filter(Future::failed)
        .map(f -> (Throttled) f.cause())
        .forEach(
            t -> {
              assertThat(t.retryAfter()).isPositive().isLessThanOrEqualTo(MINUTE);
              assertThat(t.retryAfterSeconds()).isBetween(1L, 60L);
            });
    // AND the refused ones counted nowhere
    assertThat(await(store.count("login:email:" + email))).isEqualTo(10);
    assertThat(await(store.count("login:ip:192.0.2.1"))).isEqualTo(10);
  }

  @Test
  void aFullPairLeavesTheOwnerAtAnotherAddressInAndASuccessForgivesThePair() {
    Throttles throttles =
        throttles(new Limit(3, MINUTE), new Limit(50, MINUTE), new Limit(100, MINUTE));
    String email = email();
    // GIVEN a pair that used up its attempts
    for (int i = 0; i < 3; i++) {
      await(throttles.signIn(email, "192.0.2.2"));
    }
    assertThat(refusal(throttles.signIn(email, "192.0.2.2"))).isNotNull();
    // WHEN the owner tries from another address, and succeeds
    Reservation owner = await(throttles.signIn(email.toUpperCase(), "192.0.2.3"));
    await(owner.release());
    // THEN that pair is forgotten and the email counts only the failures of the first
    assertThat(await(store.count("login:pair:" + email + "|192.0.2.3"))).isZero();
    assertThat(await(store.count("login:email:" + email))).isEqualTo(3);
    assertThat(await(store.count("login:ip:192.0.2.3"))).isZero();
  }

  @Test
  void theGentlerLimitsHoldAcrossAddressesAndAcrossEmails() {
    Throttles throttles =
        throttles(new Limit(10, MINUTE), new Limit(4, MINUTE), new Limit(5, MINUTE));
    // one email from many addresses
    String email = email();
    List<Future<Reservation>> spread =
        IntStream.range(0, 8).mapToObj(i -> throttles.signIn(email, "198.51.100." + i)).toList();
    assertThat(reserved(spread)).isEqualTo(4);
    // many emails from one address
    List<Future<Reservation>> spray =
        IntStream.range(0, 8).mapToObj(i -> throttles.signIn(email(), "203.0.113.9")).toList();
    assertThat(reserved(spray)).isEqualTo(5);
  }

  @Test
  void aWindowEndsAndItsCounterStartsAgain() throws InterruptedException {
    Throttles throttles =
        throttles(
            new Limit(2, Duration.ofSeconds(1)), new Limit(50, MINUTE), new Limit(100, MINUTE));
    String email = email();
    await(throttles.signIn(email, "192.0.2.4"));
    await(throttles.signIn(email, "192.0.2.4"));
    assertThat(refusal(throttles.signIn(email, "192.0.2.4")).retryAfterSeconds()).isEqualTo(1);

    Thread.sleep(1_100);

    assertThat(await(throttles.signIn(email, "192.0.2.4"))).isNotNull();
  }

  @Test
  void signUpsAndTokenChecksAreCountedPerAddress() {
    Throttles throttles =
        throttles(new Limit(10, MINUTE), new Limit(50, MINUTE), new Limit(100, MINUTE));
    List<Future<Reservation>> signUps =
        IntStream.range(0, 5).mapToObj(i -> throttles.signUp("192.0.2.5")).toList();
    assertThat(reserved(signUps)).isEqualTo(3);
    // good credentials give their reservation back; wrong ones keep it
    for (int i = 0; i < 5; i++) {
      await(await(throttles.token("192.0.2.6")).release());
    }
    List<Future<Reservation>> wrong =
        IntStream.range(0, 5).mapToObj(i -> throttles.token("192.0.2.6")).toList();
    assertThat(reserved(wrong)).isEqualTo(3);
    // another address is not affected
    assertThat(await(throttles.signUp("192.0.2.7"))).isNotNull();
  }

  @Test
  void expiredCountersArePurgedAndCurrentOnesKept() throws InterruptedException {
    String old = "test:ip:" + UUID.randomUUID();
    String current = "test:ip:" + UUID.randomUUID();
    await(store.reserve(List.of(new AttemptStore.Counter(old, 5, Duration.ofSeconds(1)))));
    await(store.reserve(List.of(new AttemptStore.Counter(current, 5, MINUTE))));

    Thread.sleep(1_100);
    await(store.purge());

    assertThat(db.count("SELECT count(*) FROM attempt_counters WHERE key = $1", old)).isZero();
    assertThat(db.count("SELECT count(*) FROM attempt_counters WHERE key = $1", current))
        .isEqualTo(1);
  }
}
