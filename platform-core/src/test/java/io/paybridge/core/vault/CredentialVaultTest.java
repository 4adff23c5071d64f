package io.paybridge.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialVaultTest {

  private final UUID tenant = UUID.randomUUID();
  private final JsonObject creds =
      new JsonObject().put("webhookSecret", "whsec_abc").put("apiKey", "sk_test_1");

  @Test
  void sealedCredentialsOpenOnlyForTheirOwner() {
    CredentialVault vault = new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1")));
    CredentialVault.Sealed sealed = vault.seal(tenant, "stripe", creds);

    assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1))
        .doesNotContain("whsec_abc");
    assertThat(vault.open(tenant, "stripe", sealed.ciphertext(), sealed.keyId())).isEqualTo(creds);
    assertThatThrownBy(
            () -> vault.open(UUID.randomUUID(), "stripe", sealed.ciphertext(), sealed.keyId()))
        .as("moved to another tenant's row")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> vault.open(tenant, "razorpay", sealed.ciphertext(), sealed.keyId()))
        .as("moved to another gateway")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyTamperedByteIsDetected() {
    CredentialVault vault = new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1")));
    byte[] sealed = vault.seal(tenant, "stripe", creds).ciphertext();
    for (int i = 0; i < sealed.length; i++) {
      byte[] t = sealed.clone();
      t[i] ^= 0x40;
      assertThatThrownBy(() -> vault.open(tenant, "stripe", t, "k1"))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void rotationKeepsOldCiphertextReadable() {
    String old = MasterKeys.generateSpec("old");
    CredentialVault before = new CredentialVault(MasterKeys.parse(old));
    CredentialVault.Sealed sealed = before.seal(tenant, "stripe", creds);

    CredentialVault after =
        new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("new") + "," + old));
    assertThat(after.open(tenant, "stripe", sealed.ciphertext(), "old")).isEqualTo(creds);
    assertThat(after.seal(tenant, "stripe", creds).keyId()).isEqualTo("new");
    assertThatThrownBy(
            () ->
                new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("other")))
                    .open(tenant, "stripe", sealed.ciphertext(), "old"))
        .hasMessageContaining("not configured");
  }

  @Test
  void badKeySpecificationsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> MasterKeys.parse("k1:not-base64!")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> MasterKeys.parse("k1:AAAA")).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> MasterKeys.parse(" , ")).hasMessageContaining("empty");
    String k = MasterKeys.generateSpec("a");
    assertThatThrownBy(() -> MasterKeys.parse(k + "," + k)).hasMessageContaining("repeated");
  }

  @Test
  void nodesStartingTogetherOnOneDataFolderShareOneDevKey(@TempDir Path dir) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<MasterKeys>> starts = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(pool.submit(() -> MasterKeys.devKey(dir)));
      }
      byte[] first = starts.get(0).get().current();
      for (java.util.concurrent.Future<MasterKeys> f : starts) {
        assertThat(f.get().current()).isEqualTo(first);
      }
      try (java.util.stream.Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("master.key");
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void devKeyIsGeneratedOnceAndKeptPrivate(@TempDir Path dir) throws Exception {
    MasterKeys first = MasterKeys.devKey(dir);
    String stored = Files.readString(dir.resolve("master.key"));
    MasterKeys second = MasterKeys.devKey(dir);
    assertThat(Files.readString(dir.resolve("master.key"))).isEqualTo(stored);
    assertThat(second.current()).isEqualTo(first.current());
    assertThat(Files.getPosixFilePermissions(dir.resolve("master.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }
}
