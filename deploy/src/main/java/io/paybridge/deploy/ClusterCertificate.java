package io.paybridge.deploy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The event bus's key and certificate, the same on every member because both are derived from the
 * cluster secret: an EC P-256 key drawn from a generator seeded with a digest of the secret, and a
 * self-signed X.509 certificate for it with fixed names, dates and serial, signed with a nonce
 * drawn the same way. Every member trusts exactly this certificate, so a TLS peer is a member only
 * if it holds the key, which only the secret gives.
 *
 * @param keyPem the private key, PKCS#8 PEM
 * @param certificatePem the certificate, PEM
 */
record ClusterCertificate(String keyPem, String certificatePem) {

  private static final byte[] EC_WITH_SHA256 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
  };
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

  /**
   * Derives the key and certificate from {@code seed}, a digest of the secret: the same seed gives
   * the same bytes.
   */
  static ClusterCertificate derive(byte[] seed) {
    try {
      SecureRandom drawn = SecureRandom.getInstance("SHA1PRNG");
      // Seeded before its first use, SHA1PRNG draws from this seed alone.
      drawn.setSeed(seed);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), drawn);
      KeyPair key = generator.generateKeyPair();
      byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME, utf8("paybridge cluster"))));
      byte[] algorithm = der(0x30, EC_WITH_SHA256);
      byte[] tbs =
          der(
              0x30,
              der(0xa0, der(0x02, new byte[] {2})),
              der(0x02, new byte[] {1}),
              algorithm,
              name,
              der(0x30, time("000101000000Z"), time("491231235959Z")),
              name,
              key.getPublic().getEncoded());
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key.getPrivate(), drawn);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bitString = new byte[signature.length + 1];
      System.arraycopy(signature, 0, bitString, 1, signature.length);
      byte[] certificate = der(0x30, tbs, algorithm, der(0x03, bitString));
      // Parsed once, so a malformed certificate fails here rather than in a handshake.
      X509Certificate parsed =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(certificate));
      parsed.verify(key.getPublic());
      return new ClusterCertificate(
          pem("PRIVATE KEY", key.getPrivate().getEncoded()), pem("CERTIFICATE", certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the event bus certificate", e);
    }
  }

  private static byte[] utf8(String text) {
    return der(0x0c, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] time(String utc) {
    return der(0x17, utc.getBytes(StandardCharsets.US_ASCII));
  }

  /** A DER value: its tag, its length, and the concatenated contents. */
  private static byte[] der(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] c : contents) {
      body.writeBytes(c);
    }
    int length = body.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xff);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** The PEMs without the key. */
  @Override
  public String toString() {
    return "ClusterCertificate[" + certificatePem.length() + " characters of certificate]";
  }
}
