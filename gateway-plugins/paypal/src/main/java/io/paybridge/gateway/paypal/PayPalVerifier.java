package io.paybridge.gateway.paypal;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a delivery is a transmission PayPal signed for the account, as {@link
 * PayPalPlugin} describes: well-formed headers and certificate URL, a fresh transmission time, a
 * signing certificate of PayPal's for the account's environment that chains to a trust anchor, and
 * a {@code SHA256withRSA} signature over the transmission for the account's webhook id.
 */
final class PayPalVerifier {

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> intermediates;
  private final PayPalCertificates certificates;
  private final Duration maxAge;
  private final Duration maxSkew;

  /**
   * @param anchors the roots a signing certificate must chain to
   * @param intermediates CA certificates that may complete a chain the certificate URL leaves short
   * @param certificates PayPal's signing certificates, fetched and cached per URL
   * @param maxAge how long before its receipt a transmission may have been sent
   * @param maxSkew how long after its receipt a transmission may claim to have been sent
   */
  PayPalVerifier(
      Set<TrustAnchor> anchors,
      List<X509Certificate> intermediates,
      PayPalCertificates certificates,
      Duration maxAge,
      Duration maxSkew) {
    this.anchors = anchors;
    this.intermediates = intermediates;
    this.certificates = certificates;
    this.maxAge = maxAge;
    this.maxSkew = maxSkew;
  }

  /**
   * Whether the delivery is a transmission PayPal signed for the account whose credentials are
   * given: authentic under its transmission id, or rejected with the reason.
   */
  Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    try {
      String webhookId = credentials.get(PayPalPlugin.WEBHOOK_ID);
      if (webhookId == null || webhookId.isBlank()) {
        return Future.succeededFuture(Verdict.rejected("the account has no webhookId"));
      }
      PayPalEnvironment environment = PayPalEnvironment.of(credentials);
      PayPalTransmission transmission;
      try {
        transmission = PayPalTransmission.read(request);
      } catch (IllegalArgumentException e) {
        return Future.succeededFuture(Verdict.rejected(RejectionCause.UNSIGNED, e.getMessage()));
      }
      String stale = transmission.freshnessProblem(request.receivedAt(), maxAge, maxSkew);
      if (stale != null) {
        return Future.succeededFuture(Verdict.rejected(RejectionCause.STALE, stale));
      }
      byte[] body = request.body().getBytes();
      return certificates
          .bundle(transmission.certUrl())
          .map(bundle -> judge(bundle, transmission, webhookId, environment, body))
          .otherwise(
              err ->
                  Verdict.rejected(
                      "PayPal's signing certificate could not be obtained: " + describe(err)));
    } catch (RuntimeException e) {
      return Future.succeededFuture(Verdict.rejected(describe(e)));
    }
  }

  private Verdict judge(
      List<X509Certificate> bundle,
      PayPalTransmission transmission,
      String webhookId,
      PayPalEnvironment environment,
      byte[] body) {
    try {
      X509Certificate leaf = bundle.get(0);
      Instant at = transmission.transmissionTime();
      String problem = PayPalCertificates.checkLeaf(leaf, environment.signingCertificateName(), at);
      if (problem != null) {
        return Verdict.rejected(problem);
      }
      if (!signatureMatches(
          leaf.getPublicKey(),
          transmission.signedBytes(webhookId, body),
          transmission.signature())) {
        return Verdict.rejected(
            RejectionCause.WRONG_SECRET,
            "PAYPAL-TRANSMISSION-SIG does not match the transmission for this webhook id");
      }
      problem = PayPalCertificates.checkChain(bundle, intermediates, anchors, at);
      return problem == null
          ? Verdict.ok(transmission.transmissionId())
          : Verdict.rejected(problem);
    } catch (RuntimeException e) {
      return Verdict.rejected("the PayPal signature could not be checked: " + describe(e));
    }
  }

  private static boolean signatureMatches(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(PayPalTransmission.ALGORITHM);
      verifier.initVerify(key);
      verifier.update(signed);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
