package io.paybridge.core.cobot;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PaymentMethodSetup;
import io.paybridge.spi.StoredPaymentMethods;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What a tenant does to connect its Cobot space: name the space, the OAuth client it registered at
 * Cobot and the gateway its members' cards are kept at; a space admin grants access at Cobot; the
 * platform then registers the members' page as a navigation link and subscribes to {@code
 * created_invoice}. Connecting again reuses what is registered; disconnecting removes both at Cobot
 * before the connection is forgotten.
 */
public final class CobotConnections {

  /** What the space's admin grants: the invoices, payment records, activities, link, webhooks. */
  public static final List<String> SCOPES =
      List.of(
          "read_user",
          "navigation",
          "read_subscriptions",
          "write_subscriptions",
          "read_invoices",
          "read_payment_records",
          "write_payment_records",
          "write_activities",
          "read_memberships");

  /** How long a space admin has to grant access. */
  public static final Duration STATE_TTL = Duration.ofMinutes(10);

  /** The label of the members' navigation link at Cobot. */
  public static final String LINK_LABEL = "Payment method";

  static final String EVENT = "created_invoice";

  private static final Logger LOG = Logger.getLogger(CobotConnections.class.getName());

  /** A connection as the tenant sees it, with where to authorize while that is required. */
  public record Connection(CobotIntegration integration, String authorizeUrl) {}

  private final CobotStore store;
  private final CobotAccess access;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final CobotUrls urls;

  public CobotConnections(
      CobotStore store,
      CobotAccess access,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      CobotUrls urls) {
    this.store = store;
    this.access = access;
    this.accounts = accounts;
    this.plugins = plugins;
    this.urls = urls;
  }

  /** Where Cobot is reached. */
  public CobotSettings settings() {
    return access.api().settings();
  }

  /**
   * Saves the space and client and answers where a space admin authorizes the platform. A blank
   * client secret keeps the one stored. Fails with {@link io.paybridge.core.usecase.InvalidInput}
   * for malformed input and {@link Refused} for a gateway that cannot keep cards or is not
   * connected, and for another space while one is connected.
   */
  public Future<Connection> connect(
      UUID tenantId, String subdomain, String clientId, String clientSecret, String gateway) {
    return store
        .find(tenantId)
        .compose(
            existing -> {
              boolean keepSecret =
                  (clientSecret == null || clientSecret.isBlank())
                      && existing != null
                      && existing.clientId().equals(clientId);
              return new Checks()
                  .require(
                      subdomain != null && CobotSettings.SUBDOMAIN.matcher(subdomain).matches(),
                      "subdomain",
                      "'subdomain' must be the space's Cobot subdomain (lower-case letters, digits"
                          + " and dashes), e.g. 'co-up' for co-up.cobot.me")
                  .require(
                      Checks.lengthWithin(clientId, 1, 200),
                      "clientId",
                      "'clientId' is the id of the OAuth client registered at Cobot")
                  .require(
                      keepSecret || Checks.lengthWithin(clientSecret, 1, 500),
                      "clientSecret",
                      "'clientSecret' is the secret of that OAuth client")
                  .require(Checks.lengthWithin(gateway, 1, 64), "gateway", "'gateway' is required")
                  .verdict()
                  .compose(v -> gatewayReady(tenantId, gateway))
                  .compose(
                      v -> {
                        if (existing != null
                            && existing.connected()
                            && !existing.subdomain().equals(subdomain)) {
                          return Future.failedFuture(
                              Refused.conflict(
                                  "cobot_connected",
                                  "Cobot space '"
                                      + existing.subdomain()
                                      + "' is connected; disconnect it before connecting another"));
                        }
                        CobotIntegration.Secrets secrets =
                            existing == null
                                ? new CobotIntegration.Secrets(clientSecret, null, null)
                                : new CobotIntegration.Secrets(
                                    keepSecret ? existing.secrets().clientSecret() : clientSecret,
                                    existing.secrets().accessToken(),
                                    existing.secrets().refreshToken());
                        return store.saveClient(tenantId, subdomain, gateway, clientId, secrets);
                      })
                  .compose(saved -> withAuthorizeUrl(saved));
            });
  }

  /** The tenant's connection; fails with {@link Refused} (not found) when there is none. */
  public Future<Connection> get(UUID tenantId) {
    return store
        .find(tenantId)
        .compose(
            c ->
                c == null
                    ? Future.failedFuture(
                        Refused.notFound("not_connected", "Cobot is not connected"))
                    : c.connected()
                        ? Future.succeededFuture(new Connection(c, null))
                        : withAuthorizeUrl(c));
  }

  private Future<Connection> withAuthorizeUrl(CobotIntegration c) {
    return store
        .issueState(c.tenantId(), CobotCallbacks.CONNECT, STATE_TTL)
        .map(state -> new Connection(c, access.api().authorizeUrl(c.clientId(), SCOPES, state)));
  }

  /**
   * Completes the connection with the code a space admin's grant returned: stores the tokens and
   * registers the members' link and the invoice subscription at Cobot, each only once.
   */
  Future<CobotIntegration> complete(UUID tenantId, String code) {
    return access
        .connection(tenantId)
        .compose(
            c ->
                access
                    .api()
                    .exchange(c.clientId(), c.secrets().clientSecret(), code)
                    .compose(
                        issued ->
                            store.saveTokens(
                                tenantId,
                                c.secrets().withTokens(issued.accessToken(), issued.refreshToken()),
                                issued.expiresAt()))
                    .compose(this::register));
  }

