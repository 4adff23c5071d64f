package io.paybridge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Production refuses each development default in a node's settings, one sentence per setting,
 * naming it; the cluster's own rule is checked where the node is assembled (deploy's {@code
 * ModeRulesTest}).
 */
@Tag("security")
class ProductionRulesTest {

  /** Settings production accepts: an external database, a configured key, https. */
  private static Map<String, String> safe() {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_MODE", "production");
    env.put("PAYBRIDGE_DB_URL", "postgresql://paybridge:secret@db.internal:5432/paybridge");
    env.put("PAYBRIDGE_MASTER_KEY", "k1:" + "A".repeat(43) + "=");
    env.put("PAYBRIDGE_PUBLIC_URL", "https://pay.example.com");
    return env;
  }

  private static PaybridgeConfig with(String setting, String value) {
    Map<String, String> env = safe();
    if (value == null) {
      env.remove(setting);
    } else {
      env.put(setting, value);
    }
    return PaybridgeConfig.from(env);
  }

  @Test
  void safeSettingsPass() {
    PaybridgeConfig config = PaybridgeConfig.from(safe());

    assertThat(config.mode()).isEqualTo(Mode.PRODUCTION);
    assertThat(ProductionRules.refusals(config)).isEmpty();
  }

  @Test
  void aMissingMasterKeyIsRefused() {
    assertThat(ProductionRules.refusals(with("PAYBRIDGE_MASTER_KEY", null)))
        .singleElement(STRING)
        .contains("PAYBRIDGE_MASTER_KEY or PAYBRIDGE_MASTER_KEY_FILE")
        .contains("never generates");
  }

  @Test
  void aMasterKeyFileTakesTheEnvironmentsPlace() {
    Map<String, String> env = safe();
    env.remove("PAYBRIDGE_MASTER_KEY");
    env.put("PAYBRIDGE_MASTER_KEY_FILE", "/run/secrets/paybridge-master-key");

    assertThat(ProductionRules.refusals(PaybridgeConfig.from(env))).isEmpty();
  }

  @Test
  void anHttpPublicUrlIsRefused() {
    assertThat(ProductionRules.refusals(with("PAYBRIDGE_PUBLIC_URL", "http://pay.example.com")))
        .singleElement(STRING)
        .contains("PAYBRIDGE_PUBLIC_URL")
        .contains("http://pay.example.com");
    assertThat(ProductionRules.refusals(with("PAYBRIDGE_PUBLIC_URL", null)))
        .as("the default public URL is plain http")
        .singleElement(STRING)
        .contains("PAYBRIDGE_PUBLIC_URL");
  }

  @Test
  void privateSyncTargetsAreRefused() {
    assertThat(ProductionRules.refusals(with("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true")))
        .singleElement(STRING)
        .contains("PAYBRIDGE_ALLOW_PRIVATE_TARGETS");
  }

  @Test
  void theEmbeddedDatabaseIsRefused() {
    assertThat(ProductionRules.refusals(with("PAYBRIDGE_DB_URL", null)))
        .singleElement(STRING)
        .contains("PAYBRIDGE_DB_URL");
  }

  @Test
  void everySettingAtFaultIsNamedAtOnce() {
    PaybridgeConfig config = PaybridgeConfig.from(Map.of("PAYBRIDGE_MODE", "production"));

    assertThat(String.join(" ", ProductionRules.refusals(config)))
        .contains("PAYBRIDGE_MASTER_KEY", "PAYBRIDGE_PUBLIC_URL", "PAYBRIDGE_DB_URL");
  }
}
