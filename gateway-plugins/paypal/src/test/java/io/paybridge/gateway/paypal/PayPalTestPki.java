package io.paybridge.gateway.paypal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for tests: root and intermediate CAs and signing leaves, built with
 * Bouncy Castle (the JDK has no public API to issue certificates) and signed SHA256withRSA, so the
 * plugin's chain validation runs against real X.509 paths. Nothing here is trusted outside tests.
 */
public final class PayPalTestPki {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ORGANISATION = ", O=Paybridge Test PKI, C=US";

  private PayPalTestPki() {}

  /** A key pair and the certificate issued for it. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    public PrivateKey privateKey() {
      return keys.getPrivate();
    }
  }

  /** A fresh RSA key pair of the given size. */
  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation failed", e);
    }
  }

  /** A self-signed root CA. */
  public static Issued rootCa(String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = rsa(2048);
    X500Principal name = new X500Principal("CN=" + commonName + ORGANISATION);
    return new Issued(
        keys,
        sign(
            new JcaX509v3CertificateBuilder(
                name, serial(), Date.from(notBefore), Date.from(notAfter), name, keys.getPublic()),
            keys.getPrivate(),
            keys.getPublic(),
            keys.getPublic(),
            true));
  }

  /** A CA certificate issued by {@code issuer}. */
  public static Issued intermediateCa(
      Issued issuer, String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = rsa(2048);
    return new Issued(
        keys,
        sign(
            new JcaX509v3CertificateBuilder(
                issuer.certificate(),
                serial(),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Principal("CN=" + commonName + ORGANISATION),
                keys.getPublic()),
            issuer.privateKey(),
            keys.getPublic(),
            issuer.certificate().getPublicKey(),
            true));
  }

  /** A signing (end-entity) certificate for a fresh 2048-bit key, issued by {@code issuer}. */
  public static Issued leaf(Issued issuer, String commonName, Instant notBefore, Instant notAfter) {
    return leaf(issuer, commonName, notBefore, notAfter, rsa(2048));
  }

  /** A signing (end-entity) certificate for the given key, issued by {@code issuer}. */
  public static Issued leaf(
      Issued issuer, String commonName, Instant notBefore, Instant notAfter, KeyPair keys) {
    return new Issued(
        keys,
        sign(
            new JcaX509v3CertificateBuilder(
                issuer.certificate(),
                serial(),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Principal("CN=" + commonName + ORGANISATION),
                keys.getPublic()),
            issuer.privateKey(),
            keys.getPublic(),
            issuer.certificate().getPublicKey(),
            false));
  }

  /** A self-signed end-entity certificate: right name, but vouched for by nobody. */
  public static Issued selfSignedLeaf(String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = rsa(2048);
    X500Principal name = new X500Principal("CN=" + commonName + ORGANISATION);
    return new Issued(
        keys,
        sign(
            new JcaX509v3CertificateBuilder(
                name, serial(), Date.from(notBefore), Date.from(notAfter), name, keys.getPublic()),
            keys.getPrivate(),
            keys.getPublic(),
            keys.getPublic(),
            false));
  }

  /** The certificates as a PEM bundle, in the order given. */
  public static String pem(X509Certificate... certificates) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate certificate : certificates) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(encoder.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("certificate cannot be encoded", e);
      }
    }
    return out.toString();
  }

  private static X509Certificate sign(
      X509v3CertificateBuilder builder,
      PrivateKey signer,
      PublicKey subjectKey,
      PublicKey issuerKey,
      boolean ca) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(
                  ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(subjectKey))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(issuerKey));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException("certificate could not be issued", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }
}
