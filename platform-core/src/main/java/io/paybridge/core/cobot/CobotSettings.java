package io.paybridge.core.cobot;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where Cobot and the card form's script are reached. Production points at Cobot itself; tests at a
 * simulator on loopback.
 *
 * @param cobotUrl Cobot's OAuth and user API ({@code PAYBRIDGE_COBOT_URL}, default {@code
 *     https://www.cobot.me})
 * @param spaceUrl a space's base URL with {@code {subdomain}} in it; the platform appends {@code
 *     /api/…}, so it may carry a path ({@code PAYBRIDGE_COBOT_SPACE_URL}, default {@code
 *     https://{subdomain}.cobot.me})
 * @param stripeJsUrl the Stripe.js the members' card form loads ({@code PAYBRIDGE_STRIPE_JS_URL},
 *     default {@code https://js.stripe.com/v3/})
 */
public record CobotSettings(String cobotUrl, String spaceUrl, String stripeJsUrl) {

  /** What a space's subdomain may be: Cobot's, lower-case letters, digits and dashes. */
  public static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  public static final CobotSettings DEFAULTS =
      new CobotSettings(
          "https://www.cobot.me", "https://{subdomain}.cobot.me", "https://js.stripe.com/v3/");

  public CobotSettings {
    cobotUrl = trimSlash(Objects.requireNonNull(cobotUrl, "cobotUrl"));
    spaceUrl = trimSlash(Objects.requireNonNull(spaceUrl, "spaceUrl"));
    Objects.requireNonNull(stripeJsUrl, "stripeJsUrl");
    if (!spaceUrl.contains("{subdomain}")) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_COBOT_SPACE_URL must contain {subdomain}, was " + spaceUrl);
    }
    URI.create(cobotUrl);
    URI.create(stripeJsUrl);
  }

  /** The base of a space's API, without a trailing slash: {@code https://co-up.cobot.me/api}. */
  public String spaceApi(String subdomain) {
    if (!SUBDOMAIN.matcher(subdomain).matches()) {
      throw new IllegalArgumentException("not a Cobot subdomain: " + subdomain);
    }
    return spaceUrl.replace("{subdomain}", subdomain) + "/api";
  }

  /**
   * The origin a space's pages are served from ({@code https://co-up.cobot.me}): the only page
   * allowed to frame the members' page.
   */
  public String spaceOrigin(String subdomain) {
    return origin(spaceApi(subdomain));
  }

  /**
   * The origins of every space's pages as a CSP source: {@code https://*.cobot.me} for Cobot
   * itself, the host alone when the space URL carries the subdomain in its path.
   */
  public String anySpaceOrigin() {
    return origin(spaceUrl.replace("{subdomain}", "*"));
  }

  /** The origin of the Stripe.js URL, which the members' card form loads its script from. */
  public String stripeJsOrigin() {
    return origin(stripeJsUrl);
  }

  static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getRawAuthority();
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
