package io.paybridge.core.sync;

import io.paybridge.core.usecase.InvalidInput;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs a sync target may point at. Paybridge posts to them from inside its network, so a
 * tenant must not be able to aim it at cloud metadata services, link-local or (unless the operator
 * allows private targets, as dev mode does) loopback and private addresses.
 */
public final class TargetUrls {

  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data", "metadata.azure.com");

  private final boolean allowPrivate;

  public TargetUrls(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /**
   * Checks a URL a tenant submits; fails with {@link InvalidInput} naming the {@code url} field.
   */
  public URI check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw InvalidInput.of("url", "'url' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw InvalidInput.of("url", "'url' must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw InvalidInput.of("url", "'url' must have a host and no user info or fragment");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (METADATA_HOSTS.contains(host)) {
      throw InvalidInput.of("url", "'url' must not point at a metadata service");
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (literal.matches("[0-9.]+") || literal.contains(":")) {
      try {
        String reason = refusal(InetAddress.getByName(literal));
        if (reason != null) {
          throw InvalidInput.of("url", "'url' must not point at " + reason);
        }
      } catch (UnknownHostException e) {
        throw InvalidInput.of("url", "'url' has an invalid address");
      }
    } else if (!allowPrivate && (host.equals("localhost") || host.endsWith(".localhost"))) {
      throw InvalidInput.of("url", "'url' must not point at this machine");
    }
    return uri;
  }

  /**
   * Why an address resolved at delivery time is refused, or {@code null} when it is allowed. Names
   * can resolve differently later than when the target was saved, so deliveries check again.
   */
  public String refusal(InetAddress address) {
    if (address.isLinkLocalAddress() || isMetadata(address)) {
      return "a link-local or metadata address";
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return "a wildcard or multicast address";
    }
    if (!allowPrivate
        && (address.isLoopbackAddress()
            || address.isSiteLocalAddress()
            || isUniqueLocal(address))) {
      return "a private or loopback address (the operator does not allow private targets)";
    }
    return null;
  }

  private static boolean isMetadata(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 && (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254;
  }

  private static boolean isUniqueLocal(InetAddress a) {
    return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
  }
}
