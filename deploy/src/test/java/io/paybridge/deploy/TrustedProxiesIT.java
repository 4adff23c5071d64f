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
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node behind a load balancer it trusts (here: every request comes from 127.0.0.1, the trusted
 * proxy) counts and checks the client the load balancer names; a node that trusts no proxy ignores
 * the same headers. Proven on what depends on the client address: a gateway account's sender
 * allow-list, the receipt's {@code remote}, and the per-address throttle of {@code /oauth/token}.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedProxiesIT {

  private static final String ANYPAY_SENDER = AnypayPlugin.PUBLISHED_IPS.get(0);

  private final String secret = "anypay-" + UUID.randomUUID();
  private final AnypaySimulator anypay = new AnypaySimulator("7001", secret);
  private TestNode behindProxy;
  private TestNode direct;
  private Tenant proxiedTenant;
  private Tenant directTenant;
  private JsonObject proxiedAccount;
  private JsonObject directAccount;

  @BeforeAll
  void startNodes() {
    Map<String, String> throttled = Map.of("PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "3/60");
    behindProxy =
        TestNode.start(
            "proxied",
            Map.of(
                "PAYBRIDGE_TRUSTED_PROXIES",
                "127.0.0.1/32, ::1",
                "PAYBRIDGE_THROTTLE_TOKEN_ADDRESS",
                "3/60"));
    direct = TestNode.start("direct", throttled);
    // Signed up before any test uses up an address's attempts at /oauth/token.
    proxiedTenant = Tenant.signUp(behindProxy);
    proxiedAccount = anypayAccount(proxiedTenant);
    directTenant = Tenant.signUp(direct);
    directAccount = anypayAccount(directTenant);
  }

  @AfterAll
  void stopNodes() {
    behindProxy.close();
    direct.close();
  }

  private JsonObject anypayAccount(Tenant tenant) {
    return tenant.connect(
        "anypay",
        new JsonObject()
            .put("projectId", "7001")
            .put("secretKey", secret)
            .put("allowedIps", ANYPAY_SENDER));
  }

  private HttpResponse<Buffer> deliver(TestNode node, JsonObject account, String forwardedFor) {
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
    return await(
        webhook
            .withHeader("X-Forwarded-For", forwardedFor)
            .post(node.http, node.baseUrl() + Tenant.hookPath(account)));
  }

  private Row newestReceipt(TestNode node, Tenant tenant) {
    return await(
            node.sql
                .preparedQuery(
                    "SELECT verdict, remote, reason FROM webhook_receipts WHERE tenant_id = $1"
                        + " ORDER BY id DESC LIMIT 1")
                .execute(Tuple.of(UUID.fromString(tenant.tenantId))))
        .iterator()
        .next();
  }

  @Test
  void aSenderAllowListChecksTheClientTheTrustedProxyNames() {
    // GIVEN an Anypay account that takes notifications from Anypay's address only
    JsonObject account = proxiedAccount;
    // WHEN Anypay's notification arrives through the trusted proxy, which names Anypay
    HttpResponse<Buffer> fromAnypay = deliver(behindProxy, account, ANYPAY_SENDER);
    // THEN it is booked, and its receipt names Anypay's address
    assertThat(fromAnypay.bodyAsString()).isEqualTo("OK");
    Row booked = newestReceipt(behindProxy, proxiedTenant);
    assertThat(booked.getString("verdict")).isEqualTo("recorded");
    assertThat(booked.getString("remote")).isEqualTo(ANYPAY_SENDER);

    // WHEN someone else writes Anypay's address into the header before the proxy appends theirs
    HttpResponse<Buffer> spoofed = deliver(behindProxy, account, ANYPAY_SENDER + ", 198.51.100.23");
    // THEN the sender is the address the proxy appended, and it is not allowed
    assertThat(spoofed.statusCode()).isNotEqualTo(200);
    Row refused = newestReceipt(behindProxy, proxiedTenant);
    assertThat(refused.getString("verdict")).isEqualTo("rejected");
    assertThat(refused.getString("remote")).isEqualTo("198.51.100.23");
    assertThat(refused.getString("reason")).contains("198.51.100.23 is not in allowedIps");
  }

  @Test
  void aNodeThatTrustsNoProxyIgnoresTheHeader() {
    // GIVEN the same account on a node without trusted proxies
    JsonObject account = directAccount;
    // WHEN a request from 127.0.0.1 claims to come from Anypay
    HttpResponse<Buffer> claimed = deliver(direct, account, ANYPAY_SENDER);
    // THEN the sender is the connection's peer, which is not allowed
    assertThat(claimed.statusCode()).isNotEqualTo(200);
    Row refused = newestReceipt(direct, directTenant);
    assertThat(refused.getString("remote")).isEqualTo("127.0.0.1");
    assertThat(refused.getString("reason")).contains("127.0.0.1 is not in allowedIps");
  }

  @Test
  void theTokenThrottleCountsEachForwardedClientApart() {
    // GIVEN a client that has used up its address's wrong attempts behind the proxy
    String guesser = "203.0.113." + (10 + (int) (Math.random() * 200));
    for (int i = 0; i < 3; i++) {
      assertThat(token(behindProxy, guesser).statusCode()).isEqualTo(401);
    }
    assertThat(token(behindProxy, guesser).statusCode()).isEqualTo(429);
    // WHEN another client behind the same proxy asks
    // THEN it is not held up by the first
    assertThat(token(behindProxy, "198.51.100.77").statusCode()).isEqualTo(401);
    // AND on the node that trusts no proxy, the header changes nothing: one address for all
    for (int i = 0; i < 3; i++) {
      token(direct, "203.0.113." + i);
    }
    assertThat(token(direct, "198.51.100.78").statusCode()).isEqualTo(429);
  }

  private static HttpResponse<Buffer> token(TestNode node, String forwardedFor) {
    return await(
        node.http
            .post("/oauth/token")
            .putHeader("X-Forwarded-For", forwardedFor)
            .basicAuthentication("pbc_unknown" + UUID.randomUUID(), "wrong")
            .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
  }
}
