package io.paybridge.spi;

import static io.paybridge.spi.JwsAlgorithm.EDDSA;
import static io.paybridge.spi.JwsAlgorithm.ES256;
import static io.paybridge.spi.JwsAlgorithm.RS256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Compact JWS: strict splitting and decoding, header rules, and the three signature algorithms. */
class CompactJwsTest {

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private static final KeyPair EC = keyPair("EC", "secp256r1");
  private static final KeyPair RSA = keyPair("RSA", null);
  private static final KeyPair ED25519 = keyPair("Ed25519", null);

  private static KeyPair keyPair(String algorithm, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      } else if (algorithm.equals("RSA")) {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static KeyPair keysFor(JwsAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> EC;
      case RS256 -> RSA;
      case EDDSA -> ED25519;
    };
  }

  private static String signed(JwsAlgorithm algorithm, JsonObject claims) {
    return CompactJws.sign(
        new JsonObject().put("alg", algorithm.jwsName()).put("typ", "JWT"),
        claims,
        algorithm,
        keysFor(algorithm).getPrivate());
  }

  private static JsonObject claims() {
    return new JsonObject().put("sub", "payment").put("amount", 1099);
  }

  private static String b64(String text) {
    return BASE64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(ThrowingCall call) {
    try {
      call.run();
    } catch (JwsException e) {
      return e.getMessage();
    }
    throw new AssertionError("no JwsException");
  }

  private interface ThrowingCall {
    void run() throws JwsException;
  }

  // ---- signing and verifying

  @ParameterizedTest
  @EnumSource(JwsAlgorithm.class)
  void aSignedTokenVerifiesWithItsKeyAndNoOther(JwsAlgorithm algorithm) throws Exception {
    // GIVEN a token signed with the algorithm's key
    String token = signed(algorithm, claims());

    // WHEN it is parsed and checked
    CompactJws jws = CompactJws.parse(token, "JWT", 8192);

    // THEN the header, the claims and the signature are the signer's
    assertThat(jws.requireAlgorithm(ES256, RS256, EDDSA)).isEqualTo(algorithm);
    assertThat(jws.payload()).isEqualTo(claims());
    assertThat(jws.signedBy(keysFor(algorithm).getPublic(), algorithm)).isTrue();
    PublicKey otherKey = keyPair(keyAlgorithm(algorithm), curve(algorithm)).getPublic();
    assertThat(jws.signedBy(otherKey, algorithm)).isFalse();
  }

  private static String keyAlgorithm(JwsAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> "EC";
      case RS256 -> "RSA";
      case EDDSA -> "Ed25519";
    };
  }

  private static String curve(JwsAlgorithm algorithm) {
    return algorithm == ES256 ? "secp256r1" : null;
  }

  @ParameterizedTest
  @EnumSource(JwsAlgorithm.class)
  void everySingleChangedCharacterIsRefused(JwsAlgorithm algorithm) {
    String token = signed(algorithm, claims());
    PublicKey key = keysFor(algorithm).getPublic();
    for (int i = 0; i < token.length(); i++) {
      char[] chars = token.toCharArray();
      chars[i] = chars[i] == 'A' ? 'B' : 'A';
      String changed = new String(chars);
      boolean verified;
      try {
        CompactJws jws = CompactJws.parse(changed, "JWT", 8192);
        jws.requireAlgorithm(algorithm);
        verified = jws.signedBy(key, algorithm);
      } catch (JwsException e) {
        verified = false;
      }
      assertThat(verified).as("%s, character %d changed", algorithm, i).isFalse();
    }
  }

