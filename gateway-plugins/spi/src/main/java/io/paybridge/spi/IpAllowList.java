package io.paybridge.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The addresses a gateway account accepts deliveries from: a comma-separated list of IPv4 and IPv6
 * addresses and CIDR ranges ({@code 91.227.144.54, 10.0.0.0/8, 2001:db8::/32}).
 *
 * <p>Addresses are parsed as literals only, never resolved, so checking one never touches DNS. An
 * IPv4 address reached over IPv6 ({@code ::ffff:91.227.144.54}) matches the IPv4 entries; brackets
 * and a zone suffix ({@code [fe80::1%eth0]}) are ignored. A range whose address has bits set beyond
 * its prefix ({@code 10.1.0.0/8}) is refused as a likely typo rather than silently widened.
 *
 * <p>Gateways whose accounts may restrict senders ({@code allowedIps}) use it the same way: {@link
 * #credentialField} in the schema, {@link #validateCredential} when the tenant saves the account,
 * and {@link #check} in {@link GatewayPlugin#verify}, before the signature.
 */
public final class IpAllowList {

  private final List<Range> ranges;

  private IpAllowList(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** One address block: network bytes (4 or 16) and prefix length. */
  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefix / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int restBits = prefix % 8;
      if (restBits == 0) {
        return true;
      }
      int mask = (0xff << (8 - restBits)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  /**
   * The optional credential field holding an account's list.
   *
   * @param description help text naming the addresses the gateway documents
   */
  public static CredentialField credentialField(String name, String description) {
    return CredentialField.text(name, "Allowed sender addresses", description).optional(null);
  }

  /**
   * Checks the list in credential field {@code field}, when the account has one, as the tenant
   * saves it.
   *
   * @throws InvalidCredentialsException naming the field and the entry that is not an address or
   *     range
   */
  public static void validateCredential(Credentials credentials, String field) {
    String spec = credentials.get(field);
    if (spec != null) {
      try {
        parse(spec);
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialsException(field, e.getMessage());
      }
    }
  }

  /**
   * Whether a delivery comes from an address the account allows: {@linkplain Verdict#ok() passes}
   * when the account lists none in credential field {@code field} or lists the sender, and is
   * rejected with {@code remote address <address> is not in <field>} otherwise.
   */
  public static Verdict check(WebhookRequest request, Credentials credentials, String field) {
    String spec = credentials.get(field);
    if (spec == null) {
      return Verdict.ok();
    }
    IpAllowList list;
    try {
      list = parse(spec);
    } catch (IllegalArgumentException e) {
      return Verdict.rejected("credential '" + field + "' is unusable: " + e.getMessage());
    }
    return list.allows(request.remoteAddress())
        ? Verdict.ok()
        : Verdict.rejected(
            RejectionCause.SENDER_NOT_ALLOWED,
            "remote address " + request.remoteAddress() + " is not in " + field);
  }

  /**
   * Parses a list as a tenant enters it.
   *
   * @throws IllegalArgumentException naming the entry that is not an address or range
   */
  public static IpAllowList parse(String spec) {
    List<Range> ranges = new ArrayList<>();
    for (String raw : spec.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      ranges.add(range(entry));
    }
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("no address or range given");
    }
    return new IpAllowList(ranges);
  }

  private static Range range(String entry) {
    int slash = entry.indexOf('/');
    String addressText = slash < 0 ? entry : entry.substring(0, slash);
    byte[] address = literal(addressText);
    if (address == null) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String prefixText = entry.substring(slash + 1);
      if (!prefixText.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("'" + entry + "' has no valid prefix length");
      }
      prefix = Integer.parseInt(prefixText);
      boolean ipv4Mapped = addressText.indexOf(':') >= 0 && address.length == 4;
      if (ipv4Mapped) {
        if (prefix < 96 || prefix > 128) {
          throw new IllegalArgumentException(
              "'" + entry + "' must be an IPv4-mapped range of prefix /96 to /128");
        }
        prefix -= 96;
      } else if (prefix > bits) {
        throw new IllegalArgumentException(
            "'" + entry + "' has a prefix longer than " + bits + " bits");
      }
    }
    Range range = new Range(address, prefix);
    byte[] masked = address.clone();
    for (int bit = prefix; bit < bits; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    if (!Arrays.equals(masked, address)) {
      throw new IllegalArgumentException(
          "'" + entry + "' has address bits set beyond its /" + prefix + " prefix");
    }
    return range;
  }

  /** Whether a delivery from {@code remoteAddress} (as the platform saw it) is allowed. */
  public boolean allows(String remoteAddress) {
    if (remoteAddress == null) {
      return false;
    }
    byte[] address = literal(remoteAddress.strip());
    if (address == null) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, IPv4-mapped IPv6 addresses as IPv4;
   * {@code null} for anything else. Host names are never resolved.
   */
  public static byte[] literal(String text) {
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0 && s.indexOf(':') >= 0) {
      s = s.substring(0, zone);
    }
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      return ipv4(s);
    }
    byte[] v6 = ipv6(s.toLowerCase(Locale.ROOT));
    if (v6 == null) {
      return null;
    }
    return isIpv4Mapped(v6) ? Arrays.copyOfRange(v6, 12, 16) : v6;
  }

  private static boolean isIpv4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return false;
      }
    }
    return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
  }

  /** Dotted quad, decimal octets without leading zeros. */
  private static byte[] ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      out[i] = (byte) value;
    }
    return out;
  }

  /** RFC 4291 text form: eight groups, one {@code ::}, an optional trailing dotted quad. */
  private static byte[] ipv6(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    List<Integer> head;
    List<Integer> tail;
    if (gap < 0) {
      head = groups(s);
      tail = List.of();
      if (head == null || head.size() != 8) {
        return null;
      }
    } else {
      head = gap == 0 ? List.of() : groups(s.substring(0, gap));
      tail = gap + 2 == s.length() ? List.of() : groups(s.substring(gap + 2));
      if (head == null || tail == null || head.size() + tail.size() > 7) {
        return null;
      }
    }
    byte[] out = new byte[16];
    int i = 0;
    for (int group : head) {
      out[i++] = (byte) (group >> 8);
      out[i++] = (byte) group;
    }
    i = 16 - tail.size() * 2;
    for (int group : tail) {
      out[i++] = (byte) (group >> 8);
      out[i++] = (byte) group;
    }
    return out;
  }

  /** Colon-separated 16-bit groups; a final dotted quad counts as two groups. */
  private static List<Integer> groups(String s) {
    String[] parts = s.split(":", -1);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i == parts.length - 1 && part.indexOf('.') >= 0) {
        byte[] v4 = ipv4(part);
        if (v4 == null) {
          return null;
        }
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (part.isEmpty()
          || part.length() > 4
          || !part.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
      out.add(Integer.parseInt(part, 16));
    }
    return out;
  }
}
