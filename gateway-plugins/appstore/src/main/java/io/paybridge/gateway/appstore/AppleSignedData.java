package io.paybridge.gateway.appstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Verifies the JWS the App Store signs: notifications ({@code signedPayload}), transactions ({@code
 * signedTransactionInfo}) and renewal infos ({@code signedRenewalInfo}), whether they arrive in a
 * webhook or in an App Store Server API answer.
 *
 * <p>A JWS is authentic when its header says {@code "alg":"ES256"} (nothing else is accepted, so
 * neither {@code none} nor a downgrade), its {@code x5c} chain passes {@link AppleCertificateChain}
 * as of the payload's own {@code signedDate} (Apple's certificates rotate, and a notification
 * retried days later must still verify against the chain that signed it), and its signature, raw
 * {@code R||S} as JWS defines for ES256, verifies over {@code header.payload} with the leaf's P-256
 * key. The payload's claims (bundle, environment) are the caller's to check.
 */
final class AppleSignedData {

  /** Longest base64 text of one certificate; Apple's are about 1.5 KB. */
  private static final int MAX_CERTIFICATE_TEXT = 8 * 1024;

  /** Length of an ES256 signature: R and S, 32 bytes each (RFC 7518 §3.4). */
  private static final int ES256_SIGNATURE_LENGTH = 64;

  private static final BigInteger P256_ORDER = p256Order();

  private final AppleCertificateChain chain;

  AppleSignedData(AppleCertificateChain chain) {
    this.chain = chain;
  }

  /** An authentic payload and the time Apple signed it. */
  record Verified(JsonObject payload, Instant signedDate) {}

  /**
   * Verifies a JWS and returns its payload.
   *
   * @param what names the token in error messages, e.g. {@code signedTransactionInfo}
   * @throws SignedDataException saying what is wrong, for the log
   */
  Verified verify(String token, String what) throws SignedDataException {
    CompactJws jws = CompactJws.parse(token, what);
    JsonObject header = jsonObject(jws.header(), what + " header");
    Object alg = header.getValue("alg");
    if (!"ES256".equals(alg)) {
      throw new SignedDataException(what + " header alg is " + alg + ", only ES256 is accepted");
    }
    if (header.containsKey("crit")) {
      throw new SignedDataException(what + " header has critical extensions this verifier lacks");
    }
    List<X509Certificate> x5c = certificates(header, what);
    JsonObject payload = jsonObject(jws.payload(), what + " payload");
    Instant signedDate = signedDate(payload, what);
    PublicKey leafKey;
    try {
      leafKey = chain.validate(x5c, signedDate);
    } catch (SignedDataException e) {
      throw new SignedDataException(what + ": " + e.getMessage());
    }
    if (!isP256(leafKey)) {
      throw new SignedDataException(what + ": the x5c leaf key is not an EC P-256 key");
    }
    if (jws.signature().length != ES256_SIGNATURE_LENGTH) {
      throw new SignedDataException(
          what
              + " signature is "
              + jws.signature().length
              + " bytes, ES256 signatures are "
              + ES256_SIGNATURE_LENGTH);
    }
    boolean valid;
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(leafKey);
      verifier.update(jws.signingInput());
      valid = verifier.verify(jws.signature());
    } catch (GeneralSecurityException e) {
      throw new SignedDataException(what + " signature could not be checked: " + e.getMessage());
    }
    if (!valid) {
      throw new SignedDataException(what + " signature does not verify with the x5c leaf key");
    }
    return new Verified(payload, signedDate);
  }

  /**
   * The payload of a JWS this platform has already verified, decoded with the same strictness but
   * without checking the signature again.
   */
  static JsonObject payloadOf(String token, String what) throws SignedDataException {
    return jsonObject(CompactJws.parse(token, what).payload(), what + " payload");
  }

  /** The payload's {@code signedDate}, milliseconds since 1970, as an instant. */
  static Instant signedDate(JsonObject payload, String what) throws SignedDataException {
    Object value = payload.getValue("signedDate");
    if (!(value instanceof Long || value instanceof Integer)) {
      throw new SignedDataException(
          what + " payload has no signedDate in milliseconds (" + describe(value) + ")");
    }
    try {
      return Instant.ofEpochMilli(((Number) value).longValue());
    } catch (DateTimeException e) {
      throw new SignedDataException(what + " payload signedDate is out of range");
    }
  }

  private static List<X509Certificate> certificates(JsonObject header, String what)
      throws SignedDataException {
    if (!(header.getValue("x5c") instanceof JsonArray x5c)) {
      throw new SignedDataException(what + " header has no x5c certificate array");
    }
    if (x5c.size() != 3) {
      throw new SignedDataException(
          what + " header x5c holds " + x5c.size() + " certificates, Apple sends exactly 3");
    }
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 certificate factory unavailable", e);
    }
    List<X509Certificate> certificates = new ArrayList<>(3);
    for (int i = 0; i < x5c.size(); i++) {
      if (!(x5c.getValue(i) instanceof String text)
          || text.isEmpty()
          || text.length() > MAX_CERTIFICATE_TEXT) {
        throw new SignedDataException(what + " header x5c[" + i + "] is not a certificate");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new SignedDataException(what + " header x5c[" + i + "] is not base64");
      }
      try {
        X509Certificate certificate =
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        if (!Arrays.equals(certificate.getEncoded(), der)) {
          throw new SignedDataException(
              what + " header x5c[" + i + "] is not exactly one DER certificate");
        }
        certificates.add(certificate);
      } catch (CertificateException | ClassCastException e) {
        throw new SignedDataException(what + " header x5c[" + i + "] is not an X.509 certificate");
      }
    }
    return certificates;
  }

  private static JsonObject jsonObject(byte[] bytes, String what) throws SignedDataException {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(Buffer.buffer(bytes));
    } catch (DecodeException e) {
      throw new SignedDataException(what + " is not JSON");
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new SignedDataException(what + " is not a JSON object");
  }

  private static boolean isP256(PublicKey key) {
    if (!(key instanceof ECPublicKey ec)) {
      return false;
    }
    ECParameterSpec params = ec.getParams();
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

  private static String describe(Object value) {
    return value == null ? "missing" : value.getClass().getSimpleName();
  }
}
