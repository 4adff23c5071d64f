package io.paybridge.console;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.core.cobot.CobotSimulator;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeApiFake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console and Cobot's public routes with Cobot played by {@link CobotSimulator} and Stripe's
 * API by {@link StripeApiFake}, for the Cobot tests: tenants that connect Stripe (with the keys
 * that keep cards) and a Cobot space through the console, members who sign in through Cobot and
 * store a card, and Cobot's {@code created_invoice} webhooks.
 */
final class CobotTestBed implements AutoCloseable {

  static final String VISA = "4242424242424242";

  /** Saved, but every off-session charge of it is declined. */
  static final String DECLINES_LATER = "4000000000000341";

  private static final Pattern CLIENT_SECRET = Pattern.compile("data-client-secret=\"([^\"]+)\"");
  private static final AtomicInteger SPACES = new AtomicInteger();

  /** A tenant's space at Cobot: its admin and the OAuth client the tenant registered. */
  record Space(String subdomain, String adminId, String clientId, String clientSecret) {}

  final Vertx fakes;
  final CobotSimulator cobot;
  final StripeApiFake stripe;
  final ConsoleTestServer console;
  private final String stripeKey;
  private final String database;
  private final WebClient outside;

  private CobotTestBed(
      Vertx fakes,
      CobotSimulator cobot,
      StripeApiFake stripe,
      String stripeKey,
      ConsoleTestServer console,
      String database) {
    this.fakes = fakes;
    this.cobot = cobot;
    this.stripe = stripe;
    this.stripeKey = stripeKey;
    this.console = console;
    this.database = database;
    this.outside = WebClient.create(fakes);
  }

