package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.anypay.AnypayPlugin;
import io.paybridge.gateway.anypay.AnypaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node behind a load balancer that speaks HAProxy's PROXY protocol ({@code
 * PAYBRIDGE_PROXY_PROTOCOL=true}): the client the header names, in version 1 or 2, is the one a
 * gateway's sender allow-list checks, the webhook receipt records and the sign-in throttle counts;
 * a connection from a peer that is not a trusted proxy is closed, header or not; and a node without
 * the setting answers a PROXY line as the bad request it is.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyProtocolIT {

  private static final String ANYPAY_SENDER = AnypayPlugin.PUBLISHED_IPS.get(0);
  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern CSRF = Pattern.compile("name=\"X-XSRF-TOKEN\" value=\"([^\"]+)\"");

  private final String secret = "anypay-" + UUID.randomUUID();
  private final AnypaySimulator anypay = new AnypaySimulator("7002", secret);
  private TestNode proxied;
  private TestNode guarded;
  private TestNode plain;
  private ProxyProtocolBalancer balancer;
  private WebClient viaBalancer;

  @BeforeAll
  void startNodes() {
    proxied =
        TestNode.start(
            "proxyproto",
            Map.of(
                "PAYBRIDGE_TRUSTED_PROXIES", "127.0.0.1/32, ::1",
                "PAYBRIDGE_PROXY_PROTOCOL", "true",
                "PAYBRIDGE_THROTTLE_LOGIN_PAIR", "2/60"));
    guarded =
        TestNode.start(
            "proxyguard",
            Map.of("PAYBRIDGE_TRUSTED_PROXIES", "10.0.0.0/8", "PAYBRIDGE_PROXY_PROTOCOL", "true"));
    plain = TestNode.start("proxyplain");
    balancer = ProxyProtocolBalancer.inFrontOf(proxied.client, proxied.node.port());
    // A connection per request, so that each names the client the test chose last.
    viaBalancer =
        WebClient.create(
            proxied.client,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(balancer.port())
                .setKeepAlive(false)
                .setFollowRedirects(false));
  }

  @AfterAll
  void stopNodes() {
    viaBalancer.close();
    balancer.close();
    proxied.close();
    guarded.close();
    plain.close();
  }

  @Test
  void aSenderAllowListChecksTheClientThePROXYHeaderNamesInEitherVersion() {
    // GIVEN an Anypay account that takes notifications from Anypay's address only
    JsonObject signedUp = signUp(email());
    String tenant = signedUp.getString("tenantId");
    JsonObject account = anypayAccount(signedUp);

    for (int version = 1; version <= 2; version++) {
      // WHEN Anypay's notification arrives through the balancer, which names Anypay
      balancer.naming(ANYPAY_SENDER, version);
      HttpResponse<Buffer> fromAnypay = deliver(account, null);
      // THEN it is booked, and its receipt names Anypay's address
      int v = version;
      assertThat(fromAnypay.bodyAsString())
          .as(() -> "version " + v + ": " + newestReceipt(tenant).toJson())
          .isEqualTo("OK");
      Row booked = newestReceipt(tenant);
      assertThat(booked.getString("verdict")).isEqualTo("recorded");
      assertThat(booked.getString("remote")).isEqualTo(ANYPAY_SENDER);
    }

    // WHEN someone else sends one, claiming Anypay's address in a forwarding header
    balancer.naming("198.51.100.23", 2);
    HttpResponse<Buffer> spoofed = deliver(account, ANYPAY_SENDER);
    // THEN the sender is the client the PROXY header named, and it is not allowed
    assertThat(spoofed.statusCode()).isNotEqualTo(200);
    Row refused = newestReceipt(tenant);
    assertThat(refused.getString("verdict")).isEqualTo("rejected");
    assertThat(refused.getString("remote")).isEqualTo("198.51.100.23");
    assertThat(refused.getString("reason")).contains("198.51.100.23 is not in allowedIps");
  }

  @Test
  void theSignInThrottleCountsEachClientThePROXYHeaderNamesApart() {
    // GIVEN an account, and a guesser the balancer names 203.0.113.66 (version 1)
    String email = email();
    signUp(email);
    balancer.naming("203.0.113.66", 1);
    WebClientSession guesser = WebClientSession.create(viaBalancer);
    // WHEN it has used up the pair's two wrong passwords
    assertThat(logIn(guesser, email, "guess one").statusCode()).isEqualTo(401);
    assertThat(logIn(guesser, email, "guess two").statusCode()).isEqualTo(401);
    // THEN its next attempt waits
    assertThat(logIn(guesser, email, "guess three").statusCode()).isEqualTo(429);

    // WHEN the owner, whom the balancer names 198.51.100.66 (version 2), logs in
    balancer.naming("198.51.100.66", 2);
    WebClientSession owner = WebClientSession.create(viaBalancer);
    // THEN the owner's address is counted apart, and the right password gets in
    HttpResponse<Buffer> typo = logIn(owner, email, "a typo");
    assertThat(typo.statusCode()).as(this::counters).isEqualTo(401);
    assertThat(logIn(owner, email, PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void aConnectionFromAPeerThatIsNotATrustedProxyIsClosedUnanswered() throws IOException {
    // GIVEN a node that trusts the proxies of 10.0.0.0/8 only, and this test at 127.0.0.1
    // WHEN it connects with a well-formed header naming Anypay
    String answer =
        raw(
            guarded.node.port(),
            balancer.header(1, ANYPAY_SENDER, 40000),
            "GET /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n");
    // THEN the node closes the connection without an answer
    assertThat(answer).isEmpty();
    // AND a node that expects the header closes a connection that does not send one
    assertThat(
            raw(
                proxied.node.port(),
                Buffer.buffer(),
                "GET /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n"))
        .doesNotStartWith("HTTP/1.1 200");
    // AND with the header, from its trusted proxy, it answers
    assertThat(
            raw(
                proxied.node.port(),
                balancer.header(2, "192.0.2.10", 40000),
                "GET /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void withoutTheSettingAPROXYLineIsABadRequest() throws IOException {
    String answer =
        raw(
            plain.node.port(),
            Buffer.buffer("PROXY TCP4 " + ANYPAY_SENDER + " 127.0.0.1 40000 80\r\n"),
            "GET /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n");
    assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*");
  }

  private String counters() {
    StringBuilder out = new StringBuilder();
    for (Row row : await(proxied.sql.query("SELECT key, hits FROM attempt_counters").execute())) {
      out.append(row.getString(0)).append('=').append(row.getInteger(1)).append("; ");
    }
    return out.toString();
  }

  private JsonObject signUp(String email) {
    balancer.naming("198.51.100.200", 1);
    HttpResponse<Buffer> r =
        await(
            viaBalancer
                .post("/api/v1/signup")
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "Tenant " + email)
                        .put("email", email)
                        .put("password", PASSWORD)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private JsonObject anypayAccount(JsonObject signedUp) {
    String token =
        Tenant.token(
            viaBalancer, signedUp.getString("clientId"), signedUp.getString("clientSecret"));
    HttpResponse<Buffer> r =
        await(
            viaBalancer
                .put("/api/v1/gateway-accounts/anypay")
                .bearerTokenAuthentication(token)
                .sendJsonObject(
                    new JsonObject()
                        .put("projectId", "7002")
                        .put("secretKey", secret)
                        .put("allowedIps", ANYPAY_SENDER)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> deliver(JsonObject account, String forwardedFor) {
    Webhook webhook =
        AnypaySimulator.webhook(
            AnypaySimulator.form(
                anypay.signed(
                    anypay.notification(
                        AnypaySimulator.newTransactionId(),
                        "order-" + UUID.randomUUID(),
                        "150.00",
                        "RUB",
                        "paid"))));
    if (forwardedFor != null) {
      webhook = webhook.withHeader("X-Forwarded-For", forwardedFor);
    }
    return await(
        webhook.post(
            viaBalancer, "http://127.0.0.1:" + balancer.port() + Tenant.hookPath(account)));
  }

  private Row newestReceipt(String tenant) {
    return await(
            proxied
                .sql
                .preparedQuery(
                    "SELECT verdict, remote, reason FROM webhook_receipts WHERE tenant_id = $1"
                        + " ORDER BY id DESC LIMIT 1")
                .execute(Tuple.of(UUID.fromString(tenant))))
        .iterator()
        .next();
  }

  /** Shows the login form, then posts it with the form's CSRF token. */
  private static HttpResponse<Buffer> logIn(
      WebClientSession browser, String email, String password) {
    HttpResponse<Buffer> form = await(browser.get("/console/login").send());
    Matcher token = CSRF.matcher(form.bodyAsString());
    assertThat(token.find()).as("a CSRF token on the login form").isTrue();
    return await(
        browser
            .post("/console/login")
            .sendForm(
                MultiMap.caseInsensitiveMultiMap()
                    .add("email", email)
                    .add("password", password)
                    .add("X-XSRF-TOKEN", token.group(1))));
  }

  /**
   * What the node answers on a connection of its own that sends {@code header} and then {@code
   * request}: everything up to the node's close, {@code ""} when it closes without a word.
   */
  private static String raw(int port, Buffer header, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(header.getBytes());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      try {
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
          answer.write(chunk, 0, n);
        }
      } catch (java.net.SocketException closed) {
        // A reset is a close too.
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the node neither answered nor closed the connection", e);
      }
      return answer.toString(StandardCharsets.US_ASCII);
    }
  }

  private static String email() {
    return "owner-" + UUID.randomUUID() + "@example.com";
  }
}
