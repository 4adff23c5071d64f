package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An account's credentials as plugins read them. */
class CredentialsTest {

  @Test
  void theFirstMissingCredentialIsNamed() {
    Credentials credentials = Credentials.of("secretKey", "s", "shopId", "", "other", "x");
    assertThat(credentials.firstMissing("secretKey", "other")).isNull();
    assertThat(credentials.firstMissing("secretKey", "shopId")).isEqualTo("shopId");
    assertThat(credentials.firstMissing("absent", "shopId")).isEqualTo("absent");
  }

  @Test
  void toStringNamesTheFieldsNeverTheValues() {
    assertThat(Credentials.of("secretKey", "s3cret").toString())
        .isEqualTo("Credentials[secretKey]")
        .doesNotContain("s3cret");
  }
}
