package io.paybridge.core.cobot;

import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.charge.PaymentMethods;
import io.paybridge.core.charge.StoredMethod;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentMethodSetup;
import io.paybridge.spi.PaymentMethodSetup.SetupResult;
import io.paybridge.spi.PaymentMethodSetup.SetupStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What a member does on the page Cobot shows them in an iframe: sign in through Cobot ({@code
 * read_user}), which says their membership in the space (the customer reference of everything they
 * pay), then see the card stored for it and store another through the gateway's own form. Card data
 * goes from the browser to the gateway only; the platform learns the outcome from the gateway.
 */
public final class CobotMembers {

  /** How long a member's page stays usable after signing in. */
  public static final Duration SESSION_TTL = Duration.ofHours(1);

  /** The member's page: who they are and the card stored for them, if any. */
  public record MemberPage(
      String subdomain, String membershipId, String memberName, StoredMethod method) {}

  /** What the card form needs: the gateway's script, key and the setup it confirms. */
  public record CardForm(
      String gateway,
      String scriptUrl,
      String publishableKey,
      String clientSecret,
      String setupId) {}

  private final CobotStore store;
  private final CobotAccess access;
  private final ChargeStore chargeStore;
  private final PaymentMethods methods;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;

  public CobotMembers(
      CobotStore store,
      CobotAccess access,
      ChargeStore chargeStore,
      PaymentMethods methods,
      GatewayAccountStore accounts,
      PluginRegistry plugins) {
    this.store = store;
    this.access = access;
    this.chargeStore = chargeStore;
    this.methods = methods;
    this.accounts = accounts;
    this.plugins = plugins;
  }

