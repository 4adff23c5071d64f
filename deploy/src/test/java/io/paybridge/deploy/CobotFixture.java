package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.cobot.CobotSimulator;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * A node with Cobot and Stripe played by simulators over HTTP, and the steps the Cobot tests share:
 * a space with an admin and a member, connected by a tenant on Stripe as a browser would do it.
 */
final class CobotFixture implements AutoCloseable {

  /**
   * A connected space: its tenant, subdomain, a member's membership and Cobot user, the callback.
   */
  record Space(Tenant tenant, String subdomain, String member, String memberUser, String hookUrl) {}

  final String apiKey = StripeApiFake.newSecretKey();
  final Vertx sims;
  final StripeApiFake stripe;
  final CobotSimulator cobot;
  final TestNode node;
  private final WebClient browser;

  CobotFixture(String name) {
    sims = Vertx.vertx();
    stripe = await(new StripeApiFake(apiKey).start(sims));
    cobot = await(new CobotSimulator().start(sims));
    node =
        TestNode.start(
            name,
            Map.of(
                "PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripe.baseUrl(),
                "PAYBRIDGE_GATEWAY_STRIPE_API_TIMEOUT_MS", "1500",
                "PAYBRIDGE_COBOT_URL", cobot.baseUrl(),
                "PAYBRIDGE_COBOT_SPACE_URL", cobot.spaceUrlTemplate(),
                "PAYBRIDGE_STRIPE_JS_URL", stripe.stripeJsUrl(),
                "PAYBRIDGE_RETRY_BASE_MS", "200"));
    browser = WebClient.create(sims, new WebClientOptions().setFollowRedirects(false));
  }

  @Override
  public void close() {
    node.close();
    await(cobot.close());
    await(stripe.close());
    await(sims.close());
  }

  /** A tenant with Stripe connected: API key and publishable key. */
  Tenant stripeTenant() {
    Tenant tenant = Tenant.signUp(node);
    tenant.connect(
        "stripe",
        new JsonObject()
            .put("webhookSecret", StripeSimulator.newWebhookSecret())
            .put("apiKey", apiKey)
            .put("publishableKey", stripe.publishableKey()));
    return tenant;
  }

  /** A new space with an admin and a member, connected by a new tenant on Stripe. */
  Space connectedSpace() {
    String subdomain = "space-" + suffix();
    cobot.addSpace(subdomain, "Space " + subdomain, "EUR");
    String admin = cobot.addUser("admin@" + subdomain + ".example");
    cobot.addAdmin(subdomain, admin);
    String memberUser = cobot.addUser("member@" + subdomain + ".example");
    String member =
        cobot.addMembership(subdomain, memberUser, "Ada Member", "ada@" + subdomain + ".example");
    cobot.addClient("client-" + subdomain, "secret-of-" + subdomain);
    cobot.signInAs(admin);
    Tenant tenant = stripeTenant();
    authorize(tenant, subdomain);
    String hook = cobot.subscriptions(subdomain).get(0).getString("callback_url");
    return new Space(tenant, subdomain, member, memberUser, hook);
  }

  /** Connects (again) and lets the signed-in Cobot user grant access, as a browser would. */
  void authorize(Tenant tenant, String subdomain) {
    HttpResponse<Buffer> put =
        await(
            tenant
                .put("/api/v1/integrations/cobot")
                .sendJsonObject(
                    new JsonObject()
                        .put("subdomain", subdomain)
                        .put("clientId", "client-" + subdomain)
                        .put("clientSecret", "secret-of-" + subdomain)
                        .put("gateway", "stripe")));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject().getString("status")).isEqualTo("authorization_required");
    HttpResponse<Buffer> atCobot =
        await(browser.getAbs(put.bodyAsJsonObject().getString("authorizeUrl")).send());
    assertThat(atCobot.statusCode()).as(atCobot.bodyAsString()).isEqualTo(302);
    URI back = URI.create(atCobot.getHeader("Location"));
    HttpResponse<Buffer> callback =
        await(
            node.http
                .get(back.getRawPath() + "?" + back.getRawQuery())
                .followRedirects(false)
                .send());
    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(303);
    assertThat(callback.getHeader("Location")).isEqualTo("/console/cobot?connected=1");
  }

  static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }
}
