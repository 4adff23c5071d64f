package io.paybridge.core.sync;

import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Which URLs a sync target may point at, and the one address a delivery connects to. Paybridge
 * posts to them from inside its network, so every address is held to {@link AddressRule}: public
 * unicast only, or private too when the operator allows private targets, never link-local or
 * metadata.
 *
 * <p>A URL is checked when the target is created: a host written as an address must be allowed (and
 * written as one: {@code a.b.c.d} or {@code [v6]}, not as {@code 2130706433} or {@code 0x7f.1}),
 * and a name that resolves must resolve to allowed addresses only. A name is resolved again, once,
 * for every delivery ({@link #resolve}); the delivery connects to the address checked then, so a
 * name that rebinds between the check and the connection gains nothing.
 */
public final class TargetUrls {

  /** A delivery's host resolves to an address the rule refuses. */
  public static final class Forbidden extends RuntimeException {
    public Forbidden(String message) {
      super(message, null, false, false);
    }
  }

  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data", "metadata.azure.com");

  /** A last label that makes a host an IPv4 address to a browser or {@code inet_aton}. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  /** How long a target's creation waits for its name to resolve before it accepts it unchecked. */
  private static final long CREATE_LOOKUP_SECONDS = 3;

  private final Vertx vertx;
  private final boolean allowPrivate;

  /**
   * @param vertx whose asynchronous name resolver (hosts file, then DNS) resolves target names
   * @param allowPrivate whether the operator allows private targets ({@link AddressRule})
   */
  public TargetUrls(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /**
   * Checks a URL a tenant submits, without a lookup; fails with {@link InvalidInput} naming the
   * {@code url} field.
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
    String host = hostOf(uri);
    if (METADATA_HOSTS.contains(host)) {
      throw InvalidInput.of("url", "'url' must not point at a metadata service");
    }
    InetAddress literal = literal(host);
    if (literal != null) {
      String reason = AddressRule.refusal(literal, allowPrivate);
      if (reason != null) {
        throw InvalidInput.of("url", "'url' must not point at " + reason);
      }
    } else if (!allowPrivate && (host.equals("localhost") || host.endsWith(".localhost"))) {
      throw InvalidInput.of("url", "'url' must not point at this machine");
    }
    return uri;
  }

  /**
   * Checks where a checked URL's name resolves to now, as a target is created: refused (with {@link
   * InvalidInput} naming {@code url}) when any address it resolves to is; accepted when it does not
   * resolve, or not in time, since every delivery resolves and checks it again.
   */
  public Future<URI> checkName(URI uri) {
    return resolve(uri)
        .timeout(CREATE_LOOKUP_SECONDS, TimeUnit.SECONDS)
        .transform(
            ar -> {
              if (ar.failed() && ar.cause() instanceof Forbidden forbidden) {
                return Future.failedFuture(
                    InvalidInput.of("url", "'url' " + forbidden.getMessage()));
              }
              return Future.succeededFuture(uri);
            });
  }

  /**
   * Resolves a checked URL's host once, asynchronously, and checks every address it resolves to:
   * the address to connect to, or a failed future ({@link Forbidden} when the rule refuses any of
   * them; {@link UnknownHostException} when there are none).
   */
  public Future<InetAddress> resolve(URI uri) {
    String host = hostOf(uri);
    InetAddress literal;
    try {
      literal = literal(host);
    } catch (InvalidInput e) {
      return Future.failedFuture(new Forbidden("is not an address Paybridge accepts"));
    }
    if (literal != null) {
      return checked(host, List.of(literal), "is ");
    }
    Promise<List<InetSocketAddress>> resolved = Promise.promise();
    ((VertxInternal) vertx).nameResolver().resolveAll(host, resolved::handle);
    return resolved
        .future()
        .compose(
            all ->
                checked(
                    host,
                    all.stream().map(InetSocketAddress::getAddress).toList(),
                    "resolves to "));
  }

  private Future<InetAddress> checked(String host, List<InetAddress> addresses, String verb) {
    if (addresses.isEmpty()) {
      return Future.failedFuture(new UnknownHostException(host + " resolves to no address"));
    }
    for (InetAddress a : addresses) {
      String reason = AddressRule.refusal(a, allowPrivate);
      if (reason != null) {
        return Future.failedFuture(new Forbidden(verb + reason));
      }
    }
    return Future.succeededFuture(addresses.get(0));
  }

  /** The URL's host in lower case, without IPv6 brackets or a final dot. */
  static String hostOf(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * The address a host is written as, or {@code null} for a name. A host whose last label is a
   * number is an address to browsers and {@code inet_aton}, however it is written; only the
   * dotted-quad form is accepted, so that no parser reads it as another address than we do.
   */
  private static InetAddress literal(String host) {
    if (host.contains(":")) {
      if (host.contains("%")) {
        throw InvalidInput.of("url", "'url' must not name an IPv6 zone");
      }
      return parse(host);
    }
    String last = host.substring(host.lastIndexOf('.') + 1);
    if (!NUMERIC_LABEL.matcher(last).matches()) {
      return null;
    }
    if (!DOTTED_QUAD.matcher(host).matches()) {
      throw InvalidInput.of("url", "'url' must write an IPv4 address as four decimal numbers");
    }
    return parse(host);
  }

  /**
   * Parses an address literal. {@link InetAddress#getByName} does no lookup for a dotted quad or a
   * bracketed IPv6 literal: it parses them, or fails.
   */
  private static InetAddress parse(String literal) {
    try {
      return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
    } catch (UnknownHostException e) {
      throw InvalidInput.of("url", "'url' has an invalid address");
    }
  }
}