  /**
   * Where a member arriving on the page through Cobot's link signs in. Fails with {@link Refused}
   * for an unknown page or a space that is not connected.
   */
  public Future<String> signIn(String pageKey) {
    return store
        .findByPageKey(pageKey)
        .compose(
            c -> {
              if (c == null) {
                return Future.failedFuture(Refused.notFound("not_found", "no such page"));
              }
              if (!c.connected()) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "not_connected",
                        "this space has not finished connecting Paybridge; ask the space's team"));
              }
              return store
                  .issueState(c.tenantId(), CobotCallbacks.MEMBER, CobotConnections.STATE_TTL)
                  .map(
                      state ->
                          access.api().authorizeUrl(c.clientId(), List.of("read_user"), state));
            });
  }

  /**
   * Completes a member's sign-in with the code Cobot returned: reads the user and takes their
   * membership in the space. Answers the new session's token.
   */
  Future<String> signedIn(UUID tenantId, String code) {
    return access
        .connection(tenantId)
        .compose(
            c ->
                access
                    .api()
                    .exchange(c.clientId(), c.secrets().clientSecret(), code)
                    .compose(issued -> access.api().user(issued.accessToken()))
                    .compose(user -> openSession(c, user)));
  }

  private Future<String> openSession(CobotIntegration c, JsonObject user) {
    var memberships = user.getJsonArray("memberships");
    if (memberships != null) {
      for (Object o : memberships) {
        if (o instanceof JsonObject m
            && c.subdomain().equals(m.getString("space_subdomain"))
            && m.getValue("id") != null) {
          String name = user.getString("email");
          return store.openMemberSession(
              c.tenantId(), m.getValue("id").toString(), name, SESSION_TTL);
        }
      }
    }
    return Future.failedFuture(
        Refused.unprocessable(
            "not_a_member",
            "your Cobot account has no membership in this space, so there is nothing to pay"
                + " here"));
  }

  /** The signed-in member's page; fails with {@link Refused} once the session is over. */
  public Future<MemberPage> page(String sessionToken) {
    return session(sessionToken)
        .compose(
            s ->
                store
                    .find(s.tenantId())
                    .compose(
                        c ->
                            chargeStore
                                .method(s.tenantId(), s.membershipId())
                                .map(
                                    m ->
                                        new MemberPage(
                                            c == null ? null : c.subdomain(),
                                            s.membershipId(),
                                            s.memberName(),
                                            m))));
  }

  /** Starts storing a card: a setup at the space's gateway, for the member's browser to confirm. */
  public Future<CardForm> startCard(String sessionToken) {
    return session(sessionToken)
        .compose(s -> access.connection(s.tenantId()).compose(c -> startCard(sessionToken, s, c)));
  }

  private Future<CardForm> startCard(
      String sessionToken, CobotStore.MemberSession s, CobotIntegration c) {
    return gateway(s, c)
        .compose(
            g ->
                chargeStore
                    .gatewayCustomer(s.tenantId(), s.membershipId(), c.gateway())
                    .compose(
                        customer -> g.setup().startSetup(s.membershipId(), customer, g.creds())))
        .recover(CobotMembers::gatewayRefusal)
        .compose(
            started ->
                store
                    .rememberSetup(sessionToken, started.setupId())
                    .map(
                        v ->
                            new CardForm(
                                c.gateway(),
                                access.api().settings().stripeJsUrl(),
                                started.publishableKey(),
                                started.clientSecret(),
                                started.setupId())));
  }

  /**
   * Completes storing a card once the browser confirmed the setup: asks the gateway how the setup
   * the session started ended, and stores its method for the membership. Fails with {@link Refused}
   * for another setup than the session's, one still pending, or one that failed.
   */
  public Future<StoredMethod> finishCard(String sessionToken, String setupId) {
    return session(sessionToken)
        .compose(
            s -> {
              if (s.setupId() == null || !s.setupId().equals(setupId)) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "setup_mismatch", "this is not the card form opened on this page"));
              }
              return access
                  .connection(s.tenantId())
                  .compose(
                      c ->
                          gateway(s, c)
                              .compose(g -> g.setup().setupResult(setupId, g.creds()))
                              .recover(CobotMembers::gatewayRefusal)
                              .compose(result -> store(s, c, result)));
            });
  }

  /** The space's gateway, able to set cards up, with the tenant's credentials for it. */
  private record Gateway(PaymentMethodSetup setup, io.paybridge.spi.Credentials creds) {}

  private Future<Gateway> gateway(CobotStore.MemberSession s, CobotIntegration c) {
    return setupOf(c.gateway())
        .compose(
            setup ->
                credentials(s.tenantId(), c.gateway()).map(creds -> new Gateway(setup, creds)));
  }

  private Future<StoredMethod> store(
      CobotStore.MemberSession s, CobotIntegration c, SetupResult result) {
    if (result.status() == SetupStatus.PENDING) {
      return Future.failedFuture(
          Refused.conflict(
              "setup_pending", "your bank is still confirming the card; reload this page shortly"));
    }
    if (result.status() == SetupStatus.FAILED) {
      return Future.failedFuture(
          Refused.unprocessable(
              "setup_failed",
              result.failureMessage() != null
                  ? result.failureMessage()
                  : "the card could not be saved"));
    }
    if (result.customerRef() != null && !result.customerRef().equals(s.membershipId())) {
      return Future.failedFuture(
          Refused.unprocessable("setup_mismatch", "this card was saved for another membership"));
    }
    return methods.attach(
        s.tenantId(), s.membershipId(), c.gateway(), result.customer(), result.paymentMethod());
  }

  private Future<CobotStore.MemberSession> session(String token) {
    return store
        .memberSession(token)
        .compose(
            s ->
                s != null
                    ? Future.succeededFuture(s)
                    : Future.failedFuture(
                        Refused.notFound(
                            "session_expired",
                            "this page has expired; open \u201c"
                                + CobotConnections.LINK_LABEL
                                + "\u201d in Cobot again")));
  }

  private Future<PaymentMethodSetup> setupOf(String gateway) {
    return plugins.get(gateway) instanceof PaymentMethodSetup setup
        ? Future.succeededFuture(setup)
        : Future.failedFuture(
            Refused.unprocessable("unsupported_gateway", "the space's gateway cannot store cards"));
  }

  private Future<io.paybridge.spi.Credentials> credentials(UUID tenantId, String gateway) {
    return accounts
        .find(tenantId, gateway)
        .compose(
            a ->
                a != null
                    ? Future.succeededFuture(a.credentials())
                    : Future.failedFuture(
                        Refused.unprocessable(
                            "gateway_not_connected",
                            "the space has not connected its payment gateway")));
  }

  private static <T> Future<T> gatewayRefusal(Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return Future.failedFuture(Refused.unprocessable("gateway_refused", g.getMessage()));
    }
    return Future.failedFuture(err);
  }
}
