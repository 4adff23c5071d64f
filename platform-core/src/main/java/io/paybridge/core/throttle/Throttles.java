package io.paybridge.core.throttle;

import io.paybridge.core.throttle.AttemptStore.Counter;
import io.paybridge.core.throttle.ThrottleSettings.Limit;
import io.paybridge.core.usecase.Throttled;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;

/**
 * Who may start a slow hash now. Each attempt is reserved, for the whole cluster, before the hash
 * runs: the reservation and the check are one statement, so parallel attempts cannot all pass a
 * check made before any was counted. An attempt refused fails with {@link Throttled} and counts
 * nowhere; an attempt that succeeds gives its reservation back ({@link Reservation#release}), so
 * the limits count failures (and attempts still under way).
 *
 * <p>Keys: {@code login:pair:<email>|<address>}, {@code login:email:<email>}, {@code
 * login:ip:<address>}, {@code signup:ip:<address>}, {@code token:ip:<address>}; emails in lower
 * case, addresses as {@code io.paybridge.core.http.ClientAddress} gives them.
 */
public final class Throttles {

  /** An attempt reserved: give it back when it succeeded, keep it (counted) when it failed. */
  public interface Reservation {
    Future<Void> release();
  }

  private static final Reservation KEPT = Future::succeededFuture;

  private final AttemptStore store;
  private final ThrottleSettings settings;

  public Throttles(AttemptStore store, ThrottleSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * A sign-in of {@code email} from {@code address}: counted per pair, per email and per address.
   * Released on success, the pair's count is forgotten and the others count one fewer.
   */
  public Future<Reservation> signIn(String email, String address) {
    String who = email.strip().toLowerCase(Locale.ROOT);
    String pair = "login:pair:" + who + "|" + address;
    String byEmail = "login:email:" + who;
    String byAddress = "login:ip:" + address;
    return reserve(
            List.of(
                counter(pair, settings.loginPair()),
                counter(byEmail, settings.loginEmail()),
                counter(byAddress, settings.loginAddress())),
            "Too many failed sign-ins.")
        .map(v -> () -> store.release(List.of(pair), List.of(byEmail, byAddress)));
  }

  /** A sign-up from {@code address}; kept whatever its outcome. */
  public Future<Reservation> signUp(String address) {
    return reserve(
            List.of(counter("signup:ip:" + address, settings.signUpAddress())),
            "Too many sign-ups from this address.")
        .map(v -> KEPT);
  }

  /** A client-credentials check from {@code address}; released when the credentials were good. */
  public Future<Reservation> token(String address) {
    String key = "token:ip:" + address;
    return reserve(
            List.of(counter(key, settings.tokenAddress())),
            "Too many failed token requests from this address.")
        .map(v -> () -> store.release(List.of(), List.of(key)));
  }

  private Future<Void> reserve(List<Counter> counters, String what) {
    return store
        .reserve(counters)
        .compose(
            wait ->
                wait.isZero()
                    ? Future.succeededFuture()
                    : Future.failedFuture(new Throttled(what, wait)));
  }

  private static Counter counter(String key, Limit limit) {
    return new Counter(key, limit.attempts(), limit.window());
  }
}
