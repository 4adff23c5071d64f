package io.paybridge.core.cobot;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plays Cobot (https://www.cobot.me) in tests: its OAuth 2 server and the API 1 endpoints a payment
 * integration calls, served by a real HTTP server on 127.0.0.1 at a random port, with spaces,
 * users, memberships, invoices, payment records, activities, navigation links and webhook
 * subscriptions kept in memory. What is {@code https://www.cobot.me} in production is {@link
 * #baseUrl()}; a space's {@code https://{subdomain}.cobot.me} is {@code
 * baseUrl()/spaces/{subdomain}} ({@link #spaceUrlTemplate()}, {@link #pluginSettings()}).
 *
 * <p>On {@code baseUrl()}: {@code GET /oauth/authorize} (also under a space's URL), {@code POST
 * /oauth/access_token}, {@code GET /api/user}, {@code GET /api/spaces/{subdomain}}. On {@link
 * #spaceApiBase}: {@code GET /invoices[/{id}]}, {@code POST|DELETE /invoices/{id}/payment_records},
 * {@code GET /invoices/payment_records}, {@code GET|POST /activities}, {@code GET|POST
 * /navigation_links}, {@code GET|DELETE /navigation_links/{id}}, {@code GET|POST /subscriptions},
 * {@code GET|DELETE /subscriptions/{id}}, {@code GET /memberships[/{id}]}.
 *
 * <p>Every API call needs a live access token ({@code 401 invalid_token} with {@code
 * WWW-Authenticate: Bearer error="invalid_token"} otherwise), the endpoint's scope ({@code 403
 * insufficient_scope}), and for a space, a user who is that space's admin now ({@code 403
 * forbidden}). Validation failures answer {@code 422} with an {@code errors} member, unknown
 * resources {@code 404 {}}. Where Cobot's documentation is silent the simulator chooses, and says
 * so on the method that plays it; its choices are: tokens live {@link #tokenLifetime} (2 hours) and
 * can be refreshed, which revokes the old token; invoices are found by id or by number; a payment
 * record over the payable amount, with more decimals than the currency has, or on a canceled
 * invoice gets {@code 422}; per-field errors look like {@code {"errors":{"event":"…"}}}.
 *
 * <p>Every state method is thread-safe and returns copies. Faults come from {@link
 * GatewaySimulator}: {@link #failNext}, {@link #answerNext}, {@link #delayNext}, {@link #inject};
 * {@link #calls()} logs every request. Webhooks are only sent when a test fires them ({@link
 * #fireCreatedInvoice}, {@link #fireEvent}), once each, without Cobot's retries.
 */
public final class CobotSimulator extends GatewaySimulator<CobotSimulator> {

  /** The setting that holds {@code https://www.cobot.me}: {@link #baseUrl()}. */
  public static final String URL_SETTING = "PAYBRIDGE_COBOT_URL";

  /** The setting that holds a space's URL template: {@link #spaceUrlTemplate()}. */
  public static final String SPACE_URL_SETTING = "PAYBRIDGE_COBOT_SPACE_URL";

  private final SimulatedUrls urls = new SimulatedUrls(this::baseUrl);
  private final CobotSpaces spaces = new CobotSpaces(urls);
  private final CobotOAuth oauth = new CobotOAuth(spaces);
  private final SimulatedInvoices invoices = new SimulatedInvoices(urls);
  private final CobotApps apps = new CobotApps(urls);
  private WebClient client;

  @Override
  public Future<CobotSimulator> start(Vertx vertx) {
    client = WebClient.create(vertx);
    return super.start(vertx);
  }

  @Override
  public Future<Void> close() {
    if (client != null) {
      client.close();
    }
    return super.close();
  }

  /** {@link #URL_SETTING} and {@link #SPACE_URL_SETTING}, pointing at this running simulator. */
  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(URL_SETTING, baseUrl(), SPACE_URL_SETTING, spaceUrlTemplate());
  }

  /** A space's URL with a literal {@code {subdomain}}: {@code <baseUrl>/spaces/{subdomain}}. */
  public String spaceUrlTemplate() {
    return baseUrl() + "/spaces/{subdomain}";
  }

  /** A space's API 1 base, {@code <baseUrl>/spaces/<subdomain>/api}. */
  public String spaceApiBase(String subdomain) {
    return urls.spaceApi(subdomain);
  }

  // ---- spaces, users, memberships

  /** Adds a space; {@code currency} is an ISO 4217 code. */
  public synchronized CobotSimulator addSpace(String subdomain, String name, String currency) {
    spaces.addSpace(subdomain, name, currency);
    return this;
  }

  /** Adds a user whose name is the part of {@code email} before the {@code @}; returns its id. */
  public String addUser(String email) {
    return addUser(email, email.contains("@") ? email.substring(0, email.indexOf('@')) : email);
  }

  /**
   * Adds a user ({@code name} is what {@code admin_of} shows) and returns its id, {@code user-…}.
   */
  public synchronized String addUser(String email, String name) {
    return spaces.addUser(email, name).id();
  }

  /** Makes the user an admin of the space, which space API calls require. */
  public synchronized CobotSimulator addAdmin(String subdomain, String userId) {
    spaces.addAdmin(subdomain, userId);
    return this;
  }

  /** Takes the user's admin rights away: their tokens lose access to the space at once. */
  public synchronized CobotSimulator removeAdmin(String subdomain, String userId) {
    spaces.removeAdmin(subdomain, userId);
    return this;
  }

  /** Adds a confirmed membership, of a Cobot user or of none ({@code null}); returns its id. */
  public synchronized String addMembership(
      String subdomain, String userId, String name, String email) {
    return spaces.addMembership(subdomain, userId, name, email).id();
  }

  // ---- OAuth

  /**
   * Registers an app. Any redirect URI is accepted at authorization; a code exchange that names a
   * {@code redirect_uri} must name the same one.
   */
  public synchronized CobotSimulator addClient(String clientId, String clientSecret) {
    oauth.addClient(clientId, clientSecret);
    return this;
  }

  /** The user signed in in the browser that authorizes; {@code null} signs them out. */
  public synchronized CobotSimulator signInAs(String userId) {
    oauth.signInAs(userId);
    return this;
  }

  /** Makes the signed-in user refuse the next authorization ({@code error=access_denied}). */
  public synchronized CobotSimulator denyNextAuthorization() {
    oauth.denyNextAuthorization();
    return this;
  }

  /** How long access tokens issued from now on live (default 2 hours; Cobot documents none). */
  public synchronized CobotSimulator tokenLifetime(Duration lifetime) {
    oauth.tokenLifetime(lifetime);
    return this;
  }

  /** Expires every access token issued so far; their refresh tokens still work. */
  public synchronized CobotSimulator expireTokensNow() {
    oauth.expireTokensNow();
    return this;
  }

  /** Expires every authorization code not exchanged yet (they live 10 minutes). */
  public synchronized CobotSimulator expireAuthorizationCodesNow() {
    oauth.expireAuthorizationCodesNow();
    return this;
  }

  /** Revokes every access and refresh token issued so far. */
  public synchronized CobotSimulator revokeAllTokens() {
    oauth.revokeAllTokens();
    return this;
  }

  /**
   * Issues a token without the browser, as Cobot's app page gives one "for testing purposes";
   * returns what the token endpoint would ({@code access_token}, {@code refresh_token}, …).
   */
  public synchronized JsonObject issueToken(String clientId, String userId, String... scopes) {
    if (!oauth.clientExists(clientId)) {
      throw new IllegalArgumentException("no client " + clientId + "; add it first");
    }
    spaces.requireUser(userId);
    return oauth.issue(clientId, userId, new LinkedHashSet<>(List.of(scopes)));
  }

  // ---- invoices

  /**
   * Adds an unpaid invoice of one item with the space's next invoice number (the first is 100) and
   * returns it as {@code GET} would, with its {@code url}. {@code membershipId} may be {@code
   * null}; {@code currency} {@code null} means the space's; {@code totalAmount} is a decimal in
   * major units ({@code "60.00"}).
   */
  public JsonObject addInvoice(
      String subdomain, String membershipId, String currency, String totalAmount) {
    return addInvoice(subdomain, null, membershipId, currency, totalAmount);
  }

  /** {@link #addInvoice} with a chosen, unused invoice number. */
  public JsonObject addInvoiceNumbered(
      String subdomain,
      int invoiceNumber,
      String membershipId,
      String currency,
      String totalAmount) {
    return addInvoice(subdomain, invoiceNumber, membershipId, currency, totalAmount);
  }

  private synchronized JsonObject addInvoice(
      String subdomain, Integer number, String membershipId, String currency, String total) {
    CobotSpaces.Space space = spaces.requireSpace(subdomain);
    String name =
        membershipId == null ? null : spaces.requireMembership(subdomain, membershipId).name();
    String code = currency == null ? space.currency() : currency.toUpperCase(Locale.ROOT);
    return invoices.add(subdomain, number, membershipId, name, code, total);
  }

  /** Deletes an invoice: fetching it answers {@code 404 {}} from now on. */
  public synchronized void deleteInvoice(String subdomain, String invoiceId) {
    invoices.delete(subdomain, invoiceId);
  }

  /** Cancels an invoice: {@code paid_status} {@code canceled}, nothing payable. */
  public synchronized void cancelInvoice(String subdomain, String invoiceId) {
    invoices.cancel(subdomain, invoiceId);
  }

  /** The invoice as {@code GET} answers it now, or {@code null} for an unknown or deleted one. */
  public synchronized JsonObject invoice(String subdomain, String invoiceId) {
    return invoices.invoice(subdomain, invoiceId);
  }

  /** The invoice's payment records, oldest first. */
  public synchronized List<JsonObject> paymentRecords(String subdomain, String invoiceId) {
    return invoices.records(subdomain, invoiceId);
  }

  // ---- what apps added

  /** The space's activities, oldest first. */
  public synchronized List<JsonObject> activities(String subdomain) {
    return apps.activities(subdomain);
  }

  /** The space's navigation links, of every app, oldest first. */
  public synchronized List<JsonObject> navigationLinks(String subdomain) {
    return apps.links(subdomain);
  }

  /** The space's webhook subscriptions, of every app, inactive ones too, oldest first. */
  public synchronized List<JsonObject> subscriptions(String subdomain) {
    return apps.subscriptions(subdomain);
  }

  // ---- webhooks

  /**
   * Posts {@code {"url":"<invoice url>"}} as JSON to every active {@code created_invoice}
   * subscription of the space, as Cobot does once it has created an invoice, and completes with the
   * status the oldest subscription's callback answered ({@link #fireEvent} gives them all). Fails
   * when the space has no active subscription to the event, or a callback does not answer within
   * {@link Webhook#TIMEOUT_MS}.
   */
  public Future<Integer> fireCreatedInvoice(String subdomain, String invoiceId) {
    String url;
    synchronized (this) {
      url = invoices.url(subdomain, invoiceId);
    }
    return fireEvent(subdomain, "created_invoice", url)
        .compose(
            statuses ->
                statuses.isEmpty()
                    ? Future.failedFuture(
                        new IllegalStateException(
                            subdomain + " has no active created_invoice subscription"))
                    : Future.succeededFuture(statuses.get(0)));
  }

  /**
   * Posts {@code {"url":resourceUrl}} to every active subscription of the space to {@code event},
   * oldest first, and completes with their statuses in that order. A callback answering {@code 410}
   * deactivates its subscription, as at Cobot; other failures are not retried.
   */
  public Future<List<Integer>> fireEvent(String subdomain, String event, String resourceUrl) {
    List<CobotApps.Target> targets;
    synchronized (this) {
      spaces.requireSpace(subdomain);
      targets = apps.targets(subdomain, event);
    }
    List<Future<Integer>> deliveries = targets.stream().map(t -> deliver(t, resourceUrl)).toList();
    return Future.all(deliveries).map(all -> deliveries.stream().map(Future::result).toList());
  }

  private Future<Integer> deliver(CobotApps.Target target, String resourceUrl) {
    return client
        .postAbs(target.callbackUrl())
        .timeout(Webhook.TIMEOUT_MS)
        .putHeader("User-Agent", "Cobot Webhooks")
        .sendJsonObject(new JsonObject().put("url", resourceUrl))
        .map(
            response -> {
              if (response.statusCode() == 410) {
                synchronized (this) {
                  apps.deactivate(target.id());
                }
              }
              return response.statusCode();
            });
  }

  // ---- serving

  @Override
  protected void routes(Router router) {
    new CobotRoutes(this, spaces, oauth, invoices, apps, this::answer, CobotSimulator::call)
        .install(router);
  }

  /** Cobot's body for an injected error status; {@code 429} comes with {@code Retry-After}. */
  @Override
  protected Answer errorAnswer(int status, ApiCall call) {
    return switch (status) {
      case 401 ->
          CobotFormat.json(
                  401,
                  new JsonObject()
                      .put("error", "invalid_token")
                      .put("error_description", "The access token is invalid"))
              .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      case 404 -> CobotFormat.json(404, new JsonObject());
      case 429 ->
          CobotFormat.json(429, new JsonObject().put("error", "Rate limit exceeded, retry later"))
              .withHeader("Retry-After", "60");
      default ->
          CobotFormat.json(
              status,
              new JsonObject().put("error", HttpResponseStatus.valueOf(status).reasonPhrase()));
    };
  }
}
