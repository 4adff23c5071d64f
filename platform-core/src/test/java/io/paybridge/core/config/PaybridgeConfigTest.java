package io.paybridge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PaybridgeConfigTest {

  @Test
  void defaultsDescribeDevMode() {
    PaybridgeConfig c = PaybridgeConfig.from(Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(c.dbUrl()).isNull();
    assertThat(c.masterKey()).isNull();
    assertThat(c.dataDir().isAbsolute()).isTrue();
    assertThat(c.dataDir().getFileName().toString()).isEqualTo("data");
    assertThat(c.maxWebhookBytes()).isEqualTo(256 * 1024);
    assertThat(c.maxSyncTargets()).isEqualTo(10);
    assertThat(c.maxApiClients()).isEqualTo(20);
  }

  @Test
  void privateSyncTargetsAreAnExplicitOptInEvenInDevMode() {
    assertThat(PaybridgeConfig.from(Map.of()).allowPrivateTargets()).isFalse();
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_DB_URL", "postgresql://u:p@db:5432/pb"))
                .allowPrivateTargets())
        .isFalse();
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"))
                .allowPrivateTargets())
        .isTrue();
    assertThatThrownBy(
            () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "yes please")))
        .hasMessageContaining("PAYBRIDGE_ALLOW_PRIVATE_TARGETS");
  }

  @Test
  void perTenantCapsAreSettingsOfAtLeastOne() {
    PaybridgeConfig c =
        PaybridgeConfig.from(
            Map.of("PAYBRIDGE_MAX_SYNC_TARGETS", "3", "PAYBRIDGE_MAX_API_CLIENTS", "4"));
    assertThat(c.maxSyncTargets()).isEqualTo(3);
    assertThat(c.maxApiClients()).isEqualTo(4);
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_MAX_SYNC_TARGETS", "0")))
        .hasMessageContaining("PAYBRIDGE_MAX_SYNC_TARGETS");
  }

  @Test
  void environmentOverridesAndGatewaySettingsAreCollected() {
    PaybridgeConfig c =
        PaybridgeConfig.from(
            Map.of(
                "PAYBRIDGE_HTTP_PORT", "9090",
                "PAYBRIDGE_PUBLIC_URL", "https://pay.example.com/",
                "PAYBRIDGE_DB_URL", "postgresql://u:p@db:5432/pb",
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE", "http://127.0.0.1:1234"));
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.publicUrl()).isEqualTo("https://pay.example.com");
    assertThat(c.dbUrl()).isEqualTo("postgresql://u:p@db:5432/pb");
    assertThat(c.gatewaySettings()).containsEntry("stripe.api.base", "http://127.0.0.1:1234");
    assertThat(c.toString()).doesNotContain("u:p@");
  }

  @Test
  void badNumbersNameTheVariable() {
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_HTTP_PORT", "eighty")))
        .hasMessageContaining("PAYBRIDGE_HTTP_PORT");
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_HTTP_PORT", "70000")))
        .hasMessageContaining("PAYBRIDGE_HTTP_PORT");
  }
}
