package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A load balancer in TCP mode, as HAProxy or a cloud network load balancer runs in front of the
 * nodes: it accepts a connection, opens one to the node, writes a PROXY protocol header naming the
 * client (version 1, the text line, or version 2, the binary header, as HAProxy's
 * proxy-protocol.txt specifies them) and then relays the bytes both ways untouched. The client it
 * names is the test's to choose, connection by connection.
 */
final class ProxyProtocolBalancer implements AutoCloseable {

  /** The twelve bytes every version 2 header starts with. */
  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final int nodePort;
  private volatile int version = 1;
  private volatile String clientAddress = "203.0.113.1";

  private ProxyProtocolBalancer(Vertx vertx, int nodePort) {
    this.vertx = vertx;
    this.nodePort = nodePort;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::relay);
  }

  /** A balancer on a free loopback port in front of the node listening on {@code nodePort}. */
  static ProxyProtocolBalancer inFrontOf(Vertx vertx, int nodePort) {
    ProxyProtocolBalancer balancer = new ProxyProtocolBalancer(vertx, nodePort);
    await(balancer.server.listen(0, "127.0.0.1"));
    return balancer;
  }

  /** The port clients connect to. */
  int port() {
    return server.actualPort();
  }

  /** Names {@code address} (IPv4) as the client of the next connections, in {@code version}. */
  ProxyProtocolBalancer naming(String address, int version) {
    this.clientAddress = address;
    this.version = version;
    return this;
  }

  private void relay(NetSocket inbound) {
    inbound.pause();
    String named = clientAddress;
    int v = version;
    client
        .connect(nodePort, "127.0.0.1")
        .onSuccess(
            outbound -> {
              outbound.write(header(v, named, inbound.remoteAddress().port()));
              inbound.handler(outbound::write);
              outbound.handler(inbound::write);
              inbound.closeHandler(x -> outbound.close());
              outbound.closeHandler(x -> inbound.close());
              inbound.resume();
            })
        .onFailure(err -> inbound.close());
  }

  /** The PROXY header naming {@code source} as the client, connected to the node's port. */
  Buffer header(int version, String source, int sourcePort) {
    if (version == 1) {
      return Buffer.buffer(
          "PROXY TCP4 " + source + " 127.0.0.1 " + sourcePort + " " + nodePort + "\r\n");
    }
    return Buffer.buffer()
        .appendBytes(V2_SIGNATURE)
        .appendByte((byte) 0x21) // version 2, PROXY command
        .appendByte((byte) 0x11) // TCP over IPv4
        .appendUnsignedShort(12)
        .appendBytes(ipv4(source))
        .appendBytes(ipv4("127.0.0.1"))
        .appendUnsignedShort(sourcePort)
        .appendUnsignedShort(nodePort);
  }

  private static byte[] ipv4(String address) {
    try {
      return InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }

  @Override
  public void close() {
    await(server.close());
    await(client.close());
  }
}
