package io.paybridge.core.cobot;

import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.charge.Charges;
import io.paybridge.core.charge.PaymentMethods;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The Cobot integration, a use case on the capabilities a partner uses (stored methods, charges,
 * the job queue): connecting a space, its invoices, its members' cards, and the OAuth callback they
 * share.
 */
public record Cobot(
    CobotConnections connections,
    CobotInvoices invoices,
    CobotMembers members,
    CobotCallbacks callbacks,
    CobotInvoiceJob job,
    CobotUrls urls) {

  /** The integration of one node. */
  public static Cobot over(
      Vertx vertx,
      CobotStore store,
      CobotSettings settings,
      String publicUrl,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      ChargeStore chargeStore,
      PaymentMethods methods,
      Charges charges,
      Runnable wakeJobs,
      Clock clock) {
    CobotUrls urls = new CobotUrls(publicUrl);
    CobotAccess access =
        new CobotAccess(new CobotApi(vertx, settings, urls.oauthCallback(), clock), store, clock);
    CobotConnections connections = new CobotConnections(store, access, accounts, plugins, urls);
    CobotInvoices invoices = new CobotInvoices(store, settings, wakeJobs);
    CobotMembers members = new CobotMembers(store, access, chargeStore, methods, accounts, plugins);
    return new Cobot(
        connections,
        invoices,
        members,
        new CobotCallbacks(store, connections, members),
        new CobotInvoiceJob(store, access, invoices, chargeStore, charges),
        urls);
  }

  /** The settings it runs with. */
  public CobotSettings settings() {
    return connections.settings();
  }
}