  private Future<CobotIntegration> register(CobotIntegration c) {
    String api = access.api().settings().spaceApi(c.subdomain());
    String iframe = urls.memberPage(c.pageKey());
    String callback = urls.invoiceHook(c.hookKey());
    return access
        .withToken(
            c,
            token ->
                navigationLink(api, token, iframe)
                    .compose(
                        link -> subscription(api, token, callback).map(sub -> List.of(link, sub))))
        .compose(
            registered -> store.markConnected(c.tenantId(), registered.get(0), registered.get(1)))
        .onSuccess(
            done -> LOG.info(() -> "tenant " + c.tenantId() + " connected Cobot " + c.subdomain()));
  }

  private Future<String> navigationLink(String api, String token, String iframe) {
    return registered(
        api + "/navigation_links",
        token,
        "iframe_url",
        iframe,
        null,
        new JsonObject()
            .put("section", "members")
            .put("label", LINK_LABEL)
            .put("iframe_url", iframe));
  }

  private Future<String> subscription(String api, String token, String callback) {
    return registered(
        api + "/subscriptions",
        token,
        "callback_url",
        callback,
        EVENT,
        new JsonObject().put("event", EVENT).put("callback_url", callback));
  }

  /**
   * The URL of what the platform registered in the list at {@code url} (the item whose {@code
   * field} is {@code value}, of {@code event} if given), registering it with {@code body} when it
   * is not there: connecting again never registers twice.
   */
  private Future<String> registered(
      String url, String token, String field, String value, String event, JsonObject body) {
    return access
        .api()
        .array(url, token)
        .compose(
            items -> {
              String found = find(items, field, value, event);
              return found != null
                  ? Future.succeededFuture(found)
                  : access
                      .api()
                      .object(HttpMethod.POST, url, token, body)
                      .map(created -> created.getString("url"));
            });
  }

  private static String find(JsonArray items, String field, String value, String event) {
    for (Object o : items) {
      if (o instanceof JsonObject item
          && value.equals(item.getString(field))
          && (event == null || event.equals(item.getString("event")))) {
        return item.getString("url");
      }
    }
    return null;
  }

  /**
   * Removes the members' link and the subscription at Cobot, then forgets the connection. Fails
   * with {@link Refused} when there is none, or when Cobot no longer accepts the platform's token
   * (what is registered could not be removed); with {@link CobotException} when Cobot cannot be
   * reached (nothing is forgotten, so it can be tried again).
   */
  public Future<Void> disconnect(UUID tenantId) {
    return store
        .find(tenantId)
        .compose(
            c -> {
              if (c == null) {
                return Future.failedFuture(
                    Refused.notFound("not_connected", "Cobot is not connected"));
              }
              if (c.navigationLinkUrl() == null && c.subscriptionUrl() == null) {
                return store.delete(tenantId).mapEmpty();
              }
              return access
                  .withToken(
                      c,
                      token ->
                          remove(c.navigationLinkUrl(), token)
                              .compose(v -> remove(c.subscriptionUrl(), token)))
                  .recover(
                      err ->
                          err instanceof CobotException e && (e.unauthorized() || e.status() == 403)
                              ? Future.failedFuture(
                                  Refused.conflict(
                                      "authorization_required",
                                      "Cobot no longer accepts Paybridge's access to the space, so"
                                          + " its link and webhook could not be removed: connect"
                                          + " Cobot again, then disconnect"))
                              : Future.failedFuture(err))
                  .compose(v -> store.delete(tenantId))
                  .onSuccess(
                      v ->
                          LOG.info(
                              () -> "tenant " + tenantId + " disconnected Cobot " + c.subdomain()))
                  .mapEmpty();
            });
  }

  private Future<Void> remove(String url, String token) {
    if (url == null) {
      return Future.succeededFuture();
    }
    return access
        .api()
        .object(HttpMethod.DELETE, url, token, null)
        .<Void>mapEmpty()
        .recover(
            err ->
                err instanceof CobotException e && e.notFound()
                    ? Future.succeededFuture()
                    : Future.failedFuture(err));
  }

  /** The gateway must keep cards and charge them, and the tenant must have connected it. */
  private Future<Void> gatewayReady(UUID tenantId, String gateway) {
    GatewayPlugin plugin = plugins.get(gateway);
    if (plugin == null) {
      return Future.failedFuture(
          Refused.unprocessable("unknown_gateway", "there is no gateway '" + gateway + "'"));
    }
    if (!(plugin instanceof StoredPaymentMethods) || !(plugin instanceof PaymentMethodSetup)) {
      return Future.failedFuture(
          Refused.unprocessable(
              "unsupported_gateway",
              plugin.displayName() + " cannot keep members' cards for Cobot invoices"));
    }
    return accounts
        .find(tenantId, gateway)
        .compose(
            account ->
                account != null
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        Refused.unprocessable(
                            "gateway_not_connected",
                            "connect " + plugin.displayName() + " before Cobot")));
  }
}
