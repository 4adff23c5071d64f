package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.testkit.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every gateway must do end to end, through the real webhook route and a real PostgreSQL: a
 * valid delivery is recorded once and its duplicate changes nothing; a delivery signed for another
 * tenant, an oversized or malformed body, and a wrong URL are refused cleanly and record nothing;
 * an event type the platform does not act on is acknowledged and records nothing. Each gateway's
 * end-to-end test extends this kit with deliveries its simulator signed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayEndToEndKit {

  protected TestNode node;
  protected Tenant tenant;
  protected Tenant otherTenant;
  protected JsonObject account;
  protected JsonObject otherAccount;

  /** The gateway id. */
  protected abstract String gateway();

  /** The first tenant's credentials, as entered through the API. */
  protected abstract JsonObject credentials();

  /** Another tenant's credentials at the same gateway (another secret). */
  protected abstract JsonObject otherCredentials();

  /** A delivery, signed for the first tenant, that records at least one ledger entry. */
  protected abstract Webhook validDelivery();

  /** An authentic delivery of an event type the platform does not act on. */
  protected abstract Webhook unknownEventDelivery();

  /** An authentic delivery whose body is not what the gateway sends, or {@code null}. */
  protected abstract Webhook malformedDelivery();

  /** Node settings (environment variables), e.g. base URLs of the gateway's API fake. */
  protected Map<String, String> nodeEnvironment() {
    return Map.of();
  }

  /** Plugin settings as the node reads them: {@code a.b.c} from {@code PAYBRIDGE_GATEWAY_A_B_C}. */
  protected static Map<String, String> environmentOf(Map<String, String> pluginSettings) {
    Map<String, String> env = new HashMap<>();
    pluginSettings.forEach(
        (name, value) ->
            env.put("PAYBRIDGE_GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
    return env;
  }

  /** Whether the answer tells the gateway its delivery was taken. */
  protected boolean acknowledged(HttpResponse<Buffer> response) {
    return response.statusCode() >= 200 && response.statusCode() < 300;
  }

  /** Ledger entries the valid delivery records. */
  protected int entriesPerValidDelivery() {
    return 1;
  }

  @BeforeAll
  void startNode() {
    node = TestNode.start("e2e_" + gateway(), nodeEnvironment());
    tenant = Tenant.signUp(node);
    otherTenant = Tenant.signUp(node);
    account = tenant.connect(gateway(), credentials());
    otherAccount = otherTenant.connect(gateway(), otherCredentials());
  }

  @AfterAll
  void stopNode() {
    node.close();
  }

  /** Posts the webhook to a path of the node, as its gateway would. */
  protected HttpResponse<Buffer> post(String path, Webhook webhook) {
    return await(webhook.post(node.http, node.baseUrl() + path));
  }

  protected long entries(Tenant t) {
    return node.count("SELECT count(*) FROM ledger_entries WHERE tenant_id = '" + t.tenantId + "'");
  }

  /** Receipts that booked something. */
  protected long receipts(Tenant t) {
    return node.count(
        "SELECT count(*) FROM webhook_receipts WHERE tenant_id = '"
            + t.tenantId
            + "' AND verdict = 'recorded'");
  }

  /** The tenant's newest receipt, as the API shows it. */
  protected JsonObject newestReceipt(Tenant t) {
    return t.receipts("?limit=1").getJsonArray("data").getJsonObject(0);
  }

  @Test
  void validDeliveryIsRecordedOnceAndItsDuplicateChangesNothing() {
    long before = entries(tenant);
    Webhook delivery = validDelivery();
    HttpResponse<Buffer> first = post(Tenant.hookPath(account), delivery);
    assertThat(acknowledged(first)).as("%s %s", first.statusCode(), first.bodyAsString()).isTrue();
    assertThat(entries(tenant)).isEqualTo(before + entriesPerValidDelivery());

    HttpResponse<Buffer> again = post(Tenant.hookPath(account), delivery);
    assertThat(acknowledged(again)).as("duplicate: %s", again.bodyAsString()).isTrue();
    assertThat(entries(tenant)).isEqualTo(before + entriesPerValidDelivery());
    assertThat(tenant.payments("?gateway=" + gateway()).getJsonArray("data")).isNotEmpty();
  }

  @Test
  void aDeliverySignedForAnotherTenantIsRefusedAtTheirUrl() {
    long before = entries(otherTenant);
    HttpResponse<Buffer> r = post(Tenant.hookPath(otherAccount), validDelivery());
    assertThat(acknowledged(r)).as("%s %s", r.statusCode(), r.bodyAsString()).isFalse();
    assertThat(entries(otherTenant)).isEqualTo(before);
  }

  @Test
  void oversizedBodiesAreRefusedBeforeVerification() {
    Webhook valid = validDelivery();
    Buffer huge = Buffer.buffer(new byte[300 * 1024]);
    HttpResponse<Buffer> r =
        post(Tenant.hookPath(account), new Webhook(valid.headers(), valid.query(), huge));
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void malformedBodiesGetA400AndRecordNothing() {
    Webhook malformed = malformedDelivery();
    if (malformed == null) {
      return;
    }
    long before = receipts(tenant);
    HttpResponse<Buffer> r = post(Tenant.hookPath(account), malformed);
    assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(400, 499);
    assertThat(receipts(tenant)).isEqualTo(before);
    // the refusal left a receipt with its reason
    JsonObject receipt = newestReceipt(tenant);
    assertThat(receipt.getString("verdict")).isEqualTo("rejected");
    assertThat(receipt.getString("reason")).isNotBlank();
  }

  @Test
  void unknownEventTypesAreAcknowledgedAndRecordNothing() {
    long before = receipts(tenant);
    HttpResponse<Buffer> r = post(Tenant.hookPath(account), unknownEventDelivery());
    assertThat(acknowledged(r)).as("%s %s", r.statusCode(), r.bodyAsString()).isTrue();
    assertThat(receipts(tenant)).isEqualTo(before);
    // acknowledged and kept as an ignored receipt with a reason, booking nothing
    JsonObject receipt = newestReceipt(tenant);
    assertThat(receipt.getString("verdict")).isIn("ignored", "duplicate");
    assertThat(receipt.getString("reason")).isNotBlank();
  }

  @Test
  void aWrongGatewayOrUnknownKeyInTheUrlIsNotFound() {
    String path = Tenant.hookPath(account);
    String other = gateway().equals("stripe") ? "code" : "stripe";
    assertThat(post(path.replace("/" + gateway(), "/" + other), validDelivery()).statusCode())
        .isEqualTo(404);
    assertThat(post("/hooks/" + "Z".repeat(32) + "/" + gateway(), validDelivery()).statusCode())
        .isEqualTo(404);
  }
}
