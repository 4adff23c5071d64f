package io.paybridge.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretHasherTest {

  private final SecretHasher hasher = new SecretHasher(10_000);

  @Test
  void matchesOnlyTheSecretItHashed() {
    String hash = hasher.hash("correct horse battery");
    assertThat(hash).startsWith("pbkdf2-sha256$10000$").doesNotContain("correct");
    assertThat(hasher.matches("correct horse battery", hash)).isTrue();
    assertThat(hasher.matches("correct horse batterY", hash)).isFalse();
    assertThat(hasher.matches("", hash)).isFalse();
  }

  @Test
  void saltsDifferSoEqualSecretsHashDifferently() {
    assertThat(hasher.hash("same secret")).isNotEqualTo(hasher.hash("same secret"));
  }

  @Test
  void hashesKeepTheirWorkFactorWhenTheSettingRises() {
    String old = hasher.hash("s3cret-value");
    assertThat(new SecretHasher(20_000).matches("s3cret-value", old)).isTrue();
  }

  @Test
  void decoyAndForeignFormatsMatchNothing() {
    assertThat(hasher.matches("anything", hasher.decoy())).isFalse();
    assertThat(hasher.matches("x", "bcrypt$whatever")).isFalse();
    assertThatThrownBy(() -> new SecretHasher(10)).isInstanceOf(IllegalArgumentException.class);
  }
}
