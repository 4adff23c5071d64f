package io.paybridge.spi;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * The JWS signature algorithms gateways use (RFC 7518, RFC 8037), each with the JDK signature that
 * implements it and the key it needs.
 */
public enum JwsAlgorithm {

  /**
   * ECDSA on P-256 with SHA-256 (Apple). The signature is raw {@code R||S}, 32 bytes each, as JWS
   * defines it, not the DER sequence JCA's plain {@code SHA256withECDSA} reads; the JDK's P1363
   * form converts between the two.
   */
  ES256("ES256", "SHA256withECDSAinP1363Format", "ES256", 64, "an EC P-256 key"),

  /**
   * RSASSA-PKCS1-v1_5 with SHA-256 (Google's OpenID Connect tokens, service-account assertions).
   */
  RS256("RS256", "SHA256withRSA", "RS256", -1, "an RSA key"),

  /** EdDSA, of which gateways use Ed25519 only (Code): a 64-byte signature, a 32-byte key. */
  EDDSA("EdDSA", "Ed25519", "Ed25519", 64, "an Ed25519 key");

  /** DER of an X.509 SubjectPublicKeyInfo for OID 1.3.101.112 (Ed25519), up to the key bytes. */
  private static final byte[] ED25519_X509_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  /** Length of a raw Ed25519 public key (RFC 8032 §5.1.5). */
  public static final int ED25519_KEY_LENGTH = 32;

  private static final BigInteger P256_ORDER = p256Order();

  private final String jwsName;
  private final String jcaName;
  private final String label;
  private final int signatureLength;
  private final String keyDescription;

  JwsAlgorithm(
      String jwsName, String jcaName, String label, int signatureLength, String keyDescription) {
    this.jwsName = jwsName;
    this.jcaName = jcaName;
    this.label = label;
    this.signatureLength = signatureLength;
    this.keyDescription = keyDescription;
  }

  /** The name a JOSE header's {@code alg} gives it, e.g. {@code ES256}. */
  public String jwsName() {
    return jwsName;
  }

  /** The JDK {@link java.security.Signature} algorithm that makes and checks its signatures. */
  String jcaName() {
    return jcaName;
  }

  /** How a reason names the signature, e.g. {@code Ed25519 signature must be 64 bytes}. */
  String label() {
    return label;
  }

  /** The exact length of its signatures in bytes, or -1 where it depends on the key (RSA). */
  public int signatureLength() {
    return signatureLength;
  }

  /** The key it needs, for reasons: {@code an EC P-256 key}. */
  public String keyDescription() {
    return keyDescription;
  }

  /** Whether {@code key} is a key this algorithm verifies with. */
  public boolean fits(PublicKey key) {
    return switch (this) {
      case ES256 -> key instanceof ECPublicKey ec && isP256(ec.getParams());
      case RS256 -> key instanceof RSAPublicKey;
      case EDDSA ->
          key instanceof EdECPublicKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName());
    };
  }

  @Override
  public String toString() {
    return jwsName;
  }

  /**
   * The JDK public key of 32 raw Ed25519 key bytes (RFC 8032), through its X.509 encoding.
   *
   * @throws IllegalArgumentException when the bytes are not an Ed25519 public key
   */
  public static PublicKey ed25519PublicKey(byte[] raw) {
    if (raw.length != ED25519_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + ED25519_KEY_LENGTH + " bytes, not " + raw.length);
    }
    byte[] encoded = new byte[ED25519_X509_PREFIX.length + raw.length];
    System.arraycopy(ED25519_X509_PREFIX, 0, encoded, 0, ED25519_X509_PREFIX.length);
    System.arraycopy(raw, 0, encoded, ED25519_X509_PREFIX.length, raw.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("public key is not an Ed25519 key: " + e.getMessage(), e);
    }
  }

  private static boolean isP256(ECParameterSpec params) {
    return params.getOrder().equals(P256_ORDER)
        && params.getCurve().getField().getFieldSize() == 256
        && params.getCofactor() == 1;
  }

  private static BigInteger p256Order() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class).getOrder();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK does not know curve P-256", e);
    }
  }
}
