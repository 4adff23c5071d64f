package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.vault.MasterKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node's mode asks at start: production refuses a cluster without a secret (the node's own
 * settings are {@code ProductionRulesTest}'s), naming the setting; dev mode says in one line what
 * it relaxed.
 */
@Tag("security")
class ModeRulesTest {

  private static final String SECRET = "s".repeat(ClusterSettings.MIN_SECRET_LENGTH);

  @TempDir Path data;

  /** Production settings that pass on their own, and a cluster of two. */
  private static Map<String, String> production() {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_MODE", "production");
    env.put("PAYBRIDGE_DB_URL", "postgresql://paybridge:secret@db.internal:5432/paybridge");
    env.put("PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("k1"));
    env.put("PAYBRIDGE_PUBLIC_URL", "https://pay.example.com");
    env.put("PAYBRIDGE_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701");
    return env;
  }

  @Test
  void productionRefusesAClusterWithoutASecret() {
    Map<String, String> env = production();

    assertThatThrownBy(
            () -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), ClusterSettings.from(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_CLUSTER_SECRET")
        .hasMessageContaining("PAYBRIDGE_CLUSTER_MEMBERS")
        .hasMessageContaining("PAYBRIDGE_MODE=dev");
  }

  @Test
  void productionRefusesAShortClusterSecret() {
    Map<String, String> env = production();
    env.put("PAYBRIDGE_CLUSTER_SECRET", "short");

    assertThatThrownBy(
            () -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), ClusterSettings.from(env)))
        .hasMessageContaining("PAYBRIDGE_CLUSTER_SECRET must be at least");
  }

  @Test
  void productionTakesAClusterWithASecretAndASingleNodeWithout() {
    Map<String, String> env = production();
    env.put("PAYBRIDGE_CLUSTER_SECRET", SECRET);
    assertThatCode(
            () -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), ClusterSettings.from(env)))
        .doesNotThrowAnyException();

    Map<String, String> single = production();
    single.remove("PAYBRIDGE_CLUSTER_MEMBERS");
    assertThatCode(
            () ->
                ModeRules.refuseUnsafe(PaybridgeConfig.from(single), ClusterSettings.from(single)))
        .doesNotThrowAnyException();
  }

  @Test
  void theClusterSecretIsNeverPrinted() {
    Map<String, String> env = production();
    env.put("PAYBRIDGE_CLUSTER_SECRET", SECRET);

    assertThat(ClusterSettings.from(env).toString()).doesNotContain(SECRET).contains("secret=set");
  }

  @Test
  void devModeSaysInOneLineWhatItRelaxed() {
    Map<String, String> env =
        Map.of("PAYBRIDGE_DATA_DIR", data.toString(), "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
    PaybridgeConfig config = PaybridgeConfig.from(env);

    String line =
        ModeRules.relaxations(config, ClusterSettings.from(env), MasterKeys.forNode(config), true);

    assertThat(line)
        .doesNotContain("\n")
        .startsWith("dev mode: ")
        .contains("master key generated beside the data in " + data.resolve("master.key"))
        .contains("embedded PostgreSQL")
        .contains("console cookies not Secure")
        .contains("private addresses")
        .contains("HTTP on 127.0.0.1 only")
        .contains("PAYBRIDGE_MODE=production");
    // private targets are an opt-in: without it, the line does not claim them
    Map<String, String> plain = Map.of("PAYBRIDGE_DATA_DIR", data.toString());
    PaybridgeConfig defaults = PaybridgeConfig.from(plain);
    assertThat(
            ModeRules.relaxations(
                defaults, ClusterSettings.from(plain), MasterKeys.forNode(defaults), true))
        .doesNotContain("private addresses");
  }

  @Test
  void productionHasNothingToSayAtStart() {
    Map<String, String> env = production();
    PaybridgeConfig config = PaybridgeConfig.from(env);

    assertThat(
            ModeRules.relaxations(
                config, ClusterSettings.from(env), MasterKeys.forNode(config), false))
        .isNull();
  }
}
