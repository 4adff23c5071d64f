package io.paybridge.gateway.appstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.CompactJws;
import io.paybridge.spi.JwsAlgorithm;
import io.paybridge.spi.JwsException;
import io.paybridge.spi.X5cValidator;
import io.paybridge.testkit.SharedVectors;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The SPI's certificate-chain rules for JWS headers, on Apple's real samples in {@code
 * shared/vectors/apple} (which is why they are tested here, beside the App Store's other tests on
 * them): a real leaf and WWDR intermediate under Apple Root CA - G3, and the test notification of
 * Apple's library tests with its test root. Skipped when the samples are not beside the repository.
 */
class X5cValidatorTest {

  private static final String LEAF_OID = "1.2.840.113635.100.6.11.1";
  private static final String INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";
  private static final String G3_SHA256 =
      "63343abfb89a6a03ebb57e9b3f5fa7be7c4f5c756f3017b3a8c488c3653e9179";

  /** 2025-11-01: the real leaf (valid from 2025-09-19) and intermediate are both valid. */
  private static final Instant REAL_CHAIN_DATE = Instant.ofEpochMilli(1761962975000L);

  /** The test notification's {@code signedDate}. */
  private static final Instant TEST_SIGNED_DATE = Instant.ofEpochMilli(1681314324000L);

  private static X509Certificate apple(String name) {
    return SharedVectors.certificate("apple", name);
  }

  private static List<X509Certificate> realChain() {
    return List.of(
        apple("apple-prod-signing-leaf.der"),
        apple("apple-wwdr-g6-intermediate.der"),
        apple("apple-root-ca-g3.der"));
  }

  private static X5cValidator appleRules(String... fingerprints) {
    return X5cValidator.pinnedRoots("Apple root", List.of(fingerprints))
        .withLength(3)
        .requireExtension(0, LEAF_OID, "Apple's App Store signing extension")
        .requireExtension(1, INTERMEDIATE_OID, "Apple's WWDR intermediate extension");
  }

  private static String reason(X5cValidator validator, List<X509Certificate> chain, Instant at) {
    try {
      validator.validate(chain, at);
    } catch (JwsException e) {
      return e.getMessage();
    }
    throw new AssertionError("the chain validated");
  }

  @Test
  void theRealAppleChainValidatesToItsPinnedRootAndYieldsTheLeafKey() throws Exception {
    List<X509Certificate> chain = realChain();
    assertThat(X5cValidator.sha256Hex(chain.get(2).getEncoded())).isEqualTo(G3_SHA256);

    assertThat(appleRules(G3_SHA256).validate(chain, REAL_CHAIN_DATE))
        .isEqualTo(chain.get(0).getPublicKey());
  }

  @Test
  void theChainIsJudgedAtTheGivenInstant() {
    assertThat(reason(appleRules(G3_SHA256), realChain(), Instant.parse("2025-09-01T00:00:00Z")))
        .startsWith(
            "x5c chain does not validate to the pinned root at 2025-09-01T00:00:00Z (leaf)");
    assertThat(reason(appleRules(G3_SHA256), realChain(), Instant.parse("2045-01-01T00:00:00Z")))
        .contains("does not validate");
  }

  @Test
  void anUnpinnedRootIsRefusedByName() {
    String other = "00".repeat(32);
    assertThat(reason(appleRules(other), realChain(), REAL_CHAIN_DATE))
        .startsWith("x5c root (")
        .contains("CN=Apple Root CA - G3")
        .endsWith(") is not a trusted Apple root");
  }

  @Test
  void requiredExtensionsAreCheckedAtTheirPositions() {
    List<X509Certificate> real = realChain();
    List<X509Certificate> swapped = List.of(real.get(1), real.get(0), real.get(2));
    assertThat(reason(appleRules(G3_SHA256), swapped, REAL_CHAIN_DATE))
        .isEqualTo("x5c leaf lacks Apple's App Store signing extension " + LEAF_OID);

    X5cValidator intermediateOnLeaf =
        X5cValidator.pinnedRoots("Apple root", List.of(G3_SHA256))
            .requireExtension(0, INTERMEDIATE_OID, "the WWDR extension");
    assertThat(reason(intermediateOnLeaf, real, REAL_CHAIN_DATE))
        .isEqualTo("x5c leaf lacks the WWDR extension " + INTERMEDIATE_OID);
  }

  @Test
  void theLengthIsTheGatewaysAndAtLeastLeafAndRoot() {
    List<X509Certificate> real = realChain();
    assertThat(reason(appleRules(G3_SHA256), real.subList(1, 3), REAL_CHAIN_DATE))
        .isEqualTo("x5c must hold exactly 3 certificates (leaf, intermediate, root), not 2");
    X5cValidator anyLength = X5cValidator.pinnedRoots("root", List.of(G3_SHA256));
    assertThat(reason(anyLength, real.subList(2, 3), REAL_CHAIN_DATE))
        .startsWith("x5c must hold at least 2 certificates");
    assertThat(reason(anyLength, List.of(), REAL_CHAIN_DATE))
        .startsWith("x5c must hold at least 2 certificates");
  }

  @Test
  void aRootMayBePinnedByItsKeyAndTheTestNotificationVerifiesThatWay() throws Exception {
    // GIVEN Apple's test notification, whose x5c root is a reissue of the published test CA
    String token =
        new String(
            SharedVectors.bytes("apple", "test-notification.jws"), StandardCharsets.US_ASCII);
    CompactJws jws = CompactJws.parse(token.strip(), "JWS", 64 * 1024);
    List<X509Certificate> x5c = jws.x5c();
    X509Certificate testCa = apple("test-ca.der");
    String keyPin = X5cValidator.sha256Hex(testCa.getPublicKey().getEncoded());
    String certificatePin = X5cValidator.sha256Hex(testCa.getEncoded());

    // THEN the key pin trusts it, in any hex form, and the published certificate's own does not
    assertThat(reason(appleRules(certificatePin), x5c, TEST_SIGNED_DATE))
        .contains("is not a trusted Apple root");
    String colons = keyPin.toUpperCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
    var leafKey = appleRules(" " + colons + " ").validate(x5c, TEST_SIGNED_DATE);

    // AND the notification is ES256, signed by the chain's leaf
    assertThat(jws.requireAlgorithm(JwsAlgorithm.ES256)).isEqualTo(JwsAlgorithm.ES256);
    assertThat(jws.signedBy(leafKey, JwsAlgorithm.ES256)).isTrue();
    assertThat(jws.payload().getLong("signedDate")).isEqualTo(TEST_SIGNED_DATE.toEpochMilli());
  }

  @Test
  void fingerprintsMustBeSha256Hex() {
    assertThatThrownBy(() -> X5cValidator.pinnedRoots("root", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
    for (String bad : List.of("abc123", "zz".repeat(32), "00".repeat(33))) {
      assertThatThrownBy(() -> X5cValidator.pinnedRoots("root", List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("64 hex digits");
    }
    assertThatThrownBy(() -> X5cValidator.pinnedRoots("root", List.of(G3_SHA256)).withLength(1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
