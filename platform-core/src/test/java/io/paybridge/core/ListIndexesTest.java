package io.paybridge.core;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plans of the API's list filters on a few thousand rows of sixty tenants: a page of deliveries
 * to one target, or of subscriptions of one status, is read from its index in the list's order (a
 * page costs the same however many rows the tenant has, not a sort of all of them); a page of
 * payments filtered by currency, and a payment's refunds, from an index led by the tenant or the
 * payment, never a scan of the table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListIndexesTest {

  private TestDatabase db;
  private Pool pool;

  @BeforeAll
  void seed() {
    db = TestDatabase.open("list_indexes");
    pool = db.pool();
    for (int t = 0; t < 60; t++) {
      db.tenant();
    }
    String[] statements = {
      "INSERT INTO sync_targets (id, tenant_id, type, url, config, key_id)"
          + " SELECT gen_random_uuid(), t.id, 'webhook', 'https://example.com/' || n, '\\x00', 'k'"
          + " FROM tenants t, generate_series(1, 5) n",
      "INSERT INTO ledger_entries (tenant_id, gateway, entry_key, kind, amount_minor, currency,"
          + " external_payment_id, customer_ref, occurred_at)"
          + " SELECT t.id, 'stripe', 'payment:pi_' || n, 'PAYMENT', 100 + n,"
          + " (ARRAY['USD','EUR','JPY'])[1 + n % 3], 'pi_' || n, 'c' || (n % 50), now()"
          + " FROM tenants t, generate_series(1, 50) n",
      "INSERT INTO deliveries (tenant_id, target_id, entry_id, status)"
          + " SELECT e.tenant_id, s.id, e.id,"
          + " (ARRAY['pending','delivered','failed','dead'])[1 + (e.id % 4)::int]"
          + " FROM ledger_entries e JOIN sync_targets s ON s.tenant_id = e.tenant_id",
      "INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, customer_ref,"
          + " status, last_event_at)"
          + " SELECT t.id, 'stripe', 'sub_' || n, 'c' || n,"
          + " CASE WHEN n % 10 = 0 THEN 'cancelled' ELSE 'active' END, now()"
          + " FROM tenants t, generate_series(1, 50) n",
      "INSERT INTO refunds (id, tenant_id, payment_id, gateway, amount_minor, currency,"
          + " idempotency_key, request_key, fingerprint)"
          + " SELECT gen_random_uuid(), e.tenant_id, e.id, 'stripe', 1, e.currency,"
          + " 'k' || e.id || '-' || n, 'r' || e.id || '-' || n, 'f'"
          + " FROM ledger_entries e, generate_series(1, 2) n WHERE e.id % 5 = 0",
      "ANALYZE"
    };
    for (String sql : statements) {
      await(pool.query(sql).execute());
    }
  }

  @AfterAll
  void stop() {
    db.close();
  }

  private String plan(String query) {
    List<String> lines = new ArrayList<>();
    for (Row row : await(pool.query("EXPLAIN " + query).execute())) {
      lines.add(row.getString(0));
    }
    return String.join("\n", lines);
  }

  private String tenant() {
    return await(pool.query("SELECT id FROM tenants ORDER BY id LIMIT 1").execute())
        .iterator()
        .next()
        .getUUID(0)
        .toString();
  }

  @Test
  void deliveriesToOneTargetArePagedFromTheTargetIndex() {
    String target =
        await(
                pool.query(
                        "SELECT id FROM sync_targets WHERE tenant_id = '"
                            + tenant()
                            + "' ORDER BY id LIMIT 1")
                    .execute())
            .iterator()
            .next()
            .getUUID(0)
            .toString();

    String plan =
        plan(
            "SELECT id FROM deliveries WHERE tenant_id = '"
                + tenant()
                + "' AND target_id = '"
                + target
                + "' AND id < 1000000 ORDER BY id DESC LIMIT 21");

    assertThat(plan).contains("deliveries_tenant_target").doesNotContain("Sort");
  }

  @Test
  void subscriptionsOfOneStatusArePagedFromTheStatusIndex() {
    String plan =
        plan(
            "SELECT gateway, external_subscription_id FROM subscriptions WHERE tenant_id = '"
                + tenant()
                + "' AND status = 'cancelled' AND (gateway, external_subscription_id) > ('stripe',"
                + " 'sub_1') ORDER BY gateway, external_subscription_id LIMIT 21");

    assertThat(plan).contains("subscriptions_tenant_status").doesNotContain("Sort");
  }

  @Test
  void paymentsFilteredByCurrencyAreReadFromTheTenantsEntries() {
    String plan =
        plan(
            "SELECT id FROM ledger_entries WHERE tenant_id = '"
                + tenant()
                + "' AND currency = 'EUR' AND id < 100000000 ORDER BY id DESC LIMIT 101");

    // no index of its own: the tenant's entries, found by an index led by the tenant, filtered
    assertThat(plan).contains("Index").doesNotContain("Seq Scan");
  }

  @Test
  void aPaymentsRefundsAreReadFromAnIndex() {
    String plan =
        plan(
            "SELECT id FROM refunds WHERE tenant_id = '"
                + tenant()
                + "' AND payment_id = 1 ORDER BY created_at DESC, id DESC LIMIT 21");

    assertThat(plan).contains("Index").doesNotContain("Seq Scan");
  }
}
