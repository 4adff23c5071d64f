package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.tenant.TenantStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The per-tenant caps where they are enforced, in the stores: many creations for one tenant sent at
 * once over every connection of the pool never leave it with more than its cap, since they take
 * turns on the tenant's row; other tenants are not held up by it.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantCapsTest {

  private static final int CAP = 5;
  private static final int AT_ONCE = 60;

  private SyncFixture sync;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("tenant_caps");
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  @Test
  void manySyncTargetsCreatedAtOnceStopAtTheCap() {
    UUID shop = sync.tenant();
    UUID other = sync.tenant();
    List<Future<SyncStore.Target>> all = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      UUID tenant = i % 2 == 0 ? shop : other;
      all.add(
          sync.store.createTarget(
              tenant, "webhook", "https://example.com/" + i, new JsonObject(), CAP));
    }
    await(Future.all(all));

    assertThat(all.stream().map(Future::result).filter(Objects::nonNull)).hasSize(2 * CAP);
    assertThat(live("sync_targets", "deleted_at", shop)).isEqualTo(CAP);
    assertThat(live("sync_targets", "deleted_at", other)).isEqualTo(CAP);
  }

  @Test
  void manyApiClientsCreatedAtOnceStopAtTheCap() {
    TenantStore tenants = new TenantStore(sync.pool);
    UUID shop = sync.tenant();
    List<Future<UUID>> all = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      all.add(
          tenants.createClient(
              shop, "c" + i, "pbc_" + UUID.randomUUID(), "hash", List.of("payments:read"), CAP));
    }
    await(Future.all(all));

    assertThat(all.stream().map(Future::result).filter(Objects::nonNull)).hasSize(CAP);
    assertThat(live("api_clients", "revoked_at", shop)).isEqualTo(CAP);
  }

  private long live(String table, String goneColumn, UUID tenant) {
    return sync.count(
        "SELECT count(*) FROM " + table + " WHERE tenant_id = $1 AND " + goneColumn + " IS NULL",
        tenant);
  }
}