  /** The simulators, then a console server on a new database named after {@code name}. */
  static CobotTestBed start(String name) {
    Vertx fakes = Vertx.vertx();
    String key = StripeApiFake.newSecretKey();
    CobotSimulator cobot = await(new CobotSimulator().start(fakes));
    StripeApiFake stripe = await(new StripeApiFake(key).start(fakes));
    Map<String, String> settings = new HashMap<>(cobot.pluginSettings());
    settings.put("PAYBRIDGE_STRIPE_JS_URL", stripe.stripeJsUrl());
    settings.put("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripe.baseUrl());
    return new CobotTestBed(
        fakes, cobot, stripe, key, ConsoleTestServer.start(name, settings), name);
  }

  /** A new tenant with Stripe connected, API key and publishable key included. */
  Browser stripeTenant(String organisation) {
    Browser tenant = console.signUp(organisation);
    console.connectStripe(tenant, "apiKey", stripeKey, "publishableKey", stripe.publishableKey());
    return tenant;
  }

  /** A new space at Cobot in euros, with an admin and an OAuth client; not connected. */
  Space newSpace() {
    String subdomain = "space-" + SPACES.incrementAndGet();
    cobot.addSpace(subdomain, "Space " + subdomain, "EUR");
    String admin = cobot.addUser("admin-" + subdomain + "@example.com");
    cobot.addAdmin(subdomain, admin);
    String clientId = "client-" + UUID.randomUUID();
    String secret = "secret-" + UUID.randomUUID();
    cobot.addClient(clientId, secret);
    return new Space(subdomain, admin, clientId, secret);
  }

  /** Sends the connect form; answers its response (303 to Cobot's authorization page). */
  HttpResponse<Buffer> submitConnect(Browser tenant, Space space) {
    tenant.get("/console/cobot");
    return tenant.submit(
        "/console/cobot",
        "subdomain",
        space.subdomain(),
        "clientId",
        space.clientId(),
        "clientSecret",
        space.clientSecret(),
        "gateway",
        "stripe");
  }

  /** Connects a new space through the console, its admin granting access at Cobot. */
  Space connect(Browser tenant) {
    Space space = newSpace();
    HttpResponse<Buffer> sent = submitConnect(tenant, space);
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(303);
    cobot.signInAs(space.adminId());
    HttpResponse<Buffer> back = callback(authorize(sent.getHeader("Location")));
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(303);
    assertThat(back.getHeader("Location")).isEqualTo("/console/cobot?connected=1");
    return space;
  }

  /** The signed-in Cobot user's answer at an authorization URL: where Cobot sends them back. */
  String authorize(String authorizeUrl) {
    HttpResponse<Buffer> r = await(outside.getAbs(authorizeUrl).followRedirects(false).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(302);
    return r.getHeader("Location");
  }

  /** Follows Cobot's redirect back to the platform's OAuth callback. */
  HttpResponse<Buffer> callback(String callbackUrl) {
    assertThat(callbackUrl).startsWith("http://console.paybridge.test/cobot/oauth/callback?");
    return get(callbackUrl);
  }

  /** {@code GET} on the node without cookies; a public URL is taken to the node. */
  HttpResponse<Buffer> get(String pathOrPublicUrl) {
    return await(console.http().get(ConsoleTestServer.local(pathOrPublicUrl)).send());
  }

  /** {@code POST} of a raw body, as Cobot posts its webhooks. */
  HttpResponse<Buffer> post(String path, Buffer body) {
    return await(
        console
            .http()
            .post(path)
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "Cobot Webhooks")
            .sendBuffer(body));
  }

  /** The path of the members' page Cobot shows in its navigation. */
  String memberPagePath(Space space) {
    List<JsonObject> links = cobot.navigationLinks(space.subdomain());
    assertThat(links).hasSize(1);
    return ConsoleTestServer.local(links.get(0).getString("iframe_url"));
  }

  /** The path of the space's {@code created_invoice} callback at the platform. */
  String hookPath(Space space) {
    List<JsonObject> subs = cobot.subscriptions(space.subdomain());
    assertThat(subs).hasSize(1);
    return ConsoleTestServer.local(subs.get(0).getString("callback_url"));
  }

  /** A new member of the space, with a Cobot user; returns the membership's id and user's. */
  record Member(String userId, String membershipId) {}

  Member newMember(Space space) {
    String email = "member-" + UUID.randomUUID() + "@example.com";
    String user = cobot.addUser(email);
    return new Member(user, cobot.addMembership(space.subdomain(), user, "Ann Member", email));
  }

  /** Signs the member in through the members' page; answers their page's path. */
  String signIn(Space space, Member member) {
    HttpResponse<Buffer> link = get(memberPagePath(space));
    assertThat(link.statusCode()).as(link.bodyAsString()).isEqualTo(303);
    cobot.signInAs(member.userId());
    HttpResponse<Buffer> back = callback(authorize(link.getHeader("Location")));
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(303);
    assertThat(back.getHeader("Location")).startsWith("/cobot/member/");
    return back.getHeader("Location");
  }

  /** Opens the card form and has Stripe confirm {@code number}; answers the setup's id. */
  String confirmCard(String memberPath, String number) {
    HttpResponse<Buffer> form = get(memberPath + "/card");
    assertThat(form.statusCode()).as(form.bodyAsString()).isEqualTo(200);
    Matcher secret = CLIENT_SECRET.matcher(form.bodyAsString());
    assertThat(secret.find()).isTrue();
    String setupId = secret.group(1).substring(0, secret.group(1).indexOf("_secret_"));
    JsonObject confirmed = stripe.confirmSetup(setupId, number);
    assertThat(confirmed.containsKey("error")).as(confirmed.encode()).isFalse();
    return setupId;
  }

  /** Stores a card for the member as their browser does; answers the page it returns to. */
  String storeCard(String memberPath, String number) {
    String setupId = confirmCard(memberPath, number);
    HttpResponse<Buffer> done = get(memberPath + "/card/done?setup_intent=" + setupId);
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(303);
    return done.getHeader("Location");
  }

  /** Cobot's {@code created_invoice} webhook of a new invoice; answers the invoice. */
  JsonObject invoice(Space space, String membershipId, String total) {
    JsonObject invoice = cobot.addInvoice(space.subdomain(), membershipId, null, total);
    HttpResponse<Buffer> r =
        post(hookPath(space), new JsonObject().put("url", invoice.getString("url")).toBuffer());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return invoice;
  }

  /**
   * Lets the tenant's one-time OAuth states ({@code cobot_states}) or members' sessions ({@code
   * cobot_member_sessions}) run out, as ten minutes or an hour later: the node's database clock
   * cannot be moved, so they are dated back.
   */
  void expire(String table, Browser tenant) {
    assertThat(table).isIn("cobot_states", "cobot_member_sessions");
    PgConnectOptions admin = PgFixture.adminOptions();
    List<String> databases = new ArrayList<>();
    Pool server = PgBuilder.pool().connectingTo(admin).using(fakes).build();
    try {
      for (Row row :
          await(
              server
                  .preparedQuery("SELECT datname FROM pg_database WHERE datname LIKE $1")
                  .execute(Tuple.of(database + "\\_%")))) {
        databases.add(row.getString(0));
      }
    } finally {
      await(server.close());
    }
    int expired = 0;
    for (String name : databases) {
      Pool db =
          PgBuilder.pool()
              .connectingTo(new PgConnectOptions(admin).setDatabase(name))
              .using(fakes)
              .build();
      expired +=
          await(
              db.preparedQuery(
                      "UPDATE "
                          + table
                          + " SET expires_at = now() - interval '1 second' WHERE tenant_id IN"
                          + " (SELECT id FROM tenants WHERE email = $1)")
                  .execute(Tuple.of(tenant.email()))
                  .map(rows -> rows.rowCount())
                  .recover(err -> Future.succeededFuture(0))
                  .eventually(db::close));
    }
    assertThat(expired).as("rows of " + tenant.email() + " in " + table).isPositive();
  }

  @Override
  public void close() {
    console.close();
    outside.close();
    await(Future.join(cobot.close(), stripe.close()));
    await(fakes.close());
  }
}
