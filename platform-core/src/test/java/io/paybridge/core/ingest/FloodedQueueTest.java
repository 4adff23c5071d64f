package io.paybridge.core.ingest;

import static io.paybridge.core.Await.await;
import static io.paybridge.core.ingest.GroupCommitRecorderTest.payment;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.devdb.PgFixture;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant flooding the group-commit queue: refused before its webhooks are verified once it holds
 * its share, and not standing in front of another tenant's webhook, which goes into the next
 * statement.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloodedQueueTest {

  private Vertx vertx;
  private Pool pool;
  private Context context;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("flooded");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 4);
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void aFloodIsRefusedEarlyAndAnotherTenantsWebhookGoesIntoTheNextStatement() {
    // one statement at a time, two webhooks a statement, four waiting for all tenants together
    GroupCommitRecorder recorder =
        new GroupCommitRecorder(context, pool, 2, 1, 1, (n, nanos) -> {}, otherJobs -> {}, 4, 1);
    UUID flood = UUID.randomUUID();
    UUID quiet = UUID.randomUUID();
    List<Future<Outcome>> floods = new ArrayList<>();
    Promise<List<Object>> seen = Promise.promise();
    Future<Outcome> quietOne =
        onLoop(
            () -> {
              List<Object> checks = new ArrayList<>();
              // GIVEN the flooding tenant's first webhook in a statement and four waiting
              for (int i = 0; i < 5; i++) {
                floods.add(recorder.offer(payment(flood, "evt_f" + i, "f" + i, 100, "c")));
              }
              // THEN it holds its share: its next would be refused before any verifying
              checks.add(recorder.refusalNow(flood));
              // AND another tenant holds nothing and is not refused
              checks.add(recorder.refusalNow(quiet));
              Future<Outcome> q = recorder.offer(payment(quiet, "evt_q0", "q0", 100, "c"));
              // AND with two tenants waiting the flood's share is two, so a sixth is refused
              floods.add(recorder.offer(payment(flood, "evt_f5", "f5", 100, "c")));
              seen.complete(checks);
              return q;
            });
    List<Object> checks = await(seen.future());
    assertThat(checks.get(0)).isInstanceOf(QueueShareExceeded.class);
    assertThat(checks.get(1)).isNull();
    assertThat(await(quietOne)).isEqualTo(Outcome.RECORDED);
    await(Future.join(new ArrayList<>(floods)).otherwiseEmpty());
    assertThat(floods.subList(0, 5)).allMatch(f -> f.result() == Outcome.RECORDED);
    assertThat(floods.get(5).cause()).isInstanceOf(QueueShareExceeded.class);
    // AND the quiet tenant's webhook went into the statement right after the first, beside the
    // flood's second, not behind all four of the flood's
    List<String> order = new ArrayList<>();
    for (Row r :
        await(
            pool.preparedQuery(
                    "SELECT event_id FROM webhook_receipts WHERE tenant_id = ANY($1) ORDER BY id")
                .execute(Tuple.of(new UUID[] {flood, quiet})))) {
      order.add(r.getString(0));
    }
    assertThat(order).containsExactly("evt_f0", "evt_f1", "evt_q0", "evt_f2", "evt_f3", "evt_f4");
    // AND off the recorder's event loop nothing is refused early: the offer itself decides
    assertThat(recorder.refusalNow(flood)).isNull();
  }

  private <T> Future<T> onLoop(java.util.function.Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
