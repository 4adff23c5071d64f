package io.paybridge.core.http;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which client a request is counted as: the peer unless the peer is a trusted proxy, then the
 * forwarding header walked from the right past every trusted hop, the spoofable left never believed
 * for itself, a malformed hop ending the walk at the proxy that wrote it.
 */
@Tag("security")
class ClientAddressTest {

  private static final TrustedProxies LOOPBACK = TrustedProxies.parse("127.0.0.1", null);
  private static final TrustedProxies PRIVATE =
      TrustedProxies.parse("127.0.0.1/32, 10.0.0.0/8, fd00::/8", null);
  private static final TrustedProxies RFC7239 = TrustedProxies.parse("10.0.0.0/8", "forwarded");

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static MultiMap headers(String... nameValue) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.add(nameValue[i], nameValue[i + 1]);
    }
    return h;
  }

  private static String xff(TrustedProxies proxies, String peer, String... lines) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (String line : lines) {
      h.add("X-Forwarded-For", line);
    }
    return ClientAddress.resolve(peer, h, proxies);
  }

  @Test
  void withoutTrustedProxiesForwardingHeadersAreIgnored() {
    MultiMap spoofed = headers("X-Forwarded-For", "203.0.113.7", "Forwarded", "for=203.0.113.7");
    assertThat(ClientAddress.resolve("198.51.100.9", spoofed, TrustedProxies.NONE))
        .isEqualTo("198.51.100.9");
    assertThat(ClientAddress.resolve("198.51.100.9", spoofed, PRIVATE))
        .as("a peer that is not a trusted proxy speaks for itself")
        .isEqualTo("198.51.100.9");
    assertThat(ClientAddress.resolve(null, spoofed, PRIVATE)).isEqualTo(ClientAddress.UNKNOWN);
  }

  @Test
  void aTrustedProxyNamesItsClientAndTheLeftOfTheHeaderIsNeverBelieved() {
    assertThat(xff(LOOPBACK, "127.0.0.1", "203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(xff(LOOPBACK, "127.0.0.1", "127.0.0.1, 10.0.0.1, 203.0.113.7"))
        .as("what the client wrote before the proxy's own hop")
        .isEqualTo("203.0.113.7");
    assertThat(xff(LOOPBACK, "127.0.0.1")).as("no header: the proxy itself").isEqualTo("127.0.0.1");
  }

  @Test
  void aChainOfTrustedProxiesIsWalkedPastToTheFirstUntrustedHop() {
    assertThat(xff(PRIVATE, "10.0.0.9", "6.6.6.6, 203.0.113.7, 10.1.2.3, 127.0.0.1"))
        .isEqualTo("203.0.113.7");
    assertThat(xff(PRIVATE, "10.0.0.9", "6.6.6.6, 203.0.113.7", "10.1.2.3", "127.0.0.1"))
        .as("several header lines are one list, in order")
        .isEqualTo("203.0.113.7");
    assertThat(xff(PRIVATE, "10.0.0.9", "10.4.4.4, 10.1.2.3"))
        .as("every hop trusted: the farthest")
        .isEqualTo("10.4.4.4");
    assertThat(xff(PRIVATE, "10.0.0.9", "203.0.113.7, , 10.1.2.3"))
        .as("empty list elements are no hop")
        .isEqualTo("203.0.113.7");
  }

  @Test
  void aMalformedHopEndsTheWalkAtTheTrustedProxyThatWroteIt() {
    assertThat(xff(PRIVATE, "10.0.0.9", "203.0.113.7, garbage")).isEqualTo("10.0.0.9");
    assertThat(xff(PRIVATE, "10.0.0.9", "203.0.113.7, unknown, 10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(xff(PRIVATE, "10.0.0.9", "garbage, 203.0.113.7"))
        .as("garbage left of the client is never reached")
        .isEqualTo("203.0.113.7");
    for (String hop :
        new String[] {
          "localhost",
          "0177.0.0.1",
          "2130706433",
          "203.0.113",
          "203.0.113.7:0",
          "203.0.113.7:65536",
          "203.0.113.7:",
          "203.0.113.7:http",
          "[203.0.113.7]",
          "[2001:db8::7",
          "[2001:db8::7]x",
          "2001:db8::7::1",
          "\"203.0.113.7\""
        }) {
      assertThat(xff(PRIVATE, "10.0.0.9", hop)).as(hop).isEqualTo("10.0.0.9");
    }
  }

  @Test
  void addressesAreCanonicalWithPortsAndBracketsTakenOff() {
    assertThat(xff(PRIVATE, "10.0.0.9", "203.0.113.7:4711")).isEqualTo("203.0.113.7");
    assertThat(xff(PRIVATE, "10.0.0.9", "2001:DB8::7")).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(xff(PRIVATE, "10.0.0.9", "[2001:db8::7]")).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(xff(PRIVATE, "10.0.0.9", "[2001:db8::7]:4711")).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(xff(PRIVATE, "10.0.0.9", "::ffff:203.0.113.7"))
        .as("an IPv4-mapped address is its IPv4 address")
        .isEqualTo("203.0.113.7");
    assertThat(xff(PRIVATE, "fd00:0:0:0:0:0:0:1", "2001:db8::7, [fd12::3]:80"))
        .as("an IPv6 proxy chain")
        .isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(xff(PRIVATE, "::ffff:10.0.0.9", "203.0.113.7"))
        .as("a mapped peer is its IPv4 address")
        .isEqualTo("203.0.113.7");
  }

  @Test
  void rfc7239ForwardedIsReadForItsForParameter() {
    MultiMap h =
        headers(
            "Forwarded",
            "for=6.6.6.6, for=192.0.2.60;proto=http;by=203.0.113.43",
            "Forwarded",
            "For=\"[2001:db8:cafe::17]:4711\"",
            "Forwarded",
            "for=10.1.1.1;host=\"pay.example.com\"");
    assertThat(ClientAddress.resolve("10.0.0.9", h, RFC7239)).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(resolveForwarded("for=192.0.2.60;proto=https")).isEqualTo("192.0.2.60");
    assertThat(resolveForwarded("for=\"192.0.2.60:8443\"")).isEqualTo("192.0.2.60");
    assertThat(resolveForwarded("for=\"203.0.113.7\", for=10.1.1.1")).isEqualTo("203.0.113.7");
  }

  @Test
  void malformedForwardedElementsEndTheWalkAtTheirProxy() {
    for (String header :
        new String[] {
          "for=unknown",
          "for=_hidden",
          "for=\"192.0.2.60, 203.0.113.7\"",
          "for=\"192.0.2.60",
          "for=192.0.2.60;for=203.0.113.7",
          "proto=https",
          "for",
          "=192.0.2.60",
          "for=192.0.2.60\"",
          "for=\"bad\\\""
        }) {
      assertThat(resolveForwarded(header)).as(header).isEqualTo("10.0.0.9");
    }
    assertThat(resolveForwarded("for=\"[2001:db8::1]\", for=\"unclosed"))
        .as("an unterminated quote breaks everything after it")
        .isEqualTo("10.0.0.9");
  }

  @Test
  void onlyTheHeaderTheProxiesWriteIsRead() {
    MultiMap both = headers("Forwarded", "for=203.0.113.7", "X-Forwarded-For", "198.51.100.9");
    assertThat(ClientAddress.resolve("10.0.0.9", both, PRIVATE))
        .as("proxies writing X-Forwarded-For pass a client's Forwarded through")
        .isEqualTo("198.51.100.9");
    assertThat(ClientAddress.resolve("10.0.0.9", both, RFC7239)).isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve("10.0.0.9", headers("X-Forwarded-For", "198.51.100.9"), RFC7239))
        .isEqualTo("10.0.0.9");
  }

  @Test
  void settingsAreCheckedAndNamed() {
    assertThat(TrustedProxies.parse(null, null).any()).isFalse();
    assertThat(TrustedProxies.parse("  ", "").any()).isFalse();
    assertThat(TrustedProxies.parse("10.0.0.0/8,::1", "X-Forwarded-For").any()).isTrue();
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, lb.internal", null))
        .hasMessageContaining("PAYBRIDGE_TRUSTED_PROXIES")
        .hasMessageContaining("lb.internal");
    assertThatThrownBy(() -> TrustedProxies.parse("10.1.0.0/8", null))
        .hasMessageContaining("PAYBRIDGE_TRUSTED_PROXIES");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8", "x-real-ip"))
        .hasMessageContaining("PAYBRIDGE_FORWARDED_HEADER");
  }

  @Test
  void overHttpTheResolverDecidesOncePerRequest() {
    // GIVEN a server that trusts loopback and one that trusts nobody, each echoing the client
    int trusting = serve(LOOPBACK);
    int closed = serve(TrustedProxies.NONE);
    WebClient http = WebClient.create(vertx);
    // WHEN a request from 127.0.0.1 names a client
    // THEN only the trusting server believes it, and only its last untrusted hop
    assertThat(echo(http, trusting, "198.51.100.1, 203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(echo(http, trusting, "[2001:db8::9]:443, 127.0.0.1"))
        .isEqualTo("2001:db8:0:0:0:0:0:9");
    assertThat(echo(http, closed, "203.0.113.7")).isEqualTo("127.0.0.1");
    assertThat(echo(http, trusting, null)).isEqualTo("127.0.0.1");
  }

  private static String resolveForwarded(String header) {
    return ClientAddress.resolve("10.0.0.9", headers("Forwarded", header), RFC7239);
  }

  private static int serve(TrustedProxies proxies) {
    Router router = Router.router(vertx);
    router.route().handler(ClientAddress.resolver(proxies));
    router.get("/who").handler(ctx -> ctx.response().end(ClientAddress.of(ctx)));
    HttpServer server =
        await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  private static String echo(WebClient http, int port, String forwardedFor) {
    var request = http.get(port, "127.0.0.1", "/who");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return await(request.send()).bodyAsString();
  }
}
