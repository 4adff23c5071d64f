package io.paybridge.gateway.paypal;

import io.paybridge.spi.Credentials;
import java.util.Locale;

/**
 * Which PayPal a gateway account lives in. The environment decides the REST API host and the common
 * name the webhook signing certificate must carry, so a sandbox certificate never vouches for a
 * live account's deliveries and the other way round.
 */
enum PayPalEnvironment {
  SANDBOX("sandbox", PayPalPlugin.SANDBOX_API_BASE, "messageverificationcerts.sandbox.paypal.com"),
  LIVE("live", PayPalPlugin.LIVE_API_BASE, "messageverificationcerts.paypal.com");

  private final String value;
  private final String apiBase;
  private final String signingCertificateName;

  PayPalEnvironment(String value, String apiBase, String signingCertificateName) {
    this.value = value;
    this.apiBase = apiBase;
    this.signingCertificateName = signingCertificateName;
  }

  /** The credential value naming this environment. */
  String value() {
    return value;
  }

  /** PayPal's REST API base URL for this environment. */
  String apiBase() {
    return apiBase;
  }

  /** The common name of the certificate PayPal signs this environment's webhooks with. */
  String signingCertificateName() {
    return signingCertificateName;
  }

  /** The account's environment; an account saved through the schema always names a known one. */
  static PayPalEnvironment of(Credentials credentials) {
    String value =
        credentials.getOrDefault(PayPalPlugin.ENVIRONMENT, PayPalPlugin.DEFAULT_ENVIRONMENT);
    for (PayPalEnvironment environment : values()) {
      if (environment.value.equals(value.toLowerCase(Locale.ROOT))) {
        return environment;
      }
    }
    throw new IllegalArgumentException(
        "the account's environment '" + value + "' is neither sandbox nor live");
  }
}
