package io.paybridge.core.checkout;

import io.paybridge.core.checkout.Checkouts.CaptureResult;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.vertx.core.Future;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The rules {@link Checkouts} applies that need no database: what a valid request is, what
 * identifies one under its idempotency key, and what a capture request answers given where the
 * checkout stands.
 */
final class CheckoutRules {

  /** Largest amount a checkout takes, in minor units: far above any real payment. */
  static final long MAX_AMOUNT = 1_000_000_000_000L;

  private static final int MAX_KEY = 255;
  private static final int MAX_REF = 255;
  private static final int MAX_DESCRIPTION = 500;
  private static final int MAX_URL = 2048;

  private CheckoutRules() {}

  /**
   * What is wrong with a checkout request for the plugin it names (null: none), every field at
   * fault in the order of the request's fields.
   */
  static List<InvalidInput.Problem> check(
      String idempotencyKey, NewCheckout request, GatewayPlugin plugin) {
    NewCheckout normalized = normalized(request);
    List<InvalidInput.Problem> problems = new ArrayList<>();
    require(
        problems,
        Checks.lengthWithin(idempotencyKey, 1, MAX_KEY),
        "Idempotency-Key",
        "the 'Idempotency-Key' header must be 1 to " + MAX_KEY + " characters");
    require(
        problems,
        plugin instanceof io.paybridge.spi.Checkouts,
        "gateway",
        gatewayProblem(request.gateway(), plugin));
    require(
        problems,
        Checks.lengthWithin(request.customerRef(), 1, MAX_REF),
        "customerRef",
        "'customerRef' must be 1 to " + MAX_REF + " characters");
    require(
        problems,
        request.amountMinor() != null
            && request.amountMinor() > 0
            && request.amountMinor() <= MAX_AMOUNT,
        "amount",
        "'amount' must be a positive whole number of the currency's minor units, at most "
            + MAX_AMOUNT);
    require(
        problems,
        isCurrency(normalized.currency()),
        "currency",
        "'currency' must be an ISO 4217 code");
    require(
        problems,
        request.description() == null || request.description().length() <= MAX_DESCRIPTION,
        "description",
        "'description' may be at most " + MAX_DESCRIPTION + " characters");
    require(
        problems,
        request.returnUrl() == null || isWebUrl(request.returnUrl(), MAX_URL),
        "returnUrl",
        "'returnUrl' must be an http(s) URL of at most " + MAX_URL + " characters");
    return problems;
  }

  private static void require(
      List<InvalidInput.Problem> problems, boolean ok, String field, String message) {
    if (!ok) {
      problems.add(new InvalidInput.Problem(field, message));
    }
  }

  /** The request with its currency in upper case, as stored and sent. */
  static NewCheckout normalized(NewCheckout r) {
    return new NewCheckout(
        r.gateway(),
        r.customerRef(),
        r.amountMinor(),
        r.currency() == null ? null : r.currency().toUpperCase(Locale.ROOT),
        r.description(),
        r.returnUrl());
  }

  /** What is wrong with the named gateway, for the field's problem. */
  static String gatewayProblem(String gateway, GatewayPlugin plugin) {
    if (gateway == null || gateway.isBlank()) {
      return "'gateway' is required";
    }
    if (plugin == null) {
      return "there is no gateway '"
          + (gateway.length() > 64 ? gateway.substring(0, 64) : gateway)
          + "'";
    }
    return plugin.displayName() + " cannot start checkouts";
  }

  static boolean isCurrency(String code) {
    try {
      return code != null && code.length() == 3 && Money.currency(code).equals(code);
    } catch (MalformedWebhookException e) {
      return false;
    }
  }

  /** An absolute http(s) URL with a host, within {@code max} characters. */
  static boolean isWebUrl(String url, int max) {
    if (url.length() > max || !isPrintable(url)) {
      return false;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Text without control characters. */
  static boolean isPrintable(String s) {
    return s.chars().noneMatch(Character::isISOControl);
  }

  /** What identifies a request under its key: the same body again is the same checkout. */
  static String fingerprint(NewCheckout r) {
    String canonical =
        String.join(
            "\n",
            r.gateway(),
            r.customerRef(),
            String.valueOf(r.amountMinor()),
            r.currency(),
            r.description() == null ? "" : r.description(),
            r.returnUrl() == null ? "" : r.returnUrl());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A capture asked of a checkout that is not open: done already when money was received, otherwise
   * refused.
   */
  static Future<CaptureResult> alreadySettled(Checkout checkout) {
    return switch (checkout.status()) {
      case Checkout.PAID, Checkout.PARTIALLY_REFUNDED, Checkout.REFUNDED ->
          Future.succeededFuture(new CaptureResult(checkout, false));
      case Checkout.OPEN ->
          Future.failedFuture(
              Refused.conflict(
                  "not_capturable",
                  "checkout " + checkout.id() + " has no payment at the gateway yet"));
      default ->
          Future.failedFuture(
              Refused.conflict(
                  "not_capturable",
                  "checkout "
                      + checkout.id()
                      + " is "
                      + checkout.status().replace('_', ' ')
                      + ": there is nothing to capture"));
    };
  }

  /** What a capture's first attempt answers, given the checkout after it. */
  static Future<CaptureResult> captureAnswer(Checkout after, JobResult result) {
    if (result instanceof JobResult.Retry) {
      return Future.succeededFuture(new CaptureResult(after, true));
    }
    if (result instanceof JobResult.Dead dead) {
      return Future.failedFuture(Refused.unprocessable("capture_refused", dead.error()));
    }
    if (Checkout.OPEN.equals(after.status())) {
      return Future.failedFuture(
          Refused.conflict(
              "capture_waiting",
              after.lastError() != null
                  ? after.lastError()
                  : "the gateway cannot capture the payment yet"));
    }
    return Future.succeededFuture(new CaptureResult(after, false));
  }

  /** Why an intent cannot be registered for a checkout that exists. */
  static Refused notRegistrable(Checkout checkout) {
    if (!Checkout.OPEN.equals(checkout.status())) {
      return Refused.conflict(
          "not_open",
          "checkout "
              + checkout.id()
              + " is "
              + checkout.status().replace('_', ' ')
              + ": no payment can be named for it");
    }
    return Refused.conflict(
        "reference_already_set",
        "checkout " + checkout.id() + " already names payment " + checkout.reference());
  }
}