  @Test
  void es256SignaturesAreRawRAndSNotDer() throws Exception {
    String token = signed(ES256, claims());
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    assertThat(signature).hasSize(64);

    // The same R and S as the DER sequence plain ECDSA reads verify over the same text
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initVerify(EC.getPublic());
    der.update(token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
    assertThat(der.verify(toDer(signature))).isTrue();
  }

  /** ASN.1 {@code SEQUENCE { INTEGER r, INTEGER s }} of a raw {@code R||S}. */
  private static byte[] toDer(byte[] rs) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    byte[] out = new byte[6 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + r.length + s.length);
    out[2] = 0x02;
    out[3] = (byte) r.length;
    System.arraycopy(r, 0, out, 4, r.length);
    out[4 + r.length] = 0x02;
    out[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + r.length, s.length);
    return out;
  }

  @Test
  void aKeyTheAlgorithmDoesNotUseIsRefusedWithAReason() throws Exception {
    CompactJws jws = CompactJws.parse(signed(ES256, claims()), "JWS", 8192);

    assertThat(reason(() -> jws.signedBy(RSA.getPublic(), ES256)))
        .isEqualTo("JWS signature cannot be ES256: the key is not an EC P-256 key");
    PublicKey p384 = keyPair("EC", "secp384r1").getPublic();
    assertThat(reason(() -> jws.signedBy(p384, ES256))).contains("P-256");
    assertThat(reason(() -> jws.signedBy(EC.getPublic(), EDDSA)))
        .isEqualTo("JWS signature cannot be EdDSA: the key is not an Ed25519 key");
  }

  @Test
  void aSignatureOfTheWrongLengthIsRefusedBeforeTheCheck() throws Exception {
    String token = signed(EDDSA, claims());
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    String truncated =
        token.substring(0, token.lastIndexOf('.') + 1)
            + BASE64URL.encodeToString(Arrays.copyOf(signature, 63));

    CompactJws jws = CompactJws.parse(truncated, "JWT", 8192);

    assertThat(reason(() -> jws.signedBy(ED25519.getPublic(), EDDSA)))
        .isEqualTo("Ed25519 signature must be 64 bytes, got 63");
  }

