package io.paybridge.core.http;

import io.paybridge.spi.IpAllowList;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the hops a forwarding header lists, nearest client first, as the proxies wrote them: {@code
 * X-Forwarded-For} (comma-separated addresses) and RFC 7239 {@code Forwarded} (elements of {@code
 * name=value} pairs, values tokens or quoted strings). Several lines of one header are one list, in
 * order. A hop that is not an IP address (a name, {@code unknown}, an obfuscated identifier, a
 * broken element) is kept as {@code null}, so that the walk from the right stops there.
 */
final class ForwardingHeaders {

  private ForwardingHeaders() {}

  /** The hops of {@code X-Forwarded-For} lines: canonical addresses, {@code null} when not one. */
  static List<String> xForwardedFor(List<String> lines) {
    List<String> hops = new ArrayList<>();
    for (String line : lines) {
      for (String entry : line.split(",", -1)) {
        String e = entry.strip();
        if (!e.isEmpty()) {
          hops.add(address(e));
        }
      }
    }
    return hops;
  }

  /** The {@code for} hops of {@code Forwarded} lines: canonical addresses, {@code null} if not. */
  static List<String> forwarded(List<String> lines) {
    List<String> hops = new ArrayList<>();
    for (String line : lines) {
      for (String element : split(line, ',')) {
        if (element == null) {
          hops.add(null);
        } else if (!element.isBlank()) {
          hops.add(forOf(element));
        }
      }
    }
    return hops;
  }

  /** The address of an element's single {@code for} parameter, or {@code null}. */
  private static String forOf(String element) {
    String found = null;
    int seen = 0;
    for (String pair : split(element, ';')) {
      if (pair == null) {
        return null;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      if (pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
        seen++;
        found = unquote(pair.substring(eq + 1).strip());
      }
    }
    return seen == 1 && found != null ? address(found) : null;
  }

  /**
   * Splits on {@code separator} outside quoted strings; a part with an unterminated quote is {@code
   * null}, and so is everything after it.
   */
  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted && c == '\\' && i + 1 < text.length()) {
        part.append(c).append(text.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(quoted ? null : part.toString());
    return parts;
  }

  /** A token as it is, a quoted string without its quotes and escapes; {@code null} if broken. */
  private static String unquote(String value) {
    if (!value.startsWith("\"")) {
      return value.indexOf('"') >= 0 ? null : value;
    }
    if (value.length() < 2 || !value.endsWith("\"")) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        i++;
        if (i >= value.length() - 1) {
          return null;
        }
        c = value.charAt(i);
      } else if (c == '"') {
        return null;
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * The canonical text of an IP address a proxy wrote, with or without a port: {@code 192.0.2.7},
   * {@code 192.0.2.7:4711}, {@code 2001:db8::7}, {@code [2001:db8::7]}, {@code [2001:db8::7]:4711};
   * {@code null} for anything else. Never resolves a name.
   */
  static String address(String node) {
    String host = node;
    if (node.startsWith("[")) {
      int close = node.indexOf(']');
      if (close < 0 || !port(node.substring(close + 1))) {
        return null;
      }
      host = node.substring(1, close);
      if (host.indexOf(':') < 0) {
        return null;
      }
    } else if (node.indexOf(':') >= 0 && node.indexOf(':') == node.lastIndexOf(':')) {
      int colon = node.indexOf(':');
      if (!port(node.substring(colon))) {
        return null;
      }
      host = node.substring(0, colon);
    }
    return canonical(host);
  }

  /**
   * The canonical text of an IP literal, as the connection's peer is written: {@code 192.0.2.7},
   * {@code 2001:db8:0:0:0:0:0:7}; an IPv4-mapped IPv6 address as its IPv4 address; {@code null}
   * when the text is not a literal.
   */
  static String canonical(String literal) {
    byte[] bytes = IpAllowList.literal(literal);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code text} is empty or {@code :} and a port number. */
  private static boolean port(String text) {
    if (text.isEmpty()) {
      return true;
    }
    if (text.length() < 2 || text.length() > 6 || text.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    int port = Integer.parseInt(text.substring(1));
    return port > 0 && port <= 65535;
  }
}
