package io.paybridge.core.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The address of the client a request came from, as the sign-in throttles, webhook receipts,
 * gateways' sender allow-lists and logs name it. The one place that decides it.
 *
 * <p>The client is the connection's peer, unless the peer is a trusted proxy ({@link
 * TrustedProxies}): then the proxies' forwarding header is walked from the right, the hop each
 * proxy appended, skipping every hop that is itself a trusted proxy; the first hop that is not is
 * the client. The left of the header is whatever the client wrote and is never believed for itself.
 * A hop that is not an address (a name, {@code unknown}, garbage) ends the walk at the trusted
 * proxy that wrote it; when every hop is trusted, the farthest one is the client.
 *
 * <p>Under the PROXY protocol ({@link TrustedProxies#proxyProtocol()}) the connection's real peer
 * is the proxy and the client is the address its PROXY header named, believed only when that peer
 * is a trusted proxy (the node also closes connections from anyone else, {@link #admits}); no
 * forwarding header is read then.
 *
 * <p>{@link #resolver} decides once per request, as the first handler of a node's router; {@link
 * #of} reads the decision, and falls back to the peer where no resolver ran.
 */
public final class ClientAddress {

  /** What a request without a peer address (a Unix domain socket) is counted as. */
  static final String UNKNOWN = "unknown";

  private static final String KEY = "paybridge.clientAddress";

  private ClientAddress() {}

  /** The handler that decides each request's client address behind {@code proxies}. */
  public static Handler<RoutingContext> resolver(TrustedProxies proxies) {
    return ctx -> {
      String peer = peer(ctx);
      ctx.put(
          KEY,
          proxies.proxyProtocol()
              ? proxied(peer, canonical(ctx.request().remoteAddress()), proxies)
              : resolve(peer, ctx.request().headers(), proxies));
      ctx.next();
    };
  }

  /**
   * Whether a connection may send requests: always, unless the node speaks the PROXY protocol, when
   * only a trusted proxy may connect (its real peer, not the address its header claims).
   */
  public static boolean admits(HttpConnection connection, TrustedProxies proxies) {
    if (!proxies.proxyProtocol()) {
      return true;
    }
    String peer = canonical(connection.remoteAddress(true));
    return peer != null && proxies.trusts(peer);
  }

  /**
   * The client under the PROXY protocol: the address the header named ({@code claimed}) when the
   * connection's real peer is a trusted proxy, otherwise the peer itself.
   */
  static String proxied(String peer, String claimed, TrustedProxies proxies) {
    if (peer == null) {
      return UNKNOWN;
    }
    return proxies.trusts(peer) && claimed != null ? claimed : peer;
  }

  /** The client's address, e.g. {@code 203.0.113.7} or {@code 2001:db8:0:0:0:0:0:1}. */
  public static String of(RoutingContext ctx) {
    String decided = ctx.get(KEY);
    if (decided != null) {
      return decided;
    }
    String peer = peer(ctx);
    return peer == null ? UNKNOWN : peer;
  }

  /**
   * The client behind {@code peer} (canonical, or {@code null} when the connection has none) given
   * the request's headers.
   */
  static String resolve(String peer, MultiMap headers, TrustedProxies proxies) {
    if (peer == null) {
      return UNKNOWN;
    }
    String current = peer;
    if (!proxies.trusts(current)) {
      return current;
    }
    List<String> lines = headers.getAll(proxies.header().headerName());
    List<String> hops =
        proxies.header() == TrustedProxies.Header.FORWARDED
            ? ForwardingHeaders.forwarded(lines)
            : ForwardingHeaders.xForwardedFor(lines);
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (hop == null) {
        // The trusted proxy that wrote this could not name its client: it is the best we know.
        return current;
      }
      current = hop;
      if (!proxies.trusts(hop)) {
        return hop;
      }
    }
    return current;
  }

  /**
   * The connection's real peer, canonical, or {@code null}: under the PROXY protocol the proxy, not
   * the address its header names.
   */
  private static String peer(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    return canonical(
        connection == null ? ctx.request().remoteAddress() : connection.remoteAddress(true));
  }

  /** An address, canonical, or {@code null}. */
  private static String canonical(SocketAddress peer) {
    String host = peer == null ? null : peer.hostAddress();
    if (host == null || host.isEmpty()) {
      return null;
    }
    String canonical = ForwardingHeaders.canonical(host);
    return canonical == null ? host : canonical;
  }
}
