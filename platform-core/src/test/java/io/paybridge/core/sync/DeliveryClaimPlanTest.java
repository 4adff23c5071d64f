package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.job.JobQueue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How PostgreSQL runs the dispatcher's claim when its statistics are out of date, as they are
 * whenever a backlog changes state between two ANALYZE runs: a tenant's due deliveries are read
 * from the deliver jobs' own index only, and the claimed jobs, their deliveries and entries are
 * looked up by id, never by reading a whole table. Both are checked on the plan PostgreSQL actually
 * ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryClaimPlanTest {

  private static final int BACKLOG = 3_000;

  private SyncFixture sync;
  private UUID first;
  private UUID second;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("claim_plan");
    first = sync.tenant();
    second = sync.tenant();
    // Two tenants' backlogs, the first one's rows before the second's in the table.
    for (UUID tenant : List.of(first, second)) {
      sync.webhook(tenant, "https://" + tenant + ".example/hook");
      sync.record(tenant, BACKLOG, true);
    }
    await(sync.drain(1_000));
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  @Test
  void aBacklogEnabledAfterTheStatisticsIsReadFromItsOwnTenantsEntriesOnly() {
    // GIVEN every delivery parked when the statistics were taken
    sync.count(
        "WITH p AS (UPDATE jobs SET status = 'parked' WHERE kind = 'deliver' RETURNING 1)"
            + " SELECT count(*) FROM p");
    await(sync.pool.query("ANALYZE jobs").execute());
    // AND both backlogs made due again since
    for (UUID tenant : List.of(first, second)) {
      assertThat(await(JobQueue.unpark(sync.pool, tenant, SyncStore.DELIVER))).isEqualTo(BACKLOG);
    }

    // WHEN a claim runs
    JsonObject plan = explainClaim(40);

    // THEN it claimed a share of each tenant's backlog
    assertThat(plan.getLong("Actual Rows")).isEqualTo(40);
    // AND read the jobs table through the deliver jobs' index and the primary key only
    assertThat(indexesOn(plan, "jobs")).containsOnly("jobs_deliver_due", "jobs_pkey");
    assertThat(seqScans(plan)).as(plan.encodePrettily()).isEmpty();
  }

  @Test
  void aLargeClaimLooksItsRowsUpByIdWhenTheStatisticsExpectMany() {
    // GIVEN statistics taken while both backlogs were due
    sync.count(
        "WITH p AS (UPDATE jobs SET status = 'pending', run_at = now() - interval '1 minute'"
            + " WHERE kind = 'deliver' RETURNING 1) SELECT count(*) FROM p");
    await(sync.pool.query("ANALYZE").execute());

    // WHEN a node with 1,000 free slots claims
    JsonObject plan = explainClaim(1_000);

    // THEN no table was read in full to find the few hundred rows claimed
    assertThat(plan.getLong("Actual Rows")).isPositive();
    assertThat(seqScans(plan)).as(plan.encodePrettily()).isEmpty();
  }

  /** Runs the dispatcher's claim under EXPLAIN ANALYZE and returns its top plan node. */
  private JsonObject explainClaim(int max) {
    Tuple args =
        DeliveryBatchStore.claimArguments(
            max, "plan-test", Duration.ofMinutes(5), 20, Map.of(), new UUID(0, 0));
    Object out =
        await(
                sync.pool
                    .preparedQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + DeliveryBatchStore.CLAIM)
                    .execute(args))
            .iterator()
            .next()
            .getValue(0);
    JsonArray explained = out instanceof JsonArray a ? a : new JsonArray(String.valueOf(out));
    return explained.getJsonObject(0).getJsonObject("Plan");
  }

  private static List<String> indexesOn(JsonObject plan, String table) {
    List<String> out = new ArrayList<>();
    walk(
        plan,
        node -> {
          if (table.equals(node.getString("Relation Name")) && node.containsKey("Index Name")) {
            out.add(node.getString("Index Name"));
          }
        });
    return out;
  }

  /** Tables that grow with the traffic (a tenant's few targets are rightly read in full). */
  private static final List<String> GROWING = List.of("jobs", "deliveries", "ledger_entries");

  private static List<String> seqScans(JsonObject plan) {
    List<String> out = new ArrayList<>();
    walk(
        plan,
        node -> {
          if ("Seq Scan".equals(node.getString("Node Type"))
              && GROWING.contains(node.getString("Relation Name"))) {
            out.add(node.getString("Relation Name"));
          }
        });
    return out;
  }

  private static void walk(JsonObject node, Consumer<JsonObject> visit) {
    visit.accept(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        walk(children.getJsonObject(i), visit);
      }
    }
  }
}
