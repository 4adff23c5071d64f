package io.paybridge.spi;

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
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Decides whether the certificate chain of a JWS header ({@code x5c}: leaf first, root last) leads
 * to a trusted root, on the JDK alone and without network:
 *
 * <ol>
 *   <li>the chain has the length the gateway sends, when one is set, and at least leaf and root;
 *   <li>the root, the chain's last certificate, is pinned: the SHA-256 of its DER encoding, or of
 *       its SubjectPublicKeyInfo, is one of the configured fingerprints;
 *   <li>each certificate carries the extensions the gateway requires at its position;
 *   <li>the chain below the root validates with PKIX to that root as the only trust anchor, as of a
 *       given instant (the time the data was signed, so that data signed by a certificate that has
 *       since expired still verifies), with revocation checking off (no network on an event loop).
 * </ol>
 *
 * <p>No certificate ships with the platform: the root arrives in the chain and is trusted only
 * through its pinned fingerprint. A key fingerprint identifies the same trust anchor as a
 * certificate fingerprint, because PKIX takes the anchor's name and key; it keeps working when a CA
 * reissues its root certificate with the same key. Immutable and safe to share.
 */
public final class X5cValidator {

  private static final HexFormat HEX = HexFormat.of();

  /** An extension OID the certificate at {@code position} (0: the leaf) must carry. */
  private record RequiredExtension(int position, String oid, String description) {}

  private final String rootName;
  private final List<byte[]> pins;
  private final int length;
  private final List<RequiredExtension> extensions;

  private X5cValidator(
      String rootName, List<byte[]> pins, int length, List<RequiredExtension> extensions) {
    this.rootName = rootName;
    this.pins = pins;
    this.length = length;
    this.extensions = extensions;
  }

  /**
   * Trusts chains whose root is pinned by one of the fingerprints.
   *
   * @param rootName how reasons name a trusted root, e.g. {@code Apple root}
   * @param sha256Fingerprints SHA-256 of trusted root certificates or of their public keys, hex,
   *     with or without colons, in either case
   * @throws IllegalArgumentException when a fingerprint is not 32 bytes of hex, or none is given
   */
  public static X5cValidator pinnedRoots(String rootName, Collection<String> sha256Fingerprints) {
    List<byte[]> parsed = new ArrayList<>();
    for (String fingerprint : sha256Fingerprints) {
      parsed.add(parseFingerprint(fingerprint));
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted root fingerprint is required");
    }
    return new X5cValidator(rootName, List.copyOf(parsed), 0, List.of());
  }

  /**
   * This validator, requiring chains of exactly {@code certificates} certificates, root included.
   */
  public X5cValidator withLength(int certificates) {
    if (certificates < 2) {
      throw new IllegalArgumentException("a chain has at least a leaf and a root");
    }
    return new X5cValidator(rootName, pins, certificates, extensions);
  }

  /**
   * This validator, also requiring the certificate at {@code position} (0: the leaf) to carry the
   * extension {@code oid}.
   *
   * @param description how reasons name the extension, e.g. {@code Apple's App Store signing
   *     extension}
   */
  public X5cValidator requireExtension(int position, String oid, String description) {
    if (position < 0) {
      throw new IllegalArgumentException("positions count from 0, the leaf");
    }
    List<RequiredExtension> more = new ArrayList<>(extensions);
    more.add(new RequiredExtension(position, oid, description));
    return new X5cValidator(rootName, pins, length, List.copyOf(more));
  }

  /**
   * Validates a chain, leaf first and root last, as of {@code at}.
   *
   * @return the leaf's public key, which must have made the signature
   * @throws JwsException saying which rule the chain breaks
   */
  public PublicKey validate(List<X509Certificate> chain, Instant at) throws JwsException {
    int size = chain.size();
    if (length > 0 && size != length) {
      throw new JwsException(
          "x5c must hold exactly " + length + " certificates (" + roles(length) + "), not " + size);
    }
    if (size < 2) {
      throw new JwsException("x5c must hold at least 2 certificates (leaf … root), not " + size);
    }
    X509Certificate root = chain.get(size - 1);
    if (!isPinned(root)) {
      throw new JwsException(
          "x5c root (" + root.getSubjectX500Principal() + ") is not a trusted " + rootName);
    }
    for (RequiredExtension required : extensions) {
      if (required.position() >= size) {
        throw new JwsException(
            "x5c has no certificate at position "
                + required.position()
                + " to carry "
                + required.description()
                + " "
                + required.oid());
      }
      if (chain.get(required.position()).getExtensionValue(required.oid()) == null) {
        throw new JwsException(
            "x5c "
                + role(required.position(), size)
                + " lacks "
                + required.description()
                + " "
                + required.oid());
      }
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPath path = factory.generateCertPath(chain.subList(0, size - 1));
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(path, parameters);
    } catch (CertPathValidatorException e) {
      int index = e.getIndex();
      String position = index >= 0 && index < size - 1 ? role(index, size) : "certificate path";
      throw new JwsException(
          "x5c chain does not validate to the pinned root at "
              + at
              + " ("
              + position
              + "): "
              + e.getMessage());
    } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("PKIX certificate path validation unavailable", e);
    } catch (GeneralSecurityException e) {
      throw new JwsException("x5c chain could not be validated: " + e.getMessage());
    }
    return chain.get(0).getPublicKey();
  }

  /** SHA-256 of bytes, lower-case hex: how fingerprints are written. */
  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256(bytes));
  }

  private boolean isPinned(X509Certificate root) throws JwsException {
    byte[] certificateHash;
    try {
      certificateHash = sha256(root.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new JwsException("x5c root cannot be encoded");
    }
    byte[] keyHash = sha256(root.getPublicKey().getEncoded());
    boolean pinned = false;
    for (byte[] pin : pins) {
      pinned |= MessageDigest.isEqual(pin, certificateHash) | MessageDigest.isEqual(pin, keyHash);
    }
    return pinned;
  }

  /** What the certificate at {@code index} of a chain of {@code size} is, for reasons. */
  private static String role(int index, int size) {
    if (index == 0) {
      return "leaf";
    }
    if (index == size - 1) {
      return "root";
    }
    return size == 3 ? "intermediate" : "intermediate " + index;
  }

  private static String roles(int size) {
    StringJoiner roles = new StringJoiner(", ");
    for (int i = 0; i < size; i++) {
      roles.add(role(i, size));
    }
    return roles.toString();
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
