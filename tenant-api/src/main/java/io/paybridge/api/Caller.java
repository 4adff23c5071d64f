package io.paybridge.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Who a request comes from once its bearer token is checked: the tenant every query is scoped to,
 * the scopes the token grants, and the key its rate limit is counted under.
 *
 * @param tenantId the tenant the token belongs to
 * @param subject the API client's public id, or the identity provider's client (its {@code
 *     client_id}, {@code azp} or {@code sub})
 * @param scopes what the token allows, each one of the API's scopes
 * @param provider whether the operator's identity provider issued the token rather than {@code
 *     /oauth/token}
 */
record Caller(UUID tenantId, String subject, Set<String> scopes, boolean provider) {

  private static final String KEY = "paybridge.caller";

  Caller {
    scopes = Set.copyOf(scopes);
  }

  /** The caller of a request that passed authentication, or {@code null}. */
  static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** Remembers the caller for the handlers after authentication. */
  void attachTo(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /** The key the caller's requests are counted under: one bucket per client, whoever issued it. */
  String rateKey() {
    return (provider ? "oidc:" : "client:") + subject;
  }
}
