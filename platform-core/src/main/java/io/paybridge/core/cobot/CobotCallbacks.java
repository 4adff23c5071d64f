package io.paybridge.core.cobot;

import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;

/**
 * Cobot's OAuth callback: bound to a tenant, and to what it completes, by the one-time state alone
 * (issued for ten minutes, taken once), so no console cookie is needed and a state cannot be
 * replayed or used for another tenant.
 */
public final class CobotCallbacks {

  static final String CONNECT = "connect";
  static final String MEMBER = "member";

  /**
   * What a callback completed.
   *
   * @param memberSession the new member session's token, for a member's sign-in; null for a space's
   *     connection
   */
  public record Completed(String purpose, String memberSession) {
    public boolean connection() {
      return CONNECT.equals(purpose);
    }
  }

  private final CobotStore store;
  private final CobotConnections connections;
  private final CobotMembers members;

  public CobotCallbacks(CobotStore store, CobotConnections connections, CobotMembers members) {
    this.store = store;
    this.connections = connections;
    this.members = members;
  }

  /**
   * Completes the authorization the state was issued for. Fails with {@link Refused} for an
   * unknown, used or expired state, and for a grant the user refused ({@code error}).
   */
  public Future<Completed> complete(String state, String code, String error) {
    if (state == null || state.isBlank()) {
      return Future.failedFuture(
          Refused.unprocessable("invalid_state", "the answer from Cobot carries no state"));
    }
    return store
        .takeState(state)
        .compose(
            s -> {
              if (s == null) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "invalid_state",
                        "this authorization link was used already or has expired; start again"));
              }
              if (error != null || code == null || code.isBlank()) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "access_denied",
                        "Cobot did not grant access"
                            + (error != null ? " (" + error + ")" : "")
                            + "; start again to retry"));
              }
              return CONNECT.equals(s.purpose())
                  ? connections.complete(s.tenantId(), code).map(c -> new Completed(CONNECT, null))
                  : members.signedIn(s.tenantId(), code).map(token -> new Completed(MEMBER, token));
            });
  }
}
