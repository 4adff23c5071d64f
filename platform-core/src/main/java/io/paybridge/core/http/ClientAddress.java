package io.paybridge.core.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * The address of the client a request came from, as throttles and logs name it. The one place that
 * decides it: today the peer of the connection; trusted proxies, when they come, are taught here.
 */
public final class ClientAddress {

  /** What a request without a peer address (a Unix domain socket) is counted as. */
  static final String UNKNOWN = "unknown";

  private ClientAddress() {}

  /** The client's address, e.g. {@code 203.0.113.7} or {@code 2001:db8::1}. */
  public static String of(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    return host == null || host.isEmpty() ? UNKNOWN : host;
  }
}
