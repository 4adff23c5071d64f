package io.paybridge.core.http;

import io.paybridge.spi.IpAllowList;
import java.util.Locale;

/**
 * The proxies in front of the nodes whose word about a request's client is believed, and the header
 * they say it in. A load balancer that ends the client's connection is the nodes' peer; it names
 * the client in a forwarding header, which anyone else can write as well, so the header is read
 * only from a peer in these ranges ({@code PAYBRIDGE_TRUSTED_PROXIES}), and only the header the
 * proxies themselves append to ({@code PAYBRIDGE_FORWARDED_HEADER}): a proxy passes any other
 * header through as the client wrote it.
 *
 * <p>Alternatively the proxies speak HAProxy's PROXY protocol ({@code PAYBRIDGE_PROXY_PROTOCOL}):
 * each connection opens with a line (v1) or a binary header (v2) naming the client, and no
 * forwarding header is read at all. The node then takes connections from the trusted proxies only.
 */
public final class TrustedProxies {

  /** The forwarding header the proxies append the client's address to. */
  public enum Header {
    /** {@code X-Forwarded-For: client, proxy1, proxy2}, as most load balancers write it. */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239 {@code Forwarded: for=client, for=proxy1}. */
    FORWARDED("Forwarded");

    private final String name;

    Header(String name) {
      this.name = name;
    }

    /** The header's name on the wire. */
    public String headerName() {
      return name;
    }
  }

  /** No proxy is trusted: the client is the connection's peer, forwarding headers are ignored. */
  public static final TrustedProxies NONE =
      new TrustedProxies(null, Header.X_FORWARDED_FOR, "", false);

  private final IpAllowList ranges;
  private final Header header;
  private final String spec;
  private final boolean proxyProtocol;

  private TrustedProxies(IpAllowList ranges, Header header, String spec, boolean proxyProtocol) {
    this.ranges = ranges;
    this.header = header;
    this.spec = spec;
    this.proxyProtocol = proxyProtocol;
  }

  /**
   * Reads the settings, the proxies naming clients in a forwarding header.
   *
   * @see #parse(String, String, boolean)
   */
  public static TrustedProxies parse(String ranges, String header) {
    return parse(ranges, header, false);
  }

  /**
   * Reads the settings.
   *
   * @param ranges {@code PAYBRIDGE_TRUSTED_PROXIES}: comma-separated IPv4 and IPv6 addresses and
   *     CIDR ranges; {@code null} or blank trusts none
   * @param header {@code PAYBRIDGE_FORWARDED_HEADER}: {@code x-forwarded-for} ({@code null}: the
   *     default) or {@code forwarded}
   * @param proxyProtocol {@code PAYBRIDGE_PROXY_PROTOCOL}: the proxies name the client in a PROXY
   *     protocol header instead, which needs proxies to trust
   * @throws IllegalArgumentException naming the setting and the entry at fault
   */
  public static TrustedProxies parse(String ranges, String header, boolean proxyProtocol) {
    Header chosen;
    String h = header == null ? "" : header.strip().toLowerCase(Locale.ROOT);
    switch (h) {
      case "", "x-forwarded-for" -> chosen = Header.X_FORWARDED_FOR;
      case "forwarded" -> chosen = Header.FORWARDED;
      default ->
          throw new IllegalArgumentException(
              "PAYBRIDGE_FORWARDED_HEADER must be x-forwarded-for or forwarded, was '"
                  + header
                  + "'");
    }
    if (ranges == null || ranges.isBlank()) {
      if (proxyProtocol) {
        throw new IllegalArgumentException(
            "PAYBRIDGE_PROXY_PROTOCOL=true needs PAYBRIDGE_TRUSTED_PROXIES, the addresses of the"
                + " proxies that connect to the node");
      }
      return new TrustedProxies(null, chosen, "", false);
    }
    try {
      return new TrustedProxies(IpAllowList.parse(ranges), chosen, ranges.strip(), proxyProtocol);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PAYBRIDGE_TRUSTED_PROXIES: " + e.getMessage(), e);
    }
  }

  /** Whether any proxy is trusted at all. */
  public boolean any() {
    return ranges != null;
  }

  /** Whether {@code address}, a canonical IP literal, is one of the trusted proxies. */
  public boolean trusts(String address) {
    return ranges != null && ranges.allows(address);
  }

  /**
   * Whether the proxies name the client in a PROXY protocol header at the start of each connection,
   * and the node takes connections from them only.
   */
  public boolean proxyProtocol() {
    return proxyProtocol;
  }

  /** The header the trusted proxies name the client in. */
  public Header header() {
    return header;
  }

  @Override
  public String toString() {
    return ranges == null
        ? "none"
        : spec + " via " + (proxyProtocol ? "the PROXY protocol" : header.headerName());
  }
}
