package io.paybridge.core.cobot;

import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Calls a space's API with the space's access token, refreshed when Cobot says it expired (or it is
 * about to). When Cobot will not refresh it, the connection is marked as needing a space admin's
 * authorization and the call fails with {@link CobotException#authorizationLost}. Two nodes
 * refreshing at once: the one whose refresh Cobot refuses looks again and uses the tokens the other
 * stored.
 */
public final class CobotAccess {

  private static final Logger LOG = Logger.getLogger(CobotAccess.class.getName());
  private static final Duration EARLY = Duration.ofMinutes(1);

  private final CobotApi api;
  private final CobotStore store;
  private final Clock clock;

  public CobotAccess(CobotApi api, CobotStore store, Clock clock) {
    this.api = api;
    this.store = store;
    this.clock = clock;
  }

  public CobotApi api() {
    return api;
  }

  /**
   * The tenant's connection; fails with {@link Refused} (not found) when the space disconnected
   * meanwhile.
   */
  public Future<CobotIntegration> connection(java.util.UUID tenantId) {
    return store
        .find(tenantId)
        .compose(
            c ->
                c != null
                    ? Future.succeededFuture(c)
                    : Future.failedFuture(
                        Refused.notFound("not_connected", "this space disconnected Paybridge")));
  }

  /** Runs {@code call} with a live access token of the connection. */
  public <T> Future<T> withToken(CobotIntegration c, Function<String, Future<T>> call) {
    if (c.secrets().accessToken() == null) {
      return Future.failedFuture(CobotException.authorizationLost("no space admin authorized it"));
    }
    Future<CobotIntegration> current =
        expiresSoon(c) && c.secrets().refreshToken() != null
            ? refresh(c)
            : Future.succeededFuture(c);
    return current.compose(
        cur ->
            call.apply(cur.secrets().accessToken())
                .recover(
                    err ->
                        err instanceof CobotException e && e.unauthorized()
                            ? refresh(cur).compose(r -> call.apply(r.secrets().accessToken()))
                            : Future.failedFuture(err)));
  }

  private boolean expiresSoon(CobotIntegration c) {
    return c.tokenExpiresAt() != null
        && c.tokenExpiresAt().isBefore(OffsetDateTime.now(clock).plus(EARLY));
  }

  private Future<CobotIntegration> refresh(CobotIntegration c) {
    String refreshToken = c.secrets().refreshToken();
    if (refreshToken == null) {
      return lost(c, "its access token expired and Cobot gave no refresh token");
    }
    return api.refresh(c.clientId(), c.secrets().clientSecret(), refreshToken)
        .compose(
            issued ->
                store.saveTokens(
                    c.tenantId(),
                    c.secrets()
                        .withTokens(
                            issued.accessToken(),
                            issued.refreshToken() != null ? issued.refreshToken() : refreshToken),
                    issued.expiresAt()))
        .recover(
            err -> {
              if (!(err instanceof CobotException e) || e.retryable()) {
                return Future.failedFuture(err);
              }
              return store
                  .find(c.tenantId())
                  .compose(
                      now ->
                          now != null
                                  && !Objects.equals(
                                      now.secrets().accessToken(), c.secrets().accessToken())
                              ? Future.succeededFuture(now)
                              : lost(c, "Cobot refused to refresh its token"));
            });
  }

  private Future<CobotIntegration> lost(CobotIntegration c, String why) {
    LOG.warning(() -> "Cobot access of tenant " + c.tenantId() + " lost: " + why);
    return store
        .markAuthorizationRequired(c.tenantId())
        .compose(v -> Future.failedFuture(CobotException.authorizationLost(why)));
  }
}
