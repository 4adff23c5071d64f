package io.paybridge.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.config.PaybridgeConfig;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Under the PROXY protocol the client is the address the header names, believed only from a trusted
 * proxy; the setting needs proxies to trust and is off by default.
 */
@Tag("security")
class ProxyProtocolAddressTest {

  private static final TrustedProxies BALANCERS = TrustedProxies.parse("10.0.0.0/8", null, true);

  @Test
  void theNamedClientIsBelievedFromATrustedProxyOnly() {
    assertThat(ClientAddress.proxied("10.1.2.3", "203.0.113.7", BALANCERS))
        .isEqualTo("203.0.113.7");
    assertThat(ClientAddress.proxied("198.51.100.9", "203.0.113.7", BALANCERS))
        .isEqualTo("198.51.100.9");
    assertThat(ClientAddress.proxied("10.1.2.3", null, BALANCERS)).isEqualTo("10.1.2.3");
    assertThat(ClientAddress.proxied(null, "203.0.113.7", BALANCERS))
        .isEqualTo(ClientAddress.UNKNOWN);
  }

  @Test
  void theSettingNeedsProxiesToTrustAndIsOffByDefault() {
    assertThatThrownBy(() -> TrustedProxies.parse(null, null, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_PROXY_PROTOCOL")
        .hasMessageContaining("PAYBRIDGE_TRUSTED_PROXIES");
    assertThat(TrustedProxies.parse("10.0.0.0/8", null).proxyProtocol()).isFalse();
    assertThat(PaybridgeConfig.from(Map.of()).trustedProxies().proxyProtocol()).isFalse();
    assertThat(
            PaybridgeConfig.from(
                    Map.of(
                        "PAYBRIDGE_TRUSTED_PROXIES", "10.0.0.0/8",
                        "PAYBRIDGE_PROXY_PROTOCOL", "true"))
                .trustedProxies())
        .satisfies(p -> assertThat(p.proxyProtocol()).isTrue())
        .hasToString("10.0.0.0/8 via the PROXY protocol");
  }
}
