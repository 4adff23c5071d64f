package io.paybridge.gateway.appstore;

import io.paybridge.spi.JwsException;
import io.paybridge.spi.X5cValidator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which {@code x5c} chains of an App Store JWS header are Apple's, the way Apple's own verifier
 * decides, as an {@link X5cValidator}: exactly three certificates (leaf, intermediate, root); the
 * root pinned by its SHA-256 fingerprint (of the certificate or of its public key); the leaf
 * carrying Apple's extension {@value #LEAF_OID} (App Store receipt signing) and the intermediate
 * {@value #INTERMEDIATE_OID} (Apple Worldwide Developer Relations CA); leaf → intermediate
 * validating with PKIX to the root as of the time the data was signed.
 *
 * <p>Public-key pins matter for Apple's test chains: the test notification's {@code x5c[2]} is a
 * different certificate than the published test root, with the same subject and key.
 */
final class AppleCertificateChain {

  /** Extension OID Apple puts in the leaf that signs App Store data. */
  static final String LEAF_OID = "1.2.840.113635.100.6.11.1";

  /** Extension OID Apple puts in its Worldwide Developer Relations intermediate CA. */
  static final String INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";

  /**
   * SHA-256 of the DER certificate of Apple Root CA - G3, subject (RFC 2253) {@code C=US,O=Apple
   * Inc.,OU=Apple Certification Authority,CN=Apple Root CA - G3}, self-signed, ECC P-384, valid
   * 2014-04-30 to 2039-04-30: the root of every App Store signature, in production and sandbox.
   */
  static final String APPLE_ROOT_CA_G3_SHA256 =
      "63343abfb89a6a03ebb57e9b3f5fa7be7c4f5c756f3017b3a8c488c3653e9179";

  private final X5cValidator validator;

  /**
   * @param fingerprints SHA-256 fingerprints of trusted roots, hex, with or without colons
   * @throws IllegalArgumentException when a fingerprint is not 32 bytes of hex, or none is given
   */
  AppleCertificateChain(List<String> fingerprints) {
    this.validator =
        X5cValidator.pinnedRoots("Apple root", fingerprints)
            .withLength(3)
            .requireExtension(0, LEAF_OID, "Apple's App Store signing extension")
            .requireExtension(1, INTERMEDIATE_OID, "Apple's WWDR intermediate extension");
  }

  /** Trusts Apple Root CA - G3 only: the production default. */
  static AppleCertificateChain appleRoot() {
    return new AppleCertificateChain(List.of(APPLE_ROOT_CA_G3_SHA256));
  }

  /**
   * The chain trusting the roots of a comma-separated setting, or Apple Root CA - G3 when the
   * setting is absent or blank.
   */
  static AppleCertificateChain fromSetting(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return appleRoot();
    }
    List<String> fingerprints = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      if (!part.isBlank()) {
        fingerprints.add(part);
      }
    }
    return new AppleCertificateChain(fingerprints);
  }

  /**
   * Validates {@code [leaf, intermediate, root]} as of {@code signedAt}.
   *
   * @return the leaf's public key, which must have made the signature
   * @throws SignedDataException saying which rule failed
   */
  PublicKey validate(List<X509Certificate> x5c, Instant signedAt) throws SignedDataException {
    try {
      return validator.validate(x5c, signedAt);
    } catch (JwsException e) {
      throw new SignedDataException(e.getMessage());
    }
  }
}
