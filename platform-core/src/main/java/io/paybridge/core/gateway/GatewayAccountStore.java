package io.paybridge.core.gateway;

import io.paybridge.core.security.Tokens;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SQL of gateway accounts. Credentials are sealed by the vault before they reach the database
 * and opened only here.
 */
public final class GatewayAccountStore {

  private static final Logger LOG = Logger.getLogger(GatewayAccountStore.class.getName());
  private static final String COLUMNS =
      "id, tenant_id, gateway, hook_key, credentials, key_id, created_at, updated_at,"
          + " unknown_subscriptions";

  private final Pool pool;
  private final CredentialVault vault;
  private final PluginRegistry plugins;

  public GatewayAccountStore(Pool pool, CredentialVault vault, PluginRegistry plugins) {
    this.pool = pool;
    this.vault = vault;
    this.plugins = plugins;
  }

  /**
   * Creates the tenant's account at this gateway or replaces its credentials. The hook key (and so
   * the webhook URL) stays the same across edits. In the same transaction, the account's held
   * receipts are queued to be processed again with the new credentials.
   */
  public Future<GatewayAccount> upsert(
      UUID tenantId, GatewayPlugin plugin, Credentials credentials) {
    CredentialVault.Sealed sealed =
        vault.seal(tenantId, plugin.id(), new JsonObject(new LinkedHashMap<>(credentials.asMap())));
    return pool.withTransaction(
        conn ->
            upsert(conn, tenantId, plugin, sealed)
                .compose(
                    account ->
                        io.paybridge.core.ingest.ReprocessStore.enqueueHeld(
                                conn, tenantId, plugin.id())
                            .map(account)));
  }

  private Future<GatewayAccount> upsert(
      io.vertx.sqlclient.SqlClient conn,
      UUID tenantId,
      GatewayPlugin plugin,
      CredentialVault.Sealed sealed) {
    return conn.preparedQuery(
            "INSERT INTO gateway_accounts (id, tenant_id, gateway, hook_key, credentials, key_id)"
                + " VALUES ($1, $2, $3, $4, $5, $6)"
                + " ON CONFLICT (tenant_id, gateway) DO UPDATE"
                + " SET credentials = EXCLUDED.credentials, key_id = EXCLUDED.key_id, updated_at = now()"
                + " RETURNING "
                + COLUMNS)
        .execute(
            Tuple.of(
                UUID.randomUUID(),
                tenantId,
                plugin.id(),
                Tokens.random("", 24),
                Buffer.buffer(sealed.ciphertext()),
                sealed.keyId()))
        .map(rows -> toAccount(rows.iterator().next()));
  }

  /** The account behind a webhook URL, or {@code null}. */
  public Future<GatewayAccount> findByHookKey(String hookKey) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway_accounts WHERE hook_key = $1")
        .execute(Tuple.of(hookKey))
        .map(GatewayAccountStore::first)
        .map(r -> r == null ? null : toAccount(r));
  }

  /** The tenant's account at one gateway, or {@code null}. */
  public Future<GatewayAccount> find(UUID tenantId, String gateway) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM gateway_accounts WHERE tenant_id = $1 AND gateway = $2")
        .execute(Tuple.of(tenantId, gateway))
        .map(GatewayAccountStore::first)
        .map(r -> r == null ? null : toAccount(r));
  }

  /** All the tenant's accounts, by gateway id. */
  public Future<List<GatewayAccount>> list(UUID tenantId) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM gateway_accounts WHERE tenant_id = $1 ORDER BY gateway")
        .execute(Tuple.of(tenantId))
        .map(
            rows -> {
              List<GatewayAccount> out = new ArrayList<>();
              for (Row r : rows) {
                GatewayAccount a = toAccountOrNull(r);
                if (a != null) {
                  out.add(a);
                }
              }
              return out;
            });
  }

  /** Deletes the tenant's account at a gateway; returns its hook key, or {@code null} if none. */
  public Future<String> delete(UUID tenantId, String gateway) {
    return pool.preparedQuery(
            "DELETE FROM gateway_accounts WHERE tenant_id = $1 AND gateway = $2 RETURNING hook_key")
        .execute(Tuple.of(tenantId, gateway))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  private static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private GatewayAccount toAccountOrNull(Row r) {
    try {
      return toAccount(r);
    } catch (IllegalStateException e) {
      LOG.log(
          Level.WARNING,
          "gateway account {0} is unusable: {1}",
          new Object[] {r.getUUID(0), e.getMessage()});
      return null;
    }
  }

  private GatewayAccount toAccount(Row r) {
    UUID tenantId = r.getUUID(1);
    String gateway = r.getString(2);
    GatewayPlugin plugin = plugins.get(gateway);
    if (plugin == null) {
      throw new IllegalStateException("no plugin installed for gateway '" + gateway + "'");
    }
    JsonObject json = vault.open(tenantId, gateway, r.getBuffer(4).getBytes(), r.getString(5));
    Map<String, String> values = new LinkedHashMap<>();
    json.forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
    return new GatewayAccount(
        r.getUUID(0),
        tenantId,
        plugin,
        r.getString(3),
        new Credentials(values),
        r.getOffsetDateTime(6),
        r.getOffsetDateTime(7),
        r.getString(8));
  }

  /**
   * Sets what happens to charges for subscriptions the tenant does not know.
   *
   * @return the account, or {@code null} when the tenant has none at this gateway
   */
  public Future<GatewayAccount> setUnknownSubscriptions(
      UUID tenantId, String gateway, String policy) {
    return pool.preparedQuery(
            "UPDATE gateway_accounts SET unknown_subscriptions = $3, updated_at = now()"
                + " WHERE tenant_id = $1 AND gateway = $2 RETURNING "
                + COLUMNS)
        .execute(Tuple.of(tenantId, gateway, policy))
        .map(GatewayAccountStore::first)
        .map(r -> r == null ? null : toAccount(r));
  }
}
