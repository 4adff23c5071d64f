package io.paybridge.core.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * How many attempts at what costs a slow hash each client may make, counted for the whole cluster
 * ({@link Throttles}). Each limit is set as {@code <attempts>/<seconds>}.
 *
 * @param loginPair wrong passwords for one email from one address ({@code
 *     PAYBRIDGE_THROTTLE_LOGIN_PAIR}, {@code 10/60}): the guesser's own budget, short, so the owner
 *     at that address is back within a minute
 * @param loginEmail wrong passwords for one email from all addresses ({@code
 *     PAYBRIDGE_THROTTLE_LOGIN_EMAIL}, {@code 50/900}): gentler, against guessing from many
 *     addresses, and never longer than its window
 * @param loginAddress wrong passwords from one address for all emails ({@code
 *     PAYBRIDGE_THROTTLE_LOGIN_ADDRESS}, {@code 100/900}), against trying one password on many
 *     accounts
 * @param signUpAddress sign-ups from one address ({@code PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS}, {@code
 *     10/3600})
 * @param tokenAddress failed {@code /oauth/token} requests from one address ({@code
 *     PAYBRIDGE_THROTTLE_TOKEN_ADDRESS}, {@code 60/60})
 */
public record ThrottleSettings(
    Limit loginPair,
    Limit loginEmail,
    Limit loginAddress,
    Limit signUpAddress,
    Limit tokenAddress) {

  /** At most {@code attempts} in a window of {@code window}. */
  public record Limit(int attempts, Duration window) {

    public Limit {
      Objects.requireNonNull(window, "window");
      if (attempts < 1 || window.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "a limit allows at least 1 attempt in at least 1 second, was "
                + attempts
                + "/"
                + window);
      }
    }

    /**
     * Reads {@code <attempts>/<seconds>}, e.g. {@code 10/60}.
     *
     * @param setting the variable's name, for the message when the value is not of that form
     */
    public static Limit parse(String setting, String value) {
      String[] parts = value.strip().split("/");
      try {
        if (parts.length == 2) {
          return new Limit(
              Integer.parseInt(parts[0].strip()),
              Duration.ofSeconds(Long.parseLong(parts[1].strip())));
        }
      } catch (IllegalArgumentException e) {
        // reported below, with the setting's name
      }
      throw new IllegalArgumentException(
          setting
              + " must be <attempts>/<seconds> with both at least 1, e.g. 10/60; was '"
              + value
              + "'");
    }

    @Override
    public String toString() {
      return attempts + "/" + window.toSeconds();
    }
  }

  /** The defaults of the README. */
  public static final ThrottleSettings DEFAULTS =
      new ThrottleSettings(
          new Limit(10, Duration.ofMinutes(1)),
          new Limit(50, Duration.ofMinutes(15)),
          new Limit(100, Duration.ofMinutes(15)),
          new Limit(10, Duration.ofHours(1)),
          new Limit(60, Duration.ofMinutes(1)));

  public ThrottleSettings {
    Objects.requireNonNull(loginPair, "loginPair");
    Objects.requireNonNull(loginEmail, "loginEmail");
    Objects.requireNonNull(loginAddress, "loginAddress");
    Objects.requireNonNull(signUpAddress, "signUpAddress");
    Objects.requireNonNull(tokenAddress, "tokenAddress");
  }
}
