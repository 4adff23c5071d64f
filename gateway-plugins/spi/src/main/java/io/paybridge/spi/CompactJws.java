package io.paybridge.spi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;

/**
 * A compact JWS (RFC 7515 §7.1) or JWT as gateways send them (Apple's signed data, Code's webhooks,
 * Google's OpenID Connect tokens): split and decoded strictly, its header checked, its signature
 * verified, on the JDK alone and without blocking.
 *
 * <p>Strict means: exactly three non-empty parts of the base64url alphabet, no padding, no
 * whitespace, and no part whose unused trailing bits are set, because each part must re-encode to
 * exactly the text received. Without that last rule a lenient decoder maps some single-character
 * changes of a token to the same bytes, and the changed token still verifies.
 *
 * <p>A reason names the token as the caller calls it ({@code JWT}, {@code JWS}), e.g. {@code JWT
 * signature is empty}; callers add what the token is for. Checking a JWS is a sequence the plugin
 * writes out: {@link #parse}, {@link #requireAlgorithm}, whatever header rules the gateway adds
 * ({@link #checkType}, {@link #rejectCriticalExtensions}, {@link #x5c}), then {@link #signedBy}
 * with the key the gateway's scheme names. Instances are not shared between threads.
 */
public final class CompactJws {

  /** Most certificates an {@code x5c} header may carry; real chains have two to four. */
  public static final int MAX_X5C_CERTIFICATES = 8;

  /** Longest base64 text of one {@code x5c} certificate; real ones are 1 to 2 KB. */
  private static final int MAX_CERTIFICATE_TEXT = 8 * 1024;

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final String name;
  private final byte[] signingInput;
  private final byte[] headerBytes;
  private final byte[] payloadBytes;
  private final byte[] signature;
  private JsonObject header;
  private JsonObject payload;

  private CompactJws(
      String name, byte[] signingInput, byte[] header, byte[] payload, byte[] signature) {
    this.name = name;
    this.signingInput = signingInput;
    this.headerBytes = header;
    this.payloadBytes = payload;
    this.signature = signature;
  }

  /**
   * Splits and decodes a token, e.g. a JSON member or a bearer token; nothing is verified yet.
   *
   * @param name how reasons name the token, e.g. {@code JWT}
   * @param maxLength most characters accepted: bounds the work a sender can cause
   * @throws JwsException saying why the text is not a canonical compact JWS
   */
  public static CompactJws parse(String token, String name, int maxLength) throws JwsException {
    if (token == null || token.isEmpty()) {
      throw new JwsException("token is empty, a compact " + name + " was expected");
    }
    if (token.length() > maxLength) {
      throw new JwsException(
          "token is "
              + token.length()
              + " characters, more than the "
              + maxLength
              + " a "
              + name
              + " may have here");
    }
    return split(token, name, false);
  }

  /**
   * Splits and decodes a request body that is a compact JWS (Code posts {@code application/jwt});
   * nothing is verified yet.
   *
   * @param name how reasons name the token, e.g. {@code JWT}
   * @param maxBytes most bytes accepted: bounds the work a sender can cause
   * @throws JwsException saying why the body is not a canonical compact JWS
   */
  public static CompactJws parse(Buffer body, String name, int maxBytes) throws JwsException {
    int length = body.length();
    if (length == 0) {
      throw new JwsException("body is empty, a compact " + name + " was expected");
    }
    if (length > maxBytes) {
      throw new JwsException(
          "body is " + length + " bytes, more than a " + name + " webhook carries");
    }
    // One byte, one character: positions in reasons stay byte positions.
    return split(body.toString(StandardCharsets.ISO_8859_1), name, true);
  }

