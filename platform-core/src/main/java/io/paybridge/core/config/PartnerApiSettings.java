package io.paybridge.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The partner API's request limit and the operator's own identity provider, whose access tokens the
 * API accepts beside its own.
 *
 * @param rate requests a second one API client may make to the whole cluster ({@code
 *     PAYBRIDGE_API_RATE}, 100); each node allows its share
 * @param burst requests a client may make at once after a quiet spell ({@code PAYBRIDGE_API_BURST},
 *     200)
 * @param oidcIssuer the OpenID Connect issuer whose RS256 access tokens are accepted ({@code
 *     PAYBRIDGE_OIDC_ISSUER}; none by default): {@code https://}, or {@code http://} on loopback or
 *     where private targets are allowed (tests, a provider on the operator's own network)
 * @param oidcAudience the audience such a token must name ({@code PAYBRIDGE_OIDC_AUDIENCE}, {@code
 *     paybridge})
 * @param oidcTenantClaim the claim naming the token's tenant ({@code PAYBRIDGE_OIDC_TENANT_CLAIM},
 *     {@code paybridge_tenant})
 * @param tenantRate requests a second all API clients of one tenant may make together to the whole
 *     cluster ({@code PAYBRIDGE_API_TENANT_RATE}, 300), so a tenant cannot multiply its limit by
 *     creating clients; each node allows its share
 * @param tenantBurst requests a tenant's clients may make at once together ({@code
 *     PAYBRIDGE_API_TENANT_BURST}, 600)
 */
public record PartnerApiSettings(
    int rate,
    int burst,
    URI oidcIssuer,
    String oidcAudience,
    String oidcTenantClaim,
    int tenantRate,
    int tenantBurst) {

  /**
   * The defaults: 100 requests a second in bursts of 200 per client, 300 in bursts of 600 per
   * tenant, no identity provider.
   */
  public static final PartnerApiSettings DEFAULTS =
      new PartnerApiSettings(100, 200, null, "paybridge", "paybridge_tenant", 300, 600);

  private static final Pattern LOOPBACK_V4 =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  public PartnerApiSettings {
    if (rate < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_API_RATE and PAYBRIDGE_API_BURST must be at least 1");
    }
    if (tenantRate < 1 || tenantBurst < 1) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_API_TENANT_RATE and PAYBRIDGE_API_TENANT_BURST must be at least 1");
    }
    Objects.requireNonNull(oidcAudience, "oidcAudience");
    Objects.requireNonNull(oidcTenantClaim, "oidcTenantClaim");
  }

  /** Whether tokens of an identity provider are accepted. */
  public boolean oidc() {
    return oidcIssuer != null;
  }

  /** Reads the settings; a bad issuer fails naming {@code PAYBRIDGE_OIDC_ISSUER}. */
  static PartnerApiSettings from(
      Function<String, String> get, Function<String, Integer> ints, boolean allowPrivate) {
    String issuer = get.apply("PAYBRIDGE_OIDC_ISSUER");
    String audience = get.apply("PAYBRIDGE_OIDC_AUDIENCE");
    String claim = get.apply("PAYBRIDGE_OIDC_TENANT_CLAIM");
    return new PartnerApiSettings(
        ints.apply("PAYBRIDGE_API_RATE"),
        ints.apply("PAYBRIDGE_API_BURST"),
        issuer == null ? null : issuer(issuer, allowPrivate),
        audience == null ? DEFAULTS.oidcAudience() : audience,
        claim == null ? DEFAULTS.oidcTenantClaim() : claim,
        ints.apply("PAYBRIDGE_API_TENANT_RATE"),
        ints.apply("PAYBRIDGE_API_TENANT_BURST"));
  }

  /** The default of one of the limits' settings ({@code PAYBRIDGE_API_*RATE}, {@code *BURST}). */
  static int defaultLimit(String name) {
    return switch (name) {
      case "PAYBRIDGE_API_RATE" -> DEFAULTS.rate();
      case "PAYBRIDGE_API_BURST" -> DEFAULTS.burst();
      case "PAYBRIDGE_API_TENANT_RATE" -> DEFAULTS.tenantRate();
      case "PAYBRIDGE_API_TENANT_BURST" -> DEFAULTS.tenantBurst();
      default -> throw new IllegalArgumentException("not a limit: " + name);
    };
  }

  /**
   * The issuer as a URI: absolute, without query or fragment, {@code https}, or {@code http} on a
   * loopback host or where private addresses are allowed.
   */
  static URI issuer(String value, boolean allowPrivate) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("PAYBRIDGE_OIDC_ISSUER is not a URL: " + value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_OIDC_ISSUER must be an https:// URL without query or fragment, was " + value);
    }
    if (scheme.equals("http") && !allowPrivate && !loopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_OIDC_ISSUER must be https:// (http:// only on loopback, or with"
              + " PAYBRIDGE_ALLOW_PRIVATE_TARGETS=true), was "
              + value);
    }
    return uri;
  }

  private static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || LOOPBACK_V4.matcher(h).matches();
  }
}
