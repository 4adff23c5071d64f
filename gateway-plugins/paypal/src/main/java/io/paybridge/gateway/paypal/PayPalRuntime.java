package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalPlugin.API_BASE_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.CERT_FETCH_BASE_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.CERT_INTERMEDIATES_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.CERT_TRUST_ANCHORS_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.DEFAULT_MAX_AGE;
import static io.paybridge.gateway.paypal.PayPalPlugin.DEFAULT_MAX_SKEW;
import static io.paybridge.gateway.paypal.PayPalPlugin.MAX_AGE_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.MAX_SKEW_SETTING;
import static io.paybridge.gateway.paypal.PayPalPlugin.TIMEOUT_SETTING;

import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PluginContext;
import io.vertx.core.Future;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the PayPal plugin's {@code init} builds from the settings ({@link PayPalPlugin} lists them):
 * the verifier of transmissions, with the trust anchors and intermediates PayPal's signing
 * certificates must chain to, the certificate cache and the freshness window; and the API clients.
 *
 * @param verifier verifies transmissions
 * @param resolver books what PayPal's API confirms
 * @param subscriptions the subscription calls of {@link io.paybridge.spi.Renewals} and {@link
 *     io.paybridge.spi.CancelAndRefund}
 * @param orders the checkouts ({@link io.paybridge.spi.Checkouts}) and their cancellation
 * @param captures the captures of approved checkouts ({@link io.paybridge.spi.Captures})
 * @param refunds the refund calls of {@link io.paybridge.spi.Refunds}
 */
record PayPalRuntime(
    PayPalVerifier verifier,
    PayPalResolver resolver,
    PayPalSubscriptions subscriptions,
    PayPalOrders orders,
    PayPalCaptures captures,
    PayPalRefundCalls refunds) {

  /**
   * Reads the settings and the certificate files they name, without blocking the event loop; fails,
   * naming the setting, when one is not usable.
   *
   * @param injectedAnchors the roots to trust instead of any configured, or {@code null}
   */
  static Future<PayPalRuntime> load(PluginContext context, Set<TrustAnchor> injectedAnchors) {
    String apiBase;
    String fetchBase;
    long timeoutMs;
    Duration maxAge;
    Duration maxSkew;
    try {
      apiBase = baseSetting(context, API_BASE_SETTING);
      fetchBase = baseSetting(context, CERT_FETCH_BASE_SETTING);
      timeoutMs = timeoutSetting(context);
      maxAge =
          Duration.ofMillis(context.millisSetting(MAX_AGE_SETTING, DEFAULT_MAX_AGE.toMillis()));
      maxSkew =
          Duration.ofMillis(context.millisSetting(MAX_SKEW_SETTING, DEFAULT_MAX_SKEW.toMillis()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String anchorsFile = context.setting(CERT_TRUST_ANCHORS_SETTING, "").strip();
    Future<Set<TrustAnchor>> anchors =
        injectedAnchors != null
            ? Future.succeededFuture(injectedAnchors)
            : !anchorsFile.isEmpty()
                ? readCertificates(context, anchorsFile, CERT_TRUST_ANCHORS_SETTING)
                    .map(PayPalRuntime::anchorsOf)
                : context.vertx().executeBlocking(PayPalRuntime::jdkTrustAnchors);
    String intermediatesFile = context.setting(CERT_INTERMEDIATES_SETTING, "").strip();
    Future<List<X509Certificate>> intermediates =
        intermediatesFile.isEmpty()
            ? Future.succeededFuture(List.of())
            : readCertificates(context, intermediatesFile, CERT_INTERMEDIATES_SETTING);
    return Future.all(anchors, intermediates)
        .map(
            loaded -> {
              GatewayHttp http = new GatewayHttp(context.vertx(), PayPalPlugin.ID);
              PayPalApi api = new PayPalApi(http, apiBase, timeoutMs, context.clock());
              PayPalCertificates certificates =
                  new PayPalCertificates(
                      http,
                      fetchBase,
                      timeoutMs,
                      context.clock(),
                      PayPalCertificates.DEFAULT_MAX_ENTRIES,
                      PayPalCertificates.DEFAULT_TIME_TO_LIVE);
              PayPalOrders orders = new PayPalOrders(api);
              return new PayPalRuntime(
                  new PayPalVerifier(
                      anchors.result(), intermediates.result(), certificates, maxAge, maxSkew),
                  new PayPalResolver(api),
                  new PayPalSubscriptions(api),
                  orders,
                  new PayPalCaptures(api, orders, context.clock()),
                  new PayPalRefundCalls(api));
            });
  }

  /** The certificates as trust anchors. */
  static Set<TrustAnchor> anchorsOf(Collection<X509Certificate> certificates) {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate certificate : certificates) {
      anchors.add(new TrustAnchor(certificate, null));
    }
    return Set.copyOf(anchors);
  }

  /** Reads a PEM file of certificates without blocking; names the setting when it is wrong. */
  private static Future<List<X509Certificate>> readCertificates(
      PluginContext context, String file, String setting) {
    return context
        .vertx()
        .fileSystem()
        .readFile(file)
        .compose(
            pem -> {
              try {
                List<X509Certificate> certs = PayPalCertificates.parse(pem);
                if (certs.isEmpty()) {
                  throw new CertificateException("no certificates");
                }
                return Future.succeededFuture(certs);
              } catch (CertificateException e) {
                return Future.failedFuture(
                    new IllegalArgumentException(
                        setting + " names a file without X.509 certificates: " + file));
              }
            });
  }

  /** The JDK's default trust store as anchors; reads a file, so it runs off the event loop. */
  private static Set<TrustAnchor> jdkTrustAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    Set<X509Certificate> certificates = new HashSet<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        certificates.addAll(List.of(x509.getAcceptedIssuers()));
      }
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("the JDK's default trust store is empty");
    }
    return anchorsOf(certificates);
  }

  /** A base URL setting, without a trailing slash, or {@code null} when not configured. */
  private static String baseSetting(PluginContext context, String name) {
    String value = context.setting(name, null);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(value.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
    }
    String base = value.strip();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private static long timeoutSetting(PluginContext context) {
    String value = context.setting(TIMEOUT_SETTING, null);
    if (value == null || value.isBlank()) {
      return GatewayHttp.DEFAULT_TIMEOUT_MS;
    }
    try {
      long ms = Long.parseLong(value.strip());
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(TIMEOUT_SETTING + " must be a positive number of ms");
  }
}
