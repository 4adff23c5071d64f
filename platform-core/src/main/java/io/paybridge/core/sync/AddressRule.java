package io.paybridge.core.sync;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The allow rule for the addresses Paybridge posts to on a tenant's behalf: public unicast only.
 * Paybridge calls sync targets from inside the operator's network, so an address that leads back
 * into it, to this machine, to a cloud metadata service or to nobody in particular is refused.
 *
 * <p>Three kinds of address:
 *
 * <ul>
 *   <li><b>never</b> reached: 0.0.0.0/8, link-local 169.254.0.0/16 (cloud metadata at
 *       169.254.169.254 among them), the metadata addresses 100.100.100.200 (Alibaba),
 *       168.63.129.16 (Azure) and fd00:ec2::254 (AWS), 192.0.0.0/24, the TEST-NETs 192.0.2.0/24,
 *       198.51.100.0/24 and 203.0.113.0/24, benchmarking 198.18.0.0/15, the 6to4 relay
 *       192.88.99.0/24, multicast 224.0.0.0/4, reserved 240.0.0.0/4 with broadcast; in IPv6 the
 *       unspecified {@code ::}, link-local fe80::/10, multicast ff00::/8, Teredo 2001::/32 and the
 *       rest of 2001::/23, documentation 2001:db8::/32 and 3fff::/20, and anything outside global
 *       unicast 2000::/3 not named below;
 *   <li><b>private</b>, reached only when the operator allows private targets: loopback 127.0.0.0/8
 *       and ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, shared (CGNAT) 100.64.0.0/10,
 *       unique-local fc00::/7 and the old site-local fec0::/10;
 *   <li><b>public</b>: everything else.
 * </ul>
 *
 * An IPv6 address that carries an IPv4 one — IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-translated
 * {@code ::ffff:0:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96} and 6to4
 * {@code 2002:aabb:ccdd::/48} — is judged as the IPv4 address it carries.
 */
public final class AddressRule {

  /** How far an address may be reached. */
  public enum Kind {
    PUBLIC,
    PRIVATE,
    NEVER
  }

  /** What the rule says of one address, and why, in words a tenant reads. */
  public record Verdict(Kind kind, String reason) {}

  private record V4Range(int network, int bits, Kind kind, String reason) {
    boolean contains(int address) {
      int mask = bits == 0 ? 0 : -1 << (32 - bits);
      return (address & mask) == (network & mask);
    }
  }

  private static final String METADATA = "a cloud metadata address";
  private static final String DOCUMENTATION = "a documentation (TEST-NET) address";
  private static final String PRIVATE = "a private address";

  /** In order: the first range that holds an address decides. */
  private static final List<V4Range> V4 =
      List.of(
          v4("100.100.100.200/32", Kind.NEVER, METADATA),
          v4("168.63.129.16/32", Kind.NEVER, METADATA),
          v4("169.254.0.0/16", Kind.NEVER, "a link-local or cloud metadata address"),
          v4("0.0.0.0/8", Kind.NEVER, "a 'this network' address (0.0.0.0/8)"),
          v4("127.0.0.0/8", Kind.PRIVATE, "a loopback address"),
          v4("10.0.0.0/8", Kind.PRIVATE, PRIVATE),
          v4("172.16.0.0/12", Kind.PRIVATE, PRIVATE),
          v4("192.168.0.0/16", Kind.PRIVATE, PRIVATE),
          v4("100.64.0.0/10", Kind.PRIVATE, "a shared (carrier-grade NAT) address"),
          v4("192.0.0.0/24", Kind.NEVER, "an IETF protocol address (192.0.0.0/24)"),
          v4("192.0.2.0/24", Kind.NEVER, DOCUMENTATION),
          v4("198.51.100.0/24", Kind.NEVER, DOCUMENTATION),
          v4("203.0.113.0/24", Kind.NEVER, DOCUMENTATION),
          v4("198.18.0.0/15", Kind.NEVER, "a benchmarking address (198.18.0.0/15)"),
          v4("192.88.99.0/24", Kind.NEVER, "a 6to4 relay address"),
          v4("224.0.0.0/4", Kind.NEVER, "a multicast address"),
          v4("240.0.0.0/4", Kind.NEVER, "a reserved or broadcast address"));

