package io.paybridge.core.gateway;

import io.paybridge.core.sync.AddressRule;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether gateways can reach the webhook URLs built on the platform's public URL. Judged from the
 * URL alone, without a name lookup: a loopback or private address, {@code localhost}, a name
 * without a dot or under a local-only suffix cannot be reached from the internet, so a tenant is
 * told how to give the platform a public address (a tunnel, then {@code PAYBRIDGE_PUBLIC_URL}).
 */
final class PublicUrlCheck {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[[0-9a-fA-F:.]+]");

  private PublicUrlCheck() {}

  static SetupStatus.PublicUrl of(String publicUrl) {
    URI uri;
    try {
      uri = URI.create(publicUrl);
    } catch (IllegalArgumentException e) {
      return unreachable(publicUrl, "the public URL is not a URL", "8080");
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    String port = uri.getPort() > 0 ? String.valueOf(uri.getPort()) : "8080";
    String local = localOnly(host);
    if (local != null) {
      return unreachable(publicUrl, local, port);
    }
    return new SetupStatus.PublicUrl(publicUrl, true, null, null);
  }

  /** Why a host is reachable only from this machine or its network, or {@code null}. */
  private static String localOnly(String host) {
    if (host.isEmpty()) {
      return "the public URL names no host";
    }
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return host + " is this machine";
    }
    if (IP_LITERAL.matcher(host).matches()) {
      try {
        InetAddress address = InetAddress.getByName(host);
        AddressRule.Verdict verdict = AddressRule.judge(address);
        return verdict.kind() == AddressRule.Kind.PUBLIC
            ? null
            : host + " is " + verdict.reason() + ", reachable only from your machine or network";
      } catch (UnknownHostException e) {
        return host + " is not an address";
      }
    }
    if (!host.contains(".")
        || host.endsWith(".local")
        || host.endsWith(".internal")
        || host.endsWith(".lan")
        || host.endsWith(".home.arpa")) {
      return host + " is a name only your network knows";
    }
    return null;
  }

  private static SetupStatus.PublicUrl unreachable(String url, String why, String port) {
    return new SetupStatus.PublicUrl(
        url,
        false,
        "Gateways call your webhook URL from the internet, but "
            + why
            + ": no delivery can arrive.",
        "Give Paybridge a public https address: for a try-out, start a tunnel to this port"
            + " (cloudflared tunnel --url http://localhost:"
            + port
            + ", or ngrok http "
            + port
            + ") and restart Paybridge with PAYBRIDGE_PUBLIC_URL set to the https address it"
            + " prints; then paste the new webhook URL into your gateway.");
  }
}
