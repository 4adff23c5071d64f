package io.paybridge.gateway.paypal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The policy for the {@code PAYPAL-CERT-URL} header. The header arrives with the delivery, before
 * anything about the delivery is known to be genuine, so its URL is attacker-controlled input: it
 * is only ever fetched when it is {@code https} on PayPal's own domain ({@code paypal.com} or a
 * subdomain of it) on the default port, with no user information, query or fragment, at PayPal's
 * certificate path ({@code /v1/notifications/certs/<id>}), so a forger cannot multiply the URLs the
 * platform fetches by varying a query string. Everything else is refused without a network call, so
 * a forged delivery can neither make the platform fetch from an address of the forger's choosing
 * (an internal service, a cloud metadata endpoint) nor offer a certificate of the forger's own.
 */
final class PayPalCertUrl {

  /** The longest certificate URL accepted; PayPal documents 500 characters as the limit. */
  static final int MAX_LENGTH = 500;

  private static final String DOMAIN = "paypal.com";
  private static final Pattern CERT_PATH =
      Pattern.compile("/v1/notifications/certs/[A-Za-z0-9-]{1,128}");
  private static final Pattern HOST_NAME =
      Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private PayPalCertUrl() {}

  /**
   * The URL, parsed, if PayPal could have sent it.
   *
   * @throws IllegalArgumentException saying why the URL is refused
   */
  static URI check(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no PAYPAL-CERT-URL header");
    }
    if (url.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "PAYPAL-CERT-URL is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL is not a valid URL");
    }
    if (uri.isOpaque() || uri.getScheme() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL is not an https URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL carries user information");
    }
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL has no host name");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (!HOST_NAME.matcher(host).matches()
        || !(host.equals(DOMAIN) || host.endsWith("." + DOMAIN))) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL is not on a paypal.com host");
    }
    if (uri.getPort() != -1 && uri.getPort() != 443) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL names a port other than 443");
    }
    String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
    if (!authority.equals(host) && !authority.equals(host + ":443")) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL has an unusual authority");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL carries a fragment");
    }
    if (uri.getRawQuery() != null) {
      throw new IllegalArgumentException("PAYPAL-CERT-URL carries a query");
    }
    if (uri.getRawPath() == null || !CERT_PATH.matcher(uri.getRawPath()).matches()) {
      throw new IllegalArgumentException(
          "PAYPAL-CERT-URL is not at PayPal's certificate path /v1/notifications/certs/<id>");
    }
    return uri;
  }

  /**
   * Where to fetch an allowed certificate URL from: the URL itself, or, when a fetch base is
   * configured (tests only), the same path and query under that base. The rewrite happens after
   * {@link #check}, so it never widens what a delivery may name.
   *
   * @param allowed a URL that passed {@link #check}
   * @param fetchBase {@code null} in production
   */
  static String fetchUrl(URI allowed, String fetchBase) {
    if (fetchBase == null) {
      return allowed.toASCIIString();
    }
    String base =
        fetchBase.endsWith("/") ? fetchBase.substring(0, fetchBase.length() - 1) : fetchBase;
    String path = allowed.getRawPath();
    StringBuilder out = new StringBuilder(base).append(path == null || path.isEmpty() ? "/" : path);
    if (allowed.getRawQuery() != null) {
      out.append('?').append(allowed.getRawQuery());
    }
    return out.toString();
  }
}
