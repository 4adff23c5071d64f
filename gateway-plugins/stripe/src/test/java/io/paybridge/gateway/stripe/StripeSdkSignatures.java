package io.paybridge.gateway.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Stripe's own SDK ({@code com.stripe:stripe-java}) on both sides of the signature: it signs
 * deliveries for the HTTP-level tests, and judges the simulator's signatures. Only this module's
 * tests use it; {@link StripeSimulator} signs on the JDK, so modules that use the test-jar do not
 * need the SDK.
 */
final class StripeSdkSignatures {

  private StripeSdkSignatures() {}

  /**
   * The {@code Stripe-Signature} header for {@code body} at {@code signedAt}, by the SDK's HMAC.
   */
  static String header(String webhookSecret, String body, Instant signedAt) {
    String t = Long.toString(signedAt.getEpochSecond());
    try {
      return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(webhookSecret, t + "." + body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether the SDK's verifier accepts the header for the body, judged at {@code now}. */
  static boolean accepts(String webhookSecret, String body, String header, Instant now) {
    try {
      return Webhook.Signature.verifyHeader(
          body,
          header,
          webhookSecret,
          StripePlugin.TOLERANCE.toSeconds(),
          Clock.fixed(now, ZoneOffset.UTC));
    } catch (SignatureVerificationException e) {
      return false;
    }
  }
}
