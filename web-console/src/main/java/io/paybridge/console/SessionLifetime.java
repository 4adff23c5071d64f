package io.paybridge.console;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.time.Clock;
import java.time.Duration;

/**
 * Ends a console session a fixed time after sign-in, however active it has been: the idle timeout
 * of vertx-web's session handler alone would let a session that is used now and then live for ever.
 * An ended session is destroyed before anything reads it, so the request goes on signed out.
 */
final class SessionLifetime implements Handler<RoutingContext> {

  /** When the session's tenant signed in, in epoch milliseconds. */
  static final String SIGNED_IN_AT = "signedInAt";

  private final Duration lifetime;
  private final Clock clock;

  SessionLifetime(Duration lifetime, Clock clock) {
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** Stamps a session whose tenant signs in now. */
  void signedIn(Session session) {
    session.put(SIGNED_IN_AT, clock.millis());
  }

  @Override
  public void handle(RoutingContext ctx) {
    Session session = ctx.session();
    if (session != null && session.get(ConsoleRoutes.TENANT) != null) {
      Long signedInAt = session.get(SIGNED_IN_AT);
      if (signedInAt == null || clock.millis() - signedInAt >= lifetime.toMillis()) {
        session.destroy();
      }
    }
    ctx.next();
  }
}