  private static CompactJws split(String text, String name, boolean body) throws JwsException {
    String unit = body ? "byte" : "character";
    int firstDot = -1;
    int secondDot = -1;
    int dots = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        dots++;
        if (dots == 1) {
          firstDot = i;
        } else if (dots == 2) {
          secondDot = i;
        }
      } else if (c == '=') {
        throw new JwsException(name + " parts must not be padded, '=' found at " + unit + " " + i);
      } else if (!isBase64UrlChar(c)) {
        throw new JwsException(
            unit
                + " "
                + i
                + (body
                    ? " (0x" + Integer.toHexString(c) + ")"
                    : " (U+" + String.format("%04X", (int) c) + ")")
                + " is neither base64url without padding nor '.'");
      }
    }
    if (dots != 2) {
      throw new JwsException(
          "a compact "
              + name
              + " has exactly 3 dot-separated parts, this "
              + (body ? "body" : "token")
              + " has "
              + (dots + 1));
    }
    byte[] header = decodePart(name, "header", text.substring(0, firstDot));
    byte[] payload = decodePart(name, "payload", text.substring(firstDot + 1, secondDot));
    byte[] signature = decodePart(name, "signature", text.substring(secondDot + 1));
    byte[] signingInput = text.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    return new CompactJws(name, signingInput, header, payload, signature);
  }

  private static byte[] decodePart(String name, String part, String text) throws JwsException {
    if (text.isEmpty()) {
      throw new JwsException(name + " " + part + " is empty");
    }
    byte[] decoded;
    try {
      decoded = DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      throw new JwsException(name + " " + part + " is not base64url");
    }
    if (!ENCODER.encodeToString(decoded).equals(text)) {
      throw new JwsException(
          name + " " + part + " is not canonical base64url (unused trailing bits are set)");
    }
    return decoded;
  }

  private static boolean isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /**
   * The JOSE header.
   *
   * @throws JwsException when it is not a JSON object
   */
  public JsonObject header() throws JwsException {
    if (header == null) {
      header = jsonObject("header", headerBytes);
    }
    return header;
  }

  /**
   * The payload (a JWT's claims) as a JSON object.
   *
   * @throws JwsException when it is not one
   */
  public JsonObject payload() throws JwsException {
    if (payload == null) {
      payload = jsonObject("payload", payloadBytes);
    }
    return payload;
  }

  /** The decoded payload bytes, for payloads read another way; a copy. */
  public byte[] payloadBytes() {
    return payloadBytes.clone();
  }

  private JsonObject jsonObject(String part, byte[] bytes) throws JwsException {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(Buffer.buffer(bytes));
    } catch (DecodeException e) {
      throw new JwsException(name + " " + part + " is not JSON");
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new JwsException(name + " " + part + " is not a JSON object");
  }

  /**
   * The header's {@code alg}, which must name one of {@code accepted} exactly: nothing else is
   * taken, so neither {@code none} nor an HMAC keyed with a public key, nor a downgrade.
   *
   * @throws JwsException naming the algorithm found and the ones accepted
   */
  public JwsAlgorithm requireAlgorithm(JwsAlgorithm... accepted) throws JwsException {
    Object alg = header().getValue("alg");
    StringJoiner names = new StringJoiner(" or ");
    for (JwsAlgorithm algorithm : accepted) {
      if (algorithm.jwsName().equals(alg)) {
        return algorithm;
      }
      names.add(algorithm.jwsName());
    }
    throw new JwsException(
        name + " header alg " + describe(alg) + " is not accepted, only " + names);
  }

  /**
   * Checks the header's {@code typ}, which may be absent; present, it must be {@code expected} in
   * any case (RFC 7515 §4.1.9).
   */
  public void checkType(String expected) throws JwsException {
    Object typ = header().getValue("typ");
    if (typ != null && !(typ instanceof String t && t.equalsIgnoreCase(expected))) {
      throw new JwsException(name + " header typ " + describe(typ) + " is not " + expected);
    }
  }

  /**
   * Refuses a header with {@code crit}: the extensions it names would change what the signature
   * means, and none is supported (RFC 7515 §4.1.11).
   */
  public void rejectCriticalExtensions() throws JwsException {
    if (header().containsKey("crit")) {
      throw new JwsException(
          name + " header lists critical extensions, none of which are supported");
    }
  }

  /**
   * The certificates of the header's {@code x5c} (RFC 7515 §4.1.6), in order, leaf first: each
   * entry standard base64 of exactly one DER certificate. An empty array gives an empty list; how
   * many a chain needs, and whom it must lead to, is the {@link X5cValidator}'s to say.
   *
   * @throws JwsException when there is no such array, it is longer than {@value
   *     #MAX_X5C_CERTIFICATES}, or an entry is not a certificate
   */
  public List<X509Certificate> x5c() throws JwsException {
    if (!(header().getValue("x5c") instanceof JsonArray x5c)) {
      throw new JwsException(name + " header has no x5c certificate array");
    }
    if (x5c.size() > MAX_X5C_CERTIFICATES) {
      throw new JwsException(
          name
              + " header x5c holds "
              + x5c.size()
              + " certificates, more than the "
              + MAX_X5C_CERTIFICATES
              + " accepted");
    }
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 certificate factory unavailable", e);
    }
    List<X509Certificate> certificates = new ArrayList<>(x5c.size());
    for (int i = 0; i < x5c.size(); i++) {
      certificates.add(certificate(factory, x5c.getValue(i), name + " header x5c[" + i + "]"));
    }
    return certificates;
  }

  private static X509Certificate certificate(CertificateFactory factory, Object entry, String what)
      throws JwsException {
    if (!(entry instanceof String text) || text.isEmpty() || text.length() > MAX_CERTIFICATE_TEXT) {
      throw new JwsException(what + " is not a certificate");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new JwsException(what + " is not base64");
    }
    try {
      X509Certificate certificate =
          (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(certificate.getEncoded(), der)) {
        throw new JwsException(what + " is not exactly one DER certificate");
      }
      return certificate;
    } catch (CertificateException | ClassCastException e) {
      throw new JwsException(what + " is not an X.509 certificate");
    }
  }

  /**
   * Whether {@code key} made this JWS's signature under {@code algorithm}, over the ASCII text
   * {@code header.payload} exactly as received.
   *
   * @return {@code false} when the signature does not verify with the key
   * @throws JwsException when the key is not one the algorithm uses, the signature cannot be one of
   *     the algorithm's (wrong length), or the JDK cannot check it
   */
  public boolean signedBy(PublicKey key, JwsAlgorithm algorithm) throws JwsException {
    if (!algorithm.fits(key)) {
      throw new JwsException(
          name
              + " signature cannot be "
              + algorithm
              + ": the key is not "
              + algorithm.keyDescription());
    }
    int expected = algorithm.signatureLength();
    if (expected >= 0 && signature.length != expected) {
      throw new JwsException(
          algorithm.label() + " signature must be " + expected + " bytes, got " + signature.length);
    }
    try {
      Signature verifier = Signature.getInstance(algorithm.jcaName());
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new JwsException(name + " signature could not be checked: " + e.getMessage());
    }
  }

  /**
   * Writes and signs a compact JWS: {@code base64url(header).base64url(payload).base64url(sig)},
   * members in the order the objects hold them.
   *
   * @throws IllegalArgumentException when the header's {@code alg} is not {@code algorithm}
   */
  public static String sign(
      JsonObject header, JsonObject payload, JwsAlgorithm algorithm, PrivateKey key) {
    if (!algorithm.jwsName().equals(header.getValue("alg"))) {
      throw new IllegalArgumentException(
          "the header must name alg " + algorithm + ", not " + header.getValue("alg"));
    }
    String signingInput =
        ENCODER.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + ENCODER.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance(algorithm.jcaName());
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + ENCODER.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " signing failed: " + e.getMessage(), e);
    }
  }

  /** A header value for a reason: quoted when text, bounded in length. */
  private static String describe(Object value) {
    if (value == null) {
      return "(missing)";
    }
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }
}
