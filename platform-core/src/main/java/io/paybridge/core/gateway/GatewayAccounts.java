package io.paybridge.core.gateway;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.UUID;

/**
 * What a tenant does with its gateway accounts, whether through the API or the console: connect a
 * gateway or change its credentials, and disconnect it. Owns the rules both share: a secret field
 * left out keeps its stored value, the plugin validates what is saved, every node's hook cache
 * forgets the old credentials, and the account's held receipts are processed again with the new
 * ones (a job queued in the same transaction, then woken).
 */
public final class GatewayAccounts {

  private final GatewayAccountStore store;
  private final HookCache cache;
  private final PluginRegistry plugins;
  private final String publicUrl;
  private final Runnable wakeJobs;
  private final GatewaySetup setup;

  /**
   * @param plugins the gateways a tenant can connect
   * @param receipts what the account's deliveries became, for its setup status
   * @param publicUrl the base of the webhook URLs tenants paste into their gateways' dashboards
   * @param wakeJobs told after a save, so a queued processing of held receipts starts now
   */
  public GatewayAccounts(
      GatewayAccountStore store,
      io.paybridge.core.ingest.ReceiptStore receipts,
      HookCache cache,
      PluginRegistry plugins,
      String publicUrl,
      Runnable wakeJobs) {
    this.store = store;
    this.cache = cache;
    this.plugins = plugins;
    this.publicUrl = publicUrl;
    this.wakeJobs = wakeJobs;
    this.setup = new GatewaySetup(receipts, publicUrl);
  }

  /**
   * How far the account is from its first booked payment: whether gateways can reach its URL, what
   * it still needs to verify deliveries, and what became of its last delivery — for a refusal, the
   * likely cause and the fix in the tenant's words.
   */
  public Future<SetupStatus> setup(GatewayAccount account) {
    return setup.of(account);
  }

  /** The gateways a tenant can connect (the installed plugins), ordered by id. */
  public Collection<GatewayPlugin> gateways() {
    return plugins.all();
  }

  /** An installed gateway by id, or {@code null}. */
  public GatewayPlugin gateway(String id) {
    return plugins.get(id);
  }

  /** The URL a tenant pastes into the gateway's dashboard for this account. */
  public String webhookUrl(GatewayAccount account) {
    return publicUrl + "/hooks/" + account.hookKey() + "/" + account.gateway();
  }

  /** The tenant's account at a gateway, or {@code null}. */
  public Future<GatewayAccount> find(UUID tenantId, String gateway) {
    return store.find(tenantId, gateway);
  }

  /** The tenant's accounts, by gateway. */
  public Future<java.util.List<GatewayAccount>> list(UUID tenantId) {
    return store.list(tenantId);
  }

  /**
   * What happens to a recurring charge for a subscription nobody recorded: {@link
   * GatewayAccount#RECORD} or {@link GatewayAccount#CANCEL_AND_REFUND} (only for gateways that
   * can). {@code null} when the tenant has no account at the gateway; fails with {@link
   * io.paybridge.core.usecase.InvalidInput} for another policy.
   */
  public Future<GatewayAccount> setUnknownSubscriptions(
      UUID tenantId, GatewayPlugin plugin, String policy) {
    return new io.paybridge.core.usecase.Checks()
        .require(
            GatewayAccount.RECORD.equals(policy) || GatewayAccount.CANCEL_AND_REFUND.equals(policy),
            "unknownSubscriptions",
            "Unknown subscriptions must be "
                + GatewayAccount.RECORD
                + " or "
                + GatewayAccount.CANCEL_AND_REFUND
                + ".")
        .require(
            !GatewayAccount.CANCEL_AND_REFUND.equals(policy)
                || plugin instanceof io.paybridge.spi.CancelAndRefund,
            "unknownSubscriptions",
            plugin.displayName() + " cannot cancel and refund subscriptions.")
        .verdict()
        .compose(v -> store.setUnknownSubscriptions(tenantId, plugin.id(), policy))
        .onSuccess(
            account -> {
              if (account != null) {
                cache.invalidate(account.hookKey());
              }
            });
  }

  /**
   * Connects the gateway or changes its credentials. Secret fields absent from {@code submitted}
   * keep their stored value; a field deliveries are verified with may be left for later (the
   * gateway shows it once the webhook URL is registered). Fails with {@link
   * io.paybridge.core.usecase.InvalidInput} naming every field at fault, by its label.
   */
  public Future<GatewayAccount> connect(UUID tenantId, GatewayPlugin plugin, JsonObject submitted) {
    return store
        .find(tenantId, plugin.id())
        .compose(
            existing -> {
              JsonObject merged = submitted.copy();
              if (existing != null) {
                for (CredentialField f : plugin.credentialSchema().fields()) {
                  String stored = existing.credentials().get(f.name());
                  if (f.secret() && !merged.containsKey(f.name()) && stored != null) {
                    merged.put(f.name(), stored);
                  }
                }
              }
              Credentials credentials;
              try {
                credentials = plugin.validateCredentials(merged);
              } catch (InvalidCredentialsException e) {
                return Future.failedFuture(invalidInput(e));
              }
              return store.upsert(tenantId, plugin, credentials);
            })
        .onSuccess(
            account -> {
              cache.invalidate(account.hookKey());
              wakeJobs.run();
            });
  }

  /** The plugin's refusal as the use cases' own: every field, its message in the tenant's words. */
  private static io.paybridge.core.usecase.InvalidInput invalidInput(
      InvalidCredentialsException e) {
    return new io.paybridge.core.usecase.InvalidInput(
        e.problems().stream()
            .map(
                p ->
                    new io.paybridge.core.usecase.InvalidInput.Problem(
                        p.field() == null ? "credentials" : p.field(), p.message()))
            .toList());
  }

  /** Disconnects the gateway: its webhook URL stops at once. {@code false} when none was. */
  public Future<Boolean> disconnect(UUID tenantId, GatewayPlugin plugin) {
    return store
        .delete(tenantId, plugin.id())
        .map(
            hookKey -> {
              if (hookKey == null) {
                return false;
              }
              cache.invalidate(hookKey);
              return true;
            });
  }
}
