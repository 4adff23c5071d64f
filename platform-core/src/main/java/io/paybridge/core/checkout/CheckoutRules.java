package io.paybridge.core.checkout;

import io.paybridge.core.checkout.Checkouts.CaptureResult;
import io.paybridge.core.job.JobResult;
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
import java.util.HexFormat;
import java.util.Locale;

/**
 * The rules {@link Checkouts} applies that need no database: what a valid request is, what
 * identifies one under its idempotency key, and what a capture request answers given where the
 * checkout stands.
 */
final class CheckoutRules {

  private CheckoutRules() {}

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
