package io.paybridge.core.cobot;

import java.util.function.Supplier;

/**
 * Where the simulator's resources live: {@code https://www.cobot.me} is its base URL, and a space's
 * {@code https://{subdomain}.cobot.me} is {@code <base>/spaces/{subdomain}}.
 */
final class SimulatedUrls {

  private final Supplier<String> base;

  /**
   * @param base the running simulator's base URL, read when a URL is built
   */
  SimulatedUrls(Supplier<String> base) {
    this.base = base;
  }

  /** {@code https://www.cobot.me}. */
  String www() {
    return base.get();
  }

  /** {@code https://{subdomain}.cobot.me}. */
  String space(String subdomain) {
    return base.get() + "/spaces/" + subdomain;
  }

  /** {@code https://{subdomain}.cobot.me/api}. */
  String spaceApi(String subdomain) {
    return space(subdomain) + "/api";
  }

  /** {@code https://www.cobot.me/api/spaces/{subdomain}}, a space's public details. */
  String spaceLink(String subdomain) {
    return base.get() + "/api/spaces/" + subdomain;
  }
}