  @Test
  void signingRefusesAHeaderNamingAnotherAlgorithm() {
    JsonObject header = new JsonObject().put("alg", "HS256");
    assertThatThrownBy(() -> CompactJws.sign(header, claims(), RS256, RSA.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RS256");
  }

  @Test
  void signingWritesTheMembersInOrderWithoutPadding() throws Exception {
    JsonObject header = new JsonObject().put("alg", "EdDSA").put("kid", "k1").put("typ", "JWT");
    String token = CompactJws.sign(header, claims(), EDDSA, ED25519.getPrivate());

    assertThat(token).doesNotContain("=");
    assertThat(token.substring(0, token.indexOf('.')))
        .isEqualTo(b64("{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"JWT\"}"));
  }

  // ---- header rules

  @ParameterizedTest
  @ValueSource(strings = {"none", "HS256", "es256", "ES384", "Ed25519"})
  void onlyTheAcceptedAlgorithmsPass(String alg) throws Exception {
    String token = b64("{\"alg\":\"" + alg + "\"}") + "." + b64("{}") + ".AQID";
    CompactJws jws = CompactJws.parse(token, "JWT", 8192);

    assertThat(reason(() -> jws.requireAlgorithm(ES256, RS256)))
        .isEqualTo("JWT header alg '" + alg + "' is not accepted, only ES256 or RS256");
  }

  @Test
  void aMissingOrNonTextAlgorithmIsNamedInTheReason() throws Exception {
    CompactJws missing = CompactJws.parse(b64("{}") + "." + b64("{}") + ".AQID", "JWT", 8192);
    assertThat(reason(() -> missing.requireAlgorithm(EDDSA)))
        .isEqualTo("JWT header alg (missing) is not accepted, only EdDSA");
    CompactJws array =
        CompactJws.parse(b64("{\"alg\":[\"EdDSA\"]}") + "." + b64("{}") + ".AQID", "JWT", 8192);
    assertThat(reason(() -> array.requireAlgorithm(EDDSA))).startsWith("JWT header alg [");
  }

  @Test
  void headerAndPayloadMustBeJsonObjects() throws Exception {
    CompactJws array = CompactJws.parse(b64("[1]") + "." + b64("nope") + ".AQID", "JWT", 8192);
    assertThat(reason(array::header)).isEqualTo("JWT header is not a JSON object");
    assertThat(reason(array::payload)).isEqualTo("JWT payload is not JSON");
    assertThat(array.payloadBytes()).isEqualTo("nope".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void typMayBeAbsentOrTheExpectedOneInAnyCase() throws Exception {
    for (String header : List.of("{}", "{\"typ\":\"JWT\"}", "{\"typ\":\"jwt\"}")) {
      CompactJws.parse(b64(header) + ".e30.AQID", "JWT", 8192).checkType("JWT");
    }
    CompactJws other = CompactJws.parse(b64("{\"typ\":\"JOSE\"}") + ".e30.AQID", "JWT", 8192);
    assertThat(reason(() -> other.checkType("JWT"))).isEqualTo("JWT header typ 'JOSE' is not JWT");
  }

  @Test
  void criticalExtensionsAreRefused() throws Exception {
    CompactJws.parse(b64("{\"alg\":\"EdDSA\"}") + ".e30.AQID", "JWT", 8192)
        .rejectCriticalExtensions();
    CompactJws crit =
        CompactJws.parse(b64("{\"alg\":\"EdDSA\",\"crit\":[\"b64\"]}") + ".e30.AQID", "JWT", 8192);
    assertThat(reason(crit::rejectCriticalExtensions)).contains("critical extensions");
  }

  @Test
  void x5cMustBeAnArrayOfBase64DerCertificates() throws Exception {
    assertThat(CompactJws.parse(b64("{\"x5c\":[]}") + ".e30.AQID", "JWS", 8192).x5c()).isEmpty();
    assertThat(reason(() -> CompactJws.parse(b64("{}") + ".e30.AQID", "JWS", 8192).x5c()))
        .isEqualTo("JWS header has no x5c certificate array");
    for (Object entry : List.of(42, "", "***", "AQID")) {
      String header = new JsonObject().put("x5c", new JsonArray().add(entry)).encode();
      CompactJws jws = CompactJws.parse(b64(header) + ".e30.AQID", "JWS", 8192);
      assertThat(reason(jws::x5c)).as("%s", entry).startsWith("JWS header x5c[0] is not");
    }
    JsonArray nine = new JsonArray();
    for (int i = 0; i < 9; i++) {
      nine.add("AQID");
    }
    CompactJws tooMany =
        CompactJws.parse(
            b64(new JsonObject().put("x5c", nine).encode()) + ".e30.AQID", "JWS", 8192);
    assertThat(reason(tooMany::x5c)).contains("holds 9 certificates, more than the 8 accepted");
  }

  // ---- strict decoding

  @Test
  void partsMustBeCanonicalBase64Url() throws Exception {
    // "e30" is "{}"; "e31" decodes to the same bytes with an unused bit set
    String signature = BASE64URL.encodeToString(new byte[] {1, 2, 3});
    assertThat(CompactJws.parse("e30.e30." + signature, "JWT", 8192).payload())
        .isEqualTo(new JsonObject());
    for (String token :
        List.of(
            "e31.e30." + signature,
            "e30.e31." + signature,
            "e30.e30.AQID=",
            "e30.e30",
            "e30.e30.AQID.x",
            "e30..AQID",
            "e30.e30.AQ ID",
            "e30.e30.AQ+D",
            "e30.e30.AQ/D",
            "e30.e30.AQID\n",
            "x".repeat(8193))) {
      assertThatThrownBy(() -> CompactJws.parse(token, "JWT", 8192))
          .as(token.length() > 40 ? token.substring(0, 40) : token)
          .isInstanceOf(JwsException.class);
    }
  }

  @Test
  void reasonsNameThePartAndWhatIsWrongWithIt() {
    assertThat(reason(() -> CompactJws.parse("e30.e30.", "JWT", 8192)))
        .isEqualTo("JWT signature is empty");
    assertThat(reason(() -> CompactJws.parse("e30.e30.AQI=", "JWT", 8192)))
        .isEqualTo("JWT parts must not be padded, '=' found at character 11");
    assertThat(reason(() -> CompactJws.parse("e31.e30.AQID", "JWS", 8192)))
        .isEqualTo("JWS header is not canonical base64url (unused trailing bits are set)");
    assertThat(reason(() -> CompactJws.parse("e30.A.AQID", "JWT", 8192)))
        .isEqualTo("JWT payload is not base64url");
    assertThat(reason(() -> CompactJws.parse("e30.e30", "JWT", 8192)))
        .isEqualTo("a compact JWT has exactly 3 dot-separated parts, this token has 2");
    assertThat(reason(() -> CompactJws.parse("e30.e30.AQ ID", "JWT", 8192)))
        .isEqualTo("character 10 (U+0020) is neither base64url without padding nor '.'");
    assertThat(reason(() -> CompactJws.parse("", "JWT", 8192)))
        .isEqualTo("token is empty, a compact JWT was expected");
    assertThat(reason(() -> CompactJws.parse("e30.e30.AQID", "JWT", 11)))
        .isEqualTo("token is 12 characters, more than the 11 a JWT may have here");
  }

  @Test
  void aBodySpeaksOfBytes() throws Exception {
    assertThat(CompactJws.parse(Buffer.buffer("e30.e30.AQID"), "JWT", 100).payload())
        .isEqualTo(new JsonObject());
    assertThat(reason(() -> CompactJws.parse(Buffer.buffer("e30.e30"), "JWT", 100)))
        .isEqualTo("a compact JWT has exactly 3 dot-separated parts, this body has 2");
    assertThat(reason(() -> CompactJws.parse(Buffer.buffer("e30.e30.AQID\u00e9"), "JWT", 100)))
        .isEqualTo("byte 12 (0xc3) is neither base64url without padding nor '.'");
    assertThat(reason(() -> CompactJws.parse(Buffer.buffer("e30.e30.AQID=="), "JWT", 100)))
        .isEqualTo("JWT parts must not be padded, '=' found at byte 12");
    assertThat(reason(() -> CompactJws.parse(Buffer.buffer(), "JWT", 100)))
        .isEqualTo("body is empty, a compact JWT was expected");
    assertThat(reason(() -> CompactJws.parse(Buffer.buffer("e30.e30.AQID"), "JWT", 11)))
        .isEqualTo("body is 12 bytes, more than a JWT webhook carries");
  }

  @Test
  void aNonCanonicalFinalCharacterOfAValidSignatureIsRefused() {
    // 64 signature bytes are 86 characters: the last one carries 4 unused bits
    String token = signed(EDDSA, claims());
    char last = token.charAt(token.length() - 1);
    String sibling =
        token.substring(0, token.length() - 1) + ALPHABET.charAt(ALPHABET.indexOf(last) ^ 1);
    assertThat(Base64.getUrlDecoder().decode(sibling.substring(sibling.lastIndexOf('.') + 1)))
        .as("a lenient decoder sees the same signature")
        .isEqualTo(Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1)));

    assertThat(reason(() -> CompactJws.parse(sibling, "JWT", 8192)))
        .isEqualTo("JWT signature is not canonical base64url (unused trailing bits are set)");
  }

  // ---- keys

  @Test
  void rawEd25519KeysBecomeJdkKeys() throws Exception {
    byte[] encoded = ED25519.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);

    PublicKey key = JwsAlgorithm.ed25519PublicKey(raw);

    assertThat(key.getEncoded()).isEqualTo(encoded);
    assertThat(EDDSA.fits(key)).isTrue();
    CompactJws jws = CompactJws.parse(signed(EDDSA, claims()), "JWT", 8192);
    assertThat(jws.signedBy(key, EDDSA)).isTrue();
    assertThatThrownBy(() -> JwsAlgorithm.ed25519PublicKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }
}
