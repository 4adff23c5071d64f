package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PHP form signatures: a digest of chosen values joined by ':' with the secret. */
class FormSignatureTest {

  private static final FormSignature SHA256_UPPER = new FormSignature("SHA-256", true, "sign");
  private static final FormSignature MD5_LOWER = new FormSignature("MD5", false, "sign");

  private static FormBody form(String body) {
    return FormBody.parse(body.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String digest(String algorithm, String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theSignatureCoversTheValuesAsReceivedInOrderThenTheSecret() throws Exception {
    FormBody form = form("b=2&a=x+y%3A&c=3");

    assertThat(MD5_LOWER.sign(form, List.of("a", "b"), "s3cret"))
        .isEqualTo(digest("MD5", "x y::2:s3cret"));
    assertThat(SHA256_UPPER.sign(form, List.of("c", "a"), "s3cret"))
        .isEqualTo(digest("SHA-256", "3:x y::s3cret").toUpperCase());
    assertThatThrownBy(() -> MD5_LOWER.sign(form, List.of("a", "z"), "s3cret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'z'");
  }

  @Test
  void aSignedFormVerifiesAndAnyChangeDoesNot() throws Exception {
    String sign = digest("SHA-256", "1:2:key").toUpperCase();
    List<String> fields = List.of("a", "b");

    assertThat(SHA256_UPPER.verify(form("a=1&b=2&sign=" + sign), fields, "key").authentic())
        .isTrue();
    assertThat(SHA256_UPPER.verify(form("a=1&b=3&sign=" + sign), fields, "key").authentic())
        .isFalse();
    assertThat(SHA256_UPPER.verify(form("a=1&b=2&sign=" + sign), fields, "other").reason())
        .isEqualTo("'sign' does not match the SHA-256 of the signed fields and key");
    assertThat(
            SHA256_UPPER
                .verify(form("a=1&b=2&sign=" + sign.toLowerCase()), fields, "key")
                .authentic())
        .as("compared as the gateway writes it")
        .isFalse();
  }

  @Test
  void aMissingFieldOrSignatureIsNamed() {
    assertThat(MD5_LOWER.verify(form("a=1&sign=x"), List.of("a", "b"), "key").reason())
        .isEqualTo("the notification has no signed field 'b'");
    assertThat(MD5_LOWER.verify(form("a=1&b=2"), List.of("a", "b"), "key").reason())
        .isEqualTo("the notification has no 'sign'");
  }
}
