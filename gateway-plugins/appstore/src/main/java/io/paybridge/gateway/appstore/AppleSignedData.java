package io.paybridge.gateway.appstore;

import static io.paybridge.spi.JwsAlgorithm.ES256;

import io.paybridge.spi.CompactJws;
import io.paybridge.spi.JwsException;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/**
 * Verifies the JWS the App Store signs: notifications ({@code signedPayload}), transactions ({@code
 * signedTransactionInfo}) and renewal infos ({@code signedRenewalInfo}), whether they arrive in a
 * webhook or in an App Store Server API answer.
 *
 * <p>A JWS is authentic when its header says {@code "alg":"ES256"} (nothing else is accepted, so
 * neither {@code none} nor a downgrade) and lists no critical extensions, its {@code x5c} chain
 * passes {@link AppleCertificateChain} as of the payload's own {@code signedDate} (Apple's
 * certificates rotate, and a notification retried days later must still verify against the chain
 * that signed it), and its signature, raw {@code R||S} as JWS defines for ES256, verifies over
 * {@code header.payload} with the leaf's P-256 key. The payload's claims (bundle, environment) are
 * the caller's to check.
 */
final class AppleSignedData {

  /**
   * Far above any App Store JWS (a notification with both nested JWS is about 15 KB); bounds the
   * work an attacker can cause.
   */
  static final int MAX_LENGTH = 64 * 1024;

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
    try {
      CompactJws jws = parse(token);
      jws.requireAlgorithm(ES256);
      jws.rejectCriticalExtensions();
      List<X509Certificate> x5c = jws.x5c();
      JsonObject payload = jws.payload();
      Instant signedDate = signedDate(payload, what);
      PublicKey leafKey;
      try {
        leafKey = chain.validate(x5c, signedDate);
      } catch (SignedDataException e) {
        throw new SignedDataException(
            SignedDataException.Failure.UNTRUSTED_CHAIN, what + ": " + e.getMessage());
      }
      if (!jws.signedBy(leafKey, ES256)) {
        throw new SignedDataException(
            SignedDataException.Failure.BAD_SIGNATURE,
            what + " signature does not verify with the x5c leaf key");
      }
      return new Verified(payload, signedDate);
    } catch (JwsException e) {
      throw new SignedDataException(
          SignedDataException.Failure.MALFORMED, what + ": " + e.getMessage());
    }
  }

  /**
   * The payload of the JWS a member holds ({@code signedTransactionInfo}, {@code
   * signedRenewalInfo}), verified as {@link #verify} does.
   *
   * @throws SignedDataException saying what is wrong, for the log
   */
  JsonObject verifyMember(Object value, String member) throws SignedDataException {
    return verify(token(value, member), member).payload();
  }

  /**
   * The payload of a JWS this platform has already verified, decoded with the same strictness but
   * without checking the signature again.
   */
  static JsonObject payloadOf(String token, String what) throws SignedDataException {
    try {
      return parse(token).payload();
    } catch (JwsException e) {
      throw new SignedDataException(what + ": " + e.getMessage());
    }
  }

  private static CompactJws parse(String token) throws JwsException {
    return CompactJws.parse(token, "JWS", MAX_LENGTH);
  }

  /** The text of a member that must hold a JWS, e.g. {@code signedTransactionInfo}. */
  static String token(Object value, String what) throws SignedDataException {
    if (value instanceof String s && !s.isEmpty()) {
      return s;
    }
    throw new SignedDataException(what + " is missing or not a string");
  }

  /** The payload's {@code signedDate}, milliseconds since 1970, as an instant. */
  static Instant signedDate(JsonObject payload, String what) throws SignedDataException {
    Object value = payload.getValue("signedDate");
    if (!(value instanceof Long || value instanceof Integer)) {
      throw new SignedDataException(
          SignedDataException.Failure.MALFORMED,
          what
              + " payload has no signedDate in milliseconds (it is "
              + io.paybridge.spi.Json.kindOf(value)
              + ")");
    }
    try {
      return Instant.ofEpochMilli(((Number) value).longValue());
    } catch (DateTimeException e) {
      throw new SignedDataException(
          SignedDataException.Failure.MALFORMED, what + " payload signedDate is out of range");
    }
  }
}
