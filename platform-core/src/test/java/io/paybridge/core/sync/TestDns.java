package io.paybridge.core.sync;

import io.vertx.core.dns.AddressResolverOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server over UDP on 127.0.0.1 for tests, whose answers the test scripts: each name it is
 * told about answers with a time to live of zero, so nothing caches them, and may answer each
 * lookup differently — a name that rebinds. Names it is not told about are answered from the
 * machine's own resolver, so a Vert.x pointed at it still reaches everything else (the database).
 * It runs on a thread of its own, off every event loop.
 */
final class TestDns implements AutoCloseable {

  private static final int A = 1;
  private static final int AAAA = 28;

  private final DatagramSocket socket;
  private final Map<String, List<List<InetAddress>>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> v6Lookups = new ConcurrentHashMap<>();

  private TestDns(DatagramSocket socket) {
    this.socket = socket;
    Thread server = new Thread(this::serve, "test-dns");
    server.setDaemon(true);
    server.start();
  }

  static TestDns start() {
    try {
      return new TestDns(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resolver options for a Vert.x that asks this server and caches nothing. */
  AddressResolverOptions resolverOptions() {
    return new AddressResolverOptions()
        .setServers(List.of("127.0.0.1:" + socket.getLocalPort()))
        .setOptResourceEnabled(false)
        .setSearchDomains(List.of())
        .setNdots(1)
        .setCacheMaxTimeToLive(0)
        .setCacheNegativeTimeToLive(0)
        .setQueryTimeout(2_000)
        .setMaxQueries(2);
  }

  /**
   * Scripts a name: its n-th lookup (counting lookups of IPv4 addresses) answers {@code rounds[n]},
   * and every lookup after the last round answers the last round.
   */
  @SafeVarargs
  final void answer(String name, List<String>... rounds) {
    List<List<InetAddress>> script = new ArrayList<>();
    for (List<String> round : rounds) {
      script.add(round.stream().map(TestDns::address).toList());
    }
    lookups.put(name, new AtomicInteger());
    v6Lookups.put(name, new AtomicInteger());
    scripts.put(name, script);
  }

  /** How often the name's IPv4 addresses were looked up since it was scripted. */
  int lookups(String name) {
    return lookups.getOrDefault(name, new AtomicInteger()).get();
  }

  @Override
  public void close() {
    socket.close();
  }

  private void serve() {
    byte[] in = new byte[1500];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(in, in.length);
      try {
        socket.receive(packet);
        byte[] out = answer(Arrays.copyOf(in, packet.getLength()));
        if (out != null) {
          socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        return; // closed
      } catch (RuntimeException e) {
        // a query this server does not understand goes unanswered
      }
    }
  }

  private byte[] answer(byte[] query) {
    ByteBuffer q = ByteBuffer.wrap(query);
    int id = q.getShort(0) & 0xffff;
    int flags = q.getShort(2) & 0xffff;
    StringBuilder name = new StringBuilder();
    int at = 12;
    for (int len = query[at] & 0xff; len != 0; len = query[at] & 0xff) {
      name.append(name.length() == 0 ? "" : ".").append(new String(query, at + 1, len));
      at += len + 1;
    }
    int type = q.getShort(at + 1) & 0xffff;
    int questionEnd = at + 5;
    List<InetAddress> addresses = addresses(name.toString().toLowerCase(Locale.ROOT), type);
    ByteBuffer r = ByteBuffer.allocate(512);
    r.putShort((short) id);
    // a response, authoritative, recursion as asked and available; NXDOMAIN when unknown
    r.putShort((short) (0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | (addresses == null ? 3 : 0)));
    r.putShort((short) 1);
    List<InetAddress> matching =
        addresses == null
            ? List.of()
            : addresses.stream()
                .filter(a -> (a instanceof Inet4Address) == (type == A))
                .filter(a -> type == A || type == AAAA)
                .toList();
    r.putShort((short) matching.size());
    r.putShort((short) 0);
    r.putShort((short) 0);
    r.put(query, 12, questionEnd - 12);
    for (InetAddress a : matching) {
      byte[] bytes = a.getAddress();
      r.putShort((short) 0xc00c); // the name, pointing at the question's
      r.putShort((short) type);
      r.putShort((short) 1); // IN
      r.putInt(0); // time to live: none
      r.putShort((short) bytes.length);
      r.put(bytes);
    }
    return Arrays.copyOf(r.array(), r.position());
  }

  /** The addresses a name has for this lookup, or {@code null} when it has none at all. */
  private List<InetAddress> addresses(String name, int type) {
    List<List<InetAddress>> script = scripts.get(name);
    if (script != null) {
      int n = (type == AAAA ? v6Lookups : lookups).get(name).getAndIncrement();
      return script.get(Math.min(n, script.size() - 1));
    }
    try {
      return List.of(InetAddress.getAllByName(name));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
