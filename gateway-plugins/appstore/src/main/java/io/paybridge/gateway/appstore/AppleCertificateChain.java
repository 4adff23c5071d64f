package io.paybridge.gateway.appstore;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether the three certificates of an App Store JWS header ({@code x5c}: leaf,
 * intermediate, root) lead to a trusted Apple root, the way Apple's own verifier does, on the JDK
 * alone:
 *
 * <ol>
 *   <li>the root, {@code x5c[2]}, must be pinned: the SHA-256 of its DER encoding, or of its
 *       SubjectPublicKeyInfo, is one of the configured fingerprints;
 *   <li>the leaf must carry Apple's extension {@value #LEAF_OID} (App Store receipt signing) and
 *       the intermediate {@value #INTERMEDIATE_OID} (Apple Worldwide Developer Relations CA);
 *   <li>leaf → intermediate must validate with PKIX to that root as the only trust anchor, as of
 *       the time the data was signed, with revocation checking off (no network on the event loop).
 * </ol>
 *
 * <p>No certificate ships with Paybridge: the root arrives in every JWS and is trusted only through
 * its pinned fingerprint. Public-key fingerprints are accepted beside certificate fingerprints
 * because a CA may reissue its root certificate with the same key and name; the trust anchor handed
 * to PKIX is that name and key, so either pin identifies the same anchor. Apple's test notification
 * vector shows why this matters: its {@code x5c[2]} is a different certificate than the published
 * test root, with the same subject and key.
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

  private static final HexFormat HEX = HexFormat.of();

  private final List<byte[]> pins;

  /**
   * @param fingerprints SHA-256 fingerprints of trusted roots, hex, with or without colons
   * @throws IllegalArgumentException when a fingerprint is not 32 bytes of hex, or none is given
   */
  AppleCertificateChain(List<String> fingerprints) {
    List<byte[]> parsed = new ArrayList<>();
    for (String fingerprint : fingerprints) {
      parsed.add(parseFingerprint(fingerprint));
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted root fingerprint is required");
    }
    this.pins = List.copyOf(parsed);
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

  /** SHA-256 of bytes, lower-case hex: how fingerprints are written. */
  static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256(bytes));
  }

  /**
   * Validates {@code [leaf, intermediate, root]} as of {@code signedAt}.
   *
   * @return the leaf's public key, which must have made the signature
   * @throws SignedDataException saying which rule failed
   */
  PublicKey validate(List<X509Certificate> x5c, Instant signedAt) throws SignedDataException {
    if (x5c.size() != 3) {
      throw new SignedDataException(
          "x5c must hold exactly 3 certificates (leaf, intermediate, root), not " + x5c.size());
    }
    X509Certificate leaf = x5c.get(0);
    X509Certificate intermediate = x5c.get(1);
    X509Certificate root = x5c.get(2);
    if (!isPinned(root)) {
      throw new SignedDataException(
          "x5c root (" + root.getSubjectX500Principal() + ") is not a trusted Apple root");
    }
    if (leaf.getExtensionValue(LEAF_OID) == null) {
      throw new SignedDataException(
          "x5c leaf lacks Apple's App Store signing extension " + LEAF_OID);
    }
    if (intermediate.getExtensionValue(INTERMEDIATE_OID) == null) {
      throw new SignedDataException(
          "x5c intermediate lacks Apple's WWDR intermediate extension " + INTERMEDIATE_OID);
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPath path = factory.generateCertPath(List.of(leaf, intermediate));
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(signedAt));
      CertPathValidator.getInstance("PKIX").validate(path, parameters);
    } catch (CertPathValidatorException e) {
      String position =
          e.getIndex() == 0 ? "leaf" : e.getIndex() == 1 ? "intermediate" : "certificate path";
      throw new SignedDataException(
          "x5c chain does not validate to the pinned root at "
              + signedAt
              + " ("
              + position
              + "): "
              + e.getMessage());
    } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("PKIX certificate path validation unavailable", e);
    } catch (GeneralSecurityException e) {
      throw new SignedDataException("x5c chain could not be validated: " + e.getMessage());
    }
    return leaf.getPublicKey();
  }

  private boolean isPinned(X509Certificate root) throws SignedDataException {
    byte[] certificateHash;
    try {
      certificateHash = sha256(root.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new SignedDataException("x5c root cannot be encoded");
    }
    byte[] keyHash = sha256(root.getPublicKey().getEncoded());
    boolean pinned = false;
    for (byte[] pin : pins) {
      pinned |= MessageDigest.isEqual(pin, certificateHash) | MessageDigest.isEqual(pin, keyHash);
    }
    return pinned;
  }

  private static byte[] parseFingerprint(String text) {
    String hex = text.strip().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.length() != 64) {
      throw new IllegalArgumentException(
          "a root fingerprint must be 64 hex digits (SHA-256), not '" + text.strip() + "'");
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a root fingerprint must be 64 hex digits (SHA-256), not '" + text.strip() + "'");
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
