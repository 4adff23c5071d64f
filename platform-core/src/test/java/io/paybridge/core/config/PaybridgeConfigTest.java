package io.paybridge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.throttle.ThrottleSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("security")
class PaybridgeConfigTest {

  @Test
  void defaultsDescribeDevMode() {
    PaybridgeConfig c = PaybridgeConfig.from(Map.of());
    assertThat(c.mode()).isEqualTo(Mode.DEV);
    assertThat(c.httpHost()).as("dev mode listens on loopback only").isEqualTo("127.0.0.1");
    assertThat(c.allowPrivateTargets()).as("private sync targets are an explicit opt-in").isFalse();
    assertThat(c.consoleSessionLifetime()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(c.tokenKeyRotation()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(c.dbUrl()).isNull();
    assertThat(c.masterKey()).isNull();
    assertThat(c.dataDir().isAbsolute()).isTrue();
    assertThat(c.dataDir().getFileName().toString()).isEqualTo("data");
    assertThat(c.maxWebhookBytes()).isEqualTo(256 * 1024);
    assertThat(c.maxSyncTargets()).isEqualTo(10);
    assertThat(c.maxApiClients()).isEqualTo(20);
    assertThat(c.metricsPort()).as("dev mode keeps /metrics on its one port").isEqualTo(-1);
    assertThat(c.payerContactRetention()).isEqualTo(java.time.Duration.ofDays(365));
    assertThat(c.trustedProxies().any())
        .as("no proxy is trusted: the client is the connection's peer")
        .isFalse();
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_DB_URL", "postgresql://u:p@db:5432/pay"))
                .metricsPort())
        .as("production serves /metrics on a management port")
        .isEqualTo(PaybridgeConfig.DEFAULT_METRICS_PORT);
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
  void holdingFloodsBackIsOffUnlessALatencyTargetIsSet() {
    assertThat(PaybridgeConfig.from(Map.of()).ingestShares().latencyTarget()).isZero();
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_INGEST_LATENCY_TARGET_MS", "25"))
                .ingestShares()
                .latencyTarget())
        .isEqualTo(Duration.ofMillis(25));
    assertThatThrownBy(
            () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_INGEST_LATENCY_TARGET_MS", "-1")))
        .hasMessageContaining("PAYBRIDGE_INGEST_LATENCY_TARGET_MS");
    assertThatThrownBy(
            () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_INGEST_LATENCY_TARGET_MS", "soon")))
        .hasMessageContaining("PAYBRIDGE_INGEST_LATENCY_TARGET_MS");
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
  void anExternalDatabaseMeansProductionUnlessDevIsSaid() {
    Map<String, String> external = Map.of("PAYBRIDGE_DB_URL", "postgresql://u:p@db:5432/pb");
    PaybridgeConfig production = PaybridgeConfig.from(external);
    assertThat(production.mode()).isEqualTo(Mode.PRODUCTION);
    assertThat(production.httpHost()).isEqualTo("0.0.0.0");
    assertThat(production.allowPrivateTargets()).isFalse();

    Map<String, String> dev = new java.util.HashMap<>(external);
    dev.put("PAYBRIDGE_MODE", "dev");
    assertThat(PaybridgeConfig.from(dev).mode()).isEqualTo(Mode.DEV);
    assertThat(PaybridgeConfig.from(dev).httpHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void devModeListensWhereTheHostSettingSays() {
    PaybridgeConfig c = PaybridgeConfig.from(Map.of("PAYBRIDGE_HTTP_HOST", "0.0.0.0"));

    assertThat(c.mode()).isEqualTo(Mode.DEV);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void modeAndKeySettingsAreChecked() {
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_MODE", "prod")))
        .hasMessageContaining("PAYBRIDGE_MODE");
    assertThatThrownBy(
            () ->
                PaybridgeConfig.from(
                    Map.of(
                        "PAYBRIDGE_MASTER_KEY", "k1:x",
                        "PAYBRIDGE_MASTER_KEY_FILE", "/run/secrets/key")))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS", "0")))
        .hasMessageContaining("PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS");
  }

  @Test
  void badNumbersNameTheVariable() {
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_HTTP_PORT", "eighty")))
        .hasMessageContaining("PAYBRIDGE_HTTP_PORT");
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_HTTP_PORT", "70000")))
        .hasMessageContaining("PAYBRIDGE_HTTP_PORT");
  }

  @Test
  void throttlesAndTheHashPoolHaveDefaultsAndReadAttemptsPerSeconds() {
    PaybridgeConfig d = PaybridgeConfig.from(Map.of());
    assertThat(d.throttles()).isEqualTo(ThrottleSettings.DEFAULTS);
    assertThat(d.throttles().loginPair())
        .isEqualTo(new ThrottleSettings.Limit(10, Duration.ofMinutes(1)));
    assertThat(d.hashThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());

    PaybridgeConfig c =
        PaybridgeConfig.from(
            Map.of(
                "PAYBRIDGE_THROTTLE_LOGIN_PAIR", "3/2",
                "PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", " 500 / 60 ",
                "PAYBRIDGE_HASH_THREADS", "1"));
    assertThat(c.throttles().loginPair()).hasToString("3/2");
    assertThat(c.throttles().loginPair().window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.throttles().tokenAddress().attempts()).isEqualTo(500);
    assertThat(c.throttles().loginEmail()).isEqualTo(ThrottleSettings.DEFAULTS.loginEmail());
    assertThat(c.hashThreads()).isEqualTo(1);

    for (String bad : new String[] {"10", "ten/60", "0/60", "10/0", "10/60/1"}) {
      assertThatThrownBy(
              () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", bad)))
          .as(bad)
          .hasMessageContaining("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS")
          .hasMessageContaining("<attempts>/<seconds>");
    }
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_HASH_THREADS", "0")))
        .hasMessageContaining("PAYBRIDGE_HASH_THREADS");
  }

  @Test
  void theApiLimitAndTheIdentityProviderHaveDefaultsAndAnIssuerMustBeHttps() {
    PartnerApiSettings d = PaybridgeConfig.from(Map.of()).partnerApi();
    assertThat(d.rate()).isEqualTo(100);
    assertThat(d.burst()).isEqualTo(200);
    assertThat(d.tenantRate()).isEqualTo(300);
    assertThat(d.tenantBurst()).isEqualTo(600);
    assertThat(d.oidc()).isFalse();
    assertThat(d.oidcAudience()).isEqualTo("paybridge");
    assertThat(d.oidcTenantClaim()).isEqualTo("paybridge_tenant");

    PartnerApiSettings set =
        PaybridgeConfig.from(
                Map.of(
                    "PAYBRIDGE_API_RATE", "5",
                    "PAYBRIDGE_API_BURST", "7",
                    "PAYBRIDGE_API_TENANT_RATE", "11",
                    "PAYBRIDGE_API_TENANT_BURST", "13",
                    "PAYBRIDGE_OIDC_ISSUER", "https://idp.example.com/realms/ops",
                    "PAYBRIDGE_OIDC_AUDIENCE", "payments-api",
                    "PAYBRIDGE_OIDC_TENANT_CLAIM", "tenant"))
            .partnerApi();
    assertThat(set.rate()).isEqualTo(5);
    assertThat(set.burst()).isEqualTo(7);
    assertThat(set.tenantRate()).isEqualTo(11);
    assertThat(set.tenantBurst()).isEqualTo(13);
    assertThat(set.oidcIssuer()).hasToString("https://idp.example.com/realms/ops");
    assertThat(set.oidcAudience()).isEqualTo("payments-api");
    assertThat(set.oidcTenantClaim()).isEqualTo("tenant");

    // plain http only on loopback, or where private addresses are allowed
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_OIDC_ISSUER", "http://127.0.0.1:8180"))
                .partnerApi()
                .oidc())
        .isTrue();
    assertThat(
            PaybridgeConfig.from(Map.of("PAYBRIDGE_OIDC_ISSUER", "http://localhost:8180/realms/x"))
                .partnerApi()
                .oidc())
        .isTrue();
    assertThatThrownBy(
            () -> PaybridgeConfig.from(Map.of("PAYBRIDGE_OIDC_ISSUER", "http://idp.internal")))
        .hasMessageContaining("PAYBRIDGE_OIDC_ISSUER")
        .hasMessageContaining("PAYBRIDGE_ALLOW_PRIVATE_TARGETS");
    assertThat(
            PaybridgeConfig.from(
                    Map.of(
                        "PAYBRIDGE_OIDC_ISSUER", "http://idp.internal",
                        "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true"))
                .partnerApi()
                .oidc())
        .isTrue();
    for (String bad : new String[] {"idp.example.com", "ftp://idp.example.com", "https://x/?a=b"}) {
      assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_OIDC_ISSUER", bad)))
          .hasMessageContaining("PAYBRIDGE_OIDC_ISSUER");
    }
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_API_RATE", "0")))
        .hasMessageContaining("PAYBRIDGE_API_RATE");
    assertThatThrownBy(() -> PaybridgeConfig.from(Map.of("PAYBRIDGE_API_TENANT_BURST", "0")))
        .hasMessageContaining("PAYBRIDGE_API_TENANT_BURST");
  }
}
