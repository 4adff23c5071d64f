package io.paybridge.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.config.PaybridgeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a node's master key comes from: the environment, or a file outside the data folder that
 * only its owner can read; generated into the data folder in dev mode only, never in production.
 */
@Tag("security")
class MasterKeysTest {

  @TempDir Path data;
  @TempDir Path secrets;

  private PaybridgeConfig config(String mode, String... settings) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_MODE", mode);
    env.put("PAYBRIDGE_DATA_DIR", data.toString());
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return PaybridgeConfig.from(env);
  }

  private Path keyFile(Path folder, String permissions) throws IOException {
    Path file = folder.resolve("master.key");
    Files.writeString(file, MasterKeys.generateSpec("f1") + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void productionWithoutAKeyRefusesAndWritesNoKeyFile() throws IOException {
    assertThatThrownBy(() -> MasterKeys.forNode(config("production")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_MASTER_KEY")
        .hasMessageContaining("never generates");

    try (Stream<Path> written = Files.list(data)) {
      assertThat(written).isEmpty();
    }
  }

  @Test
  void devModeWithoutAKeyGeneratesOneInTheDataFolder() {
    MasterKeys keys = MasterKeys.forNode(config("dev"));

    assertThat(keys.devKeyFile()).isEqualTo(data.resolve("master.key"));
    assertThat(data.resolve("master.key")).exists();
  }

  @Test
  void aKeyFromTheEnvironmentIsUsedAsIs() {
    String spec = MasterKeys.generateSpec("e1");

    MasterKeys keys = MasterKeys.forNode(config("production", "PAYBRIDGE_MASTER_KEY", spec));

    assertThat(keys.currentId()).isEqualTo("e1");
    assertThat(keys.devKeyFile()).isNull();
  }

  @Test
  void anOwnerOnlyKeyFileOutsideTheDataFolderIsRead() throws IOException {
    Path file = keyFile(secrets, "r--------");

    MasterKeys keys =
        MasterKeys.forNode(config("production", "PAYBRIDGE_MASTER_KEY_FILE", file.toString()));

    assertThat(keys.currentId()).isEqualTo("f1");
    assertThat(keys.devKeyFile()).isNull();
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws IOException {
    Path file = keyFile(secrets, "rw-r-----");

    assertThatThrownBy(
            () ->
                MasterKeys.forNode(
                    config("production", "PAYBRIDGE_MASTER_KEY_FILE", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_MASTER_KEY_FILE")
        .hasMessageContaining("owner only");
  }

  @Test
  void aKeyFileInsideTheDataFolderIsRefused() throws IOException {
    Path file = keyFile(Files.createDirectories(data.resolve("keys")), "r--------");

    assertThatThrownBy(
            () ->
                MasterKeys.forNode(
                    config("production", "PAYBRIDGE_MASTER_KEY_FILE", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_MASTER_KEY_FILE")
        .hasMessageContaining("outside the data folder");
  }

  @Test
  void aMissingKeyFileIsNamed() {
    assertThatThrownBy(
            () ->
                MasterKeys.forNode(
                    config(
                        "production",
                        "PAYBRIDGE_MASTER_KEY_FILE",
                        secrets.resolve("absent").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_MASTER_KEY_FILE");
  }
}
