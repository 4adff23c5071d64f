package io.paybridge.gateway.appstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate chain shaped like the one the App Store signs with, issued by a throwaway test CA:
 * an ECC P-384 root, an ECC P-384 intermediate carrying Apple's WWDR extension
 * (1.2.840.113635.100.6.2.1), and an ECC P-256 leaf carrying Apple's App Store signing extension
 * (1.2.840.113635.100.6.11.1), each extension a DER NULL as in Apple's certificates. It signs ES256
 * JWS with an {@code x5c} header exactly as Apple does.
 *
 * <p>The {@link Builder} makes the broken chains tests need: extensions missing or swapped, a leaf
 * valid only within a window, a leaf on another curve, or a new intermediate and leaf under an
 * existing root.
 */
public final class SigningChain {

  /** Apple's extension in the leaf certificate that signs App Store data. */
  public static final String LEAF_OID = "1.2.840.113635.100.6.11.1";

  /** Apple's extension in its Worldwide Developer Relations intermediate. */
  public static final String INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final X509Certificate intermediate;
  private final X509Certificate leaf;
  private final PrivateKey leafKey;

  private SigningChain(
      X509Certificate root,
      PrivateKey rootKey,
      X509Certificate intermediate,
      X509Certificate leaf,
      PrivateKey leafKey) {
    this.root = root;
    this.rootKey = rootKey;
    this.intermediate = intermediate;
    this.leaf = leaf;
    this.leafKey = leafKey;
  }

  /** A fresh chain, valid from a year ago to five years ahead, with Apple's extensions. */
  public static SigningChain create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  public X509Certificate leaf() {
    return leaf;
  }

  /** SHA-256 of the root certificate, hex: the value of {@code appstore.trust.anchor.sha256}. */
  public String rootFingerprint() {
    return sha256Hex(encoded(root));
  }

  /** The {@code x5c} header value: base64 DER of leaf, intermediate and root. */
  public JsonArray x5c() {
    Base64.Encoder base64 = Base64.getEncoder();
    JsonArray x5c = new JsonArray();
    for (X509Certificate certificate : List.of(leaf, intermediate, root)) {
      x5c.add(base64.encodeToString(encoded(certificate)));
    }
    return x5c;
  }

  /**
   * A compact JWS of {@code payload}: header {@code {"alg":"ES256","x5c":[…]}}, ES256 signature.
   */
  public String sign(JsonObject payload) {
    return sign(new JsonObject().put("alg", "ES256").put("x5c", x5c()), payload);
  }

  /** A compact JWS with the given header, signed ES256 by the leaf whatever the header says. */
  public String sign(JsonObject header, JsonObject payload) {
    String input = base64url(header.encode()) + "." + base64url(payload.encode());
    return input + "." + BASE64URL.encodeToString(es256(leafKey, input));
  }

  /** Raw {@code R||S} ES256 signature of ASCII text. */
  static byte[] es256(PrivateKey key, String text) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(key);
      signer.update(text.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ecKeyPair(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64url(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options of a test chain; every default is what Apple's chain looks like. */
  public static final class Builder {
    private SigningChain sameRootAs;
    private String leafOid = LEAF_OID;
    private String intermediateOid = INTERMEDIATE_OID;
    private Instant leafNotBefore = Instant.now().minus(Duration.ofDays(365));
    private Instant leafNotAfter = Instant.now().plus(Duration.ofDays(5 * 365));
    private String leafCurve = "secp256r1";

    private Builder() {}

    /** Issues the new intermediate and leaf under {@code chain}'s root instead of a new root. */
    public Builder sameRootAs(SigningChain chain) {
      this.sameRootAs = Objects.requireNonNull(chain);
      return this;
    }

    /** The extension OID put in the leaf, or {@code null} for none. */
    public Builder leafOid(String oid) {
      this.leafOid = oid;
      return this;
    }

    /** The extension OID put in the intermediate, or {@code null} for none. */
    public Builder intermediateOid(String oid) {
      this.intermediateOid = oid;
      return this;
    }

    /** The leaf's validity window. */
    public Builder leafValidity(Instant notBefore, Instant notAfter) {
      this.leafNotBefore = notBefore;
      this.leafNotAfter = notAfter;
      return this;
    }

    /** The leaf's curve, {@code secp256r1} by default (ES256 requires it). */
    public Builder leafCurve(String curve) {
      this.leafCurve = curve;
      return this;
    }

    public SigningChain build() {
      try {
        Instant now = Instant.now();
        Instant caStart = now.minus(Duration.ofDays(3 * 365));
        Instant caEnd = now.plus(Duration.ofDays(10 * 365));
        X509Certificate root;
        PrivateKey rootKey;
        if (sameRootAs != null) {
          root = sameRootAs.root;
          rootKey = sameRootAs.rootKey;
        } else {
          KeyPair rootPair = ecKeyPair("secp384r1");
          X500Name rootName = new X500Name("CN=Test Root CA - G3,OU=Paybridge Tests,O=Test,C=US");
          X509v3CertificateBuilder builder =
              new JcaX509v3CertificateBuilder(
                  rootName,
                  serial(),
                  Date.from(caStart),
                  Date.from(caEnd),
                  rootName,
                  rootPair.getPublic());
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          builder.addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
          builder.addExtension(
              Extension.subjectKeyIdentifier,
              false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootPair.getPublic()));
          root = certificate(builder, rootPair.getPrivate(), "SHA384withECDSA");
          rootKey = rootPair.getPrivate();
        }

        KeyPair intermediatePair = ecKeyPair("secp384r1");
        X500Name intermediateName =
            new X500Name("CN=Test Worldwide Developer Relations CA,OU=G6,O=Paybridge Tests,C=US");
        X509v3CertificateBuilder intermediateBuilder =
            new JcaX509v3CertificateBuilder(
                root,
                serial(),
                Date.from(caStart),
                Date.from(caEnd),
                intermediateName,
                intermediatePair.getPublic());
        intermediateBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        intermediateBuilder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        addMarker(intermediateBuilder, intermediateOid);
        X509Certificate intermediate = certificate(intermediateBuilder, rootKey, "SHA384withECDSA");

        KeyPair leafPair = ecKeyPair(leafCurve);
        X500Name leafName =
            new X500Name(
                "CN=Test ECC Mac App Store and iTunes Store Receipt Signing,"
                    + "OU=Apple Worldwide Developer Relations,O=Paybridge Tests,C=US");
        X509v3CertificateBuilder leafBuilder =
            new JcaX509v3CertificateBuilder(
                intermediate,
                serial(),
                Date.from(leafNotBefore),
                Date.from(leafNotAfter),
                leafName,
                leafPair.getPublic());
        leafBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        leafBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        addMarker(leafBuilder, leafOid);
        X509Certificate leaf =
            certificate(leafBuilder, intermediatePair.getPrivate(), "SHA384withECDSA");
        return new SigningChain(root, rootKey, intermediate, leaf, leafPair.getPrivate());
      } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
        throw new IllegalStateException("test certificate chain could not be issued", e);
      }
    }

    private static void addMarker(X509v3CertificateBuilder builder, String oid)
        throws CertIOException {
      if (oid != null) {
        builder.addExtension(new ASN1ObjectIdentifier(oid), false, DERNull.INSTANCE);
      }
    }

    private static X509Certificate certificate(
        X509v3CertificateBuilder builder, PrivateKey issuerKey, String algorithm)
        throws OperatorCreationException, GeneralSecurityException {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    }

    private static BigInteger serial() {
      return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }
  }
}
