package io.paybridge.core.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
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
      ctx.put(KEY, resolve(peer(ctx), ctx.request().headers(), proxies));
      ctx.next();
    };
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

  /** The connection's peer, canonical, or {@code null}. */
  private static String peer(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    if (host == null || host.isEmpty()) {
      return null;
    }
    String canonical = ForwardingHeaders.canonical(host);
    return canonical == null ? host : canonical;
  }
}