  private static final byte[] AWS_METADATA_V6 = v6("fd00:ec2::254");

  private AddressRule() {}

  /** Whether an address may be reached with private targets allowed or not. */
  public static Verdict judge(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? judgeV4(toInt(b, 0)) : judgeV6(b);
  }

  /**
   * Why an address is refused, or {@code null} when it may be reached.
   *
   * @param allowPrivate whether the operator allows private targets; never-reached addresses stay
   *     refused either way
   */
  public static String refusal(InetAddress address, boolean allowPrivate) {
    Verdict v = judge(address);
    return switch (v.kind()) {
      case PUBLIC -> null;
      case PRIVATE -> allowPrivate ? null : v.reason() + " (private targets are not allowed here)";
      case NEVER -> v.reason();
    };
  }

  private static Verdict judgeV4(int address) {
    for (V4Range r : V4) {
      if (r.contains(address)) {
        return new Verdict(r.kind(), r.reason());
      }
    }
    return new Verdict(Kind.PUBLIC, "a public address");
  }

  private static Verdict judgeV6(byte[] b) {
    if (java.util.Arrays.equals(b, AWS_METADATA_V6)) {
      return new Verdict(Kind.NEVER, METADATA);
    }
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return judgeV4(toInt(b, 12)); // ::ffff:a.b.c.d, IPv4-mapped
    }
    if (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12)) {
      return judgeV4(toInt(b, 12)); // ::ffff:0:a.b.c.d, IPv4-translated
    }
    if (zero(b, 0, 15) && (b[15] == 0 || b[15] == 1)) {
      return b[15] == 0
          ? new Verdict(Kind.NEVER, "the unspecified address")
          : new Verdict(Kind.PRIVATE, "a loopback address");
    }
    if (zero(b, 0, 12)) {
      return judgeV4(toInt(b, 12)); // ::a.b.c.d, IPv4-compatible
    }
    int first = (b[0] & 0xff) << 8 | (b[1] & 0xff);
    int second = (b[2] & 0xff) << 8 | (b[3] & 0xff);
    if (first == 0x0064 && second == 0xff9b && zero(b, 4, 12)) {
      return judgeV4(toInt(b, 12)); // 64:ff9b::a.b.c.d, NAT64
    }
    if (first == 0x2002) {
      return judgeV4(toInt(b, 2)); // 2002:aabb:ccdd::, 6to4
    }
    if ((first & 0xfe00) == 0xfc00) {
      return new Verdict(Kind.PRIVATE, "a unique-local address (fc00::/7)");
    }
    if ((first & 0xffc0) == 0xfec0) {
      return new Verdict(Kind.PRIVATE, "a site-local address (fec0::/10)");
    }
    if ((first & 0xffc0) == 0xfe80) {
      return new Verdict(Kind.NEVER, "a link-local address (fe80::/10)");
    }
    if ((first & 0xff00) == 0xff00) {
      return new Verdict(Kind.NEVER, "a multicast address");
    }
    if ((first & 0xe000) != 0x2000) {
      return new Verdict(Kind.NEVER, "a reserved IPv6 address (outside 2000::/3)");
    }
    if (first == 0x2001 && second == 0x0db8 || first == 0x3fff && (second & 0xf000) == 0) {
      return new Verdict(Kind.NEVER, "a documentation address");
    }
    if (first == 0x2001 && second < 0x0200) {
      return new Verdict(Kind.NEVER, "a Teredo or IETF protocol address (2001::/23)");
    }
    return new Verdict(Kind.PUBLIC, "a public address");
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int toInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  private static V4Range v4(String cidr, Kind kind, String reason) {
    String[] parts = cidr.split("/");
    return new V4Range(
        toInt(literal(parts[0]).getAddress(), 0), Integer.parseInt(parts[1]), kind, reason);
  }

  private static byte[] v6(String literal) {
    return literal(literal).getAddress();
  }

  /** Parses an address literal of this class's own tables; never a name, so never a lookup. */
  private static InetAddress literal(String literal) {
    try {
      return literal.contains(":")
          ? InetAddress.getByName(literal)
          : Inet4Address.getByAddress(ipv4Bytes(literal));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static byte[] ipv4Bytes(String dotted) {
    String[] p = dotted.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(p[i]);
    }
    return b;
  }
}
