package io.paybridge.core.cobot;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.LockWaits;
import io.paybridge.core.TestDatabase;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cobot's rows on a real database: a webhook is one row and one job however often it comes; every
 * write of an invoice's job is fenced by its claim; one invoice is one row whichever URL named it;
 * a re-run never starts while a charge of the invoice succeeded or may still succeed; OAuth states
 * are single use and expire; secrets are sealed at rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CobotStoreTest {

  private TestDatabase db;
  private Pool pool;
  private CobotStore store;
  private JobQueue jobs;

  @BeforeAll
  void start() {
    db = TestDatabase.open("cobot_store");
    pool = db.pool();
    store = new CobotStore(db.pool(), db.vault());
    jobs = new JobQueue(pool);
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void theSameWebhookTwiceIsOneRowAndOneJob() {
    UUID tenant = tenant();
    CobotStore.Received first =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/1", null));
    CobotStore.Received again =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/1", null));
    assertThat(first.fresh()).isTrue();
    assertThat(again.fresh()).isFalse();
    assertThat(again.invoice().id()).isEqualTo(first.invoice().id());
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE tenant_id = $1 AND kind = 'cobot_invoice'",
                tenant))
        .isEqualTo(1);
    // a rejected URL is kept, with no job
    CobotStore.Received rejected =
        await(store.receive(tenant, "https://evil.example/x", "foreign"));
    assertThat(rejected.invoice().outcome()).isEqualTo(CobotInvoice.REJECTED);
    assertThat(count("SELECT count(*) FROM jobs WHERE tenant_id = $1", tenant)).isEqualTo(1);
  }

  @Test
  void aJobThatLostItsClaimChangesNothing() {
    UUID tenant = tenant();
    UUID id =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/2", null)).invoice().id();
    Job late = claim(tenant);
    expireLease(late);
    Job current = claim(tenant);

    assertThat(await(store.outcome(late, id, CobotInvoice.SKIPPED, "deleted", "late")))
        .isEqualTo(CobotStore.Write.CLAIM_LOST);
    assertThat(await(store.recorded(late, id, "rec-1", null)))
        .isEqualTo(CobotStore.Write.CLAIM_LOST);
    assertThat(await(store.invoice(tenant, id)).outcome()).isEqualTo(CobotInvoice.PENDING);

    assertThat(await(store.recorded(current, id, "rec-2", null))).isEqualTo(CobotStore.Write.DONE);
    CobotInvoice row = await(store.invoice(tenant, id));
    assertThat(row.outcome()).isEqualTo(CobotInvoice.CHARGED);
    assertThat(row.paymentRecordId()).isEqualTo("rec-2");
  }

  @Test
  void twoUrlsNamingOneInvoiceAreOneInvoice() {
    UUID tenant = tenant();
    UUID byId =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/abc", null)).invoice().id();
    UUID byNumber =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/100", null)).invoice().id();
    List<Job> claimed =
        await(jobs.claim(List.of(CobotStore.JOB_KIND), 10, "n", Duration.ofMinutes(1))).stream()
            .filter(j -> tenant.equals(j.tenantId()))
            .toList();
    assertThat(claimed).hasSize(2);
    Job a =
        claimed.stream()
            .filter(j -> j.payload().getString("invoice").equals(byId.toString()))
            .findFirst()
            .orElseThrow();
    Job b =
        claimed.stream()
            .filter(j -> j.payload().getString("invoice").equals(byNumber.toString()))
            .findFirst()
            .orElseThrow();
    assertThat(await(store.fetched(a, byId, "abc", "100", "m-1", 500L, "EUR")))
        .isEqualTo(CobotStore.Write.DONE);
    assertThat(await(store.fetched(b, byNumber, "abc", "100", "m-1", 500L, "EUR")))
        .isEqualTo(CobotStore.Write.DUPLICATE);
  }

  @Test
  void aRerunWaitsUntilNoChargeOfTheInvoiceSucceededOrIsUnderWay() {
    UUID tenant = tenant();
    UUID id =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/3", null)).invoice().id();
    Job job = claim(tenant);
    await(store.fetched(job, id, "inv-3", "103", "m-3", 700L, "EUR"));
    await(
        store.outcome(job, id, CobotInvoice.DECLINED, "card_declined", "Your card was declined."));
    charge(tenant, "cobot-invoice:inv-3", "failed");
    // a declined invoice whose only charge failed runs again, once
    CobotInvoice rerun = await(store.rerun(tenant, id));
    assertThat(rerun).isNotNull();
    assertThat(rerun.runs()).isEqualTo(1);
    assertThat(await(store.rerun(tenant, id))).isNull();

    // a declined invoice with a succeeded (or pending) charge of a run never runs again
    UUID other =
        await(store.receive(tenant, "https://s.cobot.me/api/invoices/4", null)).invoice().id();
    Job second = claim(tenant);
    await(store.fetched(second, other, "inv-4", "104", "m-3", 700L, "EUR"));
    await(store.outcome(second, other, CobotInvoice.DECLINED, "card_declined", "declined"));
    charge(tenant, "cobot-invoice:inv-4:run-1", "pending");
    assertThat(await(store.rerun(tenant, other))).isNull();
    // nor does another tenant's request
    assertThat(await(store.rerun(tenant(), id))).isNull();
  }

  @Test
  void statesAreSingleUseAndSecretsAreSealed() {
    UUID tenant = tenant();
    String state = await(store.issueState(tenant, "connect", Duration.ofMinutes(10)));
    assertThat(await(store.takeState(state))).isEqualTo(new CobotStore.State(tenant, "connect"));
    assertThat(await(store.takeState(state))).isNull();
    String expired = await(store.issueState(tenant, "member", Duration.ofMillis(-1)));
    assertThat(await(store.takeState(expired))).isNull();
    assertThat(count("SELECT count(*) FROM cobot_states WHERE state_hash = $1", state)).isZero();

    await(
        store.saveClient(
            tenant,
            "co-up",
            "stripe",
            "client-1",
            new CobotIntegration.Secrets("client-secret-xyz", "token-abc", null)));
    assertThat(
            count(
                "SELECT count(*) FROM cobot_integrations WHERE tenant_id = $1 AND position("
                    + "convert_to('client-secret-xyz', 'UTF8') in sealed) = 0 AND position("
                    + "convert_to('token-abc', 'UTF8') in sealed) = 0",
                tenant))
        .isEqualTo(1);
    CobotIntegration saved = await(store.find(tenant));
    assertThat(saved.secrets().clientSecret()).isEqualTo("client-secret-xyz");
    assertThat(saved.toString()).doesNotContain("client-secret-xyz").doesNotContain("token-abc");
  }

  @Test
  void anInvoiceJobParkedWhileItsSpaceIsBeingReconnectedIsDueOnceTheReconnectCommits()
      throws Exception {
    // GIVEN an integration that needs a space admin, and an invoice's job claimed meanwhile
    UUID tenant = tenant();
    await(
        store.saveClient(
            tenant,
            "co-re",
            "stripe",
            "client-2",
            new CobotIntegration.Secrets("client-secret", "token", null)));
    await(store.markAuthorizationRequired(tenant));
    await(store.receive(tenant, "https://co-re.cobot.me/api/invoices/9", null));
    Job job = claim(tenant);
    // AND a space admin's reconnect under way and not yet committed, its wake-up of parked jobs
    // done (it found this job still pending, as it was when the reconnect's statement began)
    SqlConnection reconnecting = await(pool.getConnection());
    try {
      Transaction reconnect = await(reconnecting.begin());
      await(
          reconnecting
              .preparedQuery(
                  "UPDATE cobot_integrations SET status = 'connected', connected_at = now()"
                      + " WHERE tenant_id = $1")
              .execute(Tuple.of(tenant)));

      // WHEN the job, which read the integration before that, parks at that moment
      Future<Boolean> parked =
          jobs.finish(
              job,
              new JobResult.Parked("a space admin must connect Cobot", CobotStore.CONNECTED_AGAIN),
              null);
      LockWaits.awaitOne(pool);
      await(reconnect.commit());

      // THEN the job is due again rather than parked behind a connected space
      assertThat(await(parked)).isTrue();
      assertThat(count("SELECT count(*) FROM jobs WHERE id = $1 AND status = 'pending'", job.id()))
          .isEqualTo(1);
    } finally {
      await(reconnecting.close());
    }
  }

  // ---- helpers

  private Job claim(UUID tenant) {
    return await(jobs.claim(List.of(CobotStore.JOB_KIND), 50, "n", Duration.ofMinutes(1))).stream()
        .filter(j -> tenant.equals(j.tenantId()))
        .findFirst()
        .orElseThrow();
  }

  private void expireLease(Job job) {
    await(
        pool.preparedQuery(
                "UPDATE jobs SET lease_expires_at = now() - interval '1 second', run_at = now()"
                    + " - interval '1 second', status = 'pending' WHERE id = $1")
            .execute(Tuple.of(job.id())));
  }

  private void charge(UUID tenant, String key, String status) {
    await(
        pool.preparedQuery(
                "INSERT INTO charges (id, tenant_id, idempotency_key, fingerprint, customer_ref,"
                    + " gateway, sealed_method, key_id, amount_minor, currency, status)"
                    + " VALUES ($1, $2, $3, 'f', 'm', 'stripe', '\\x00', 'k', 700, 'EUR', $4)")
            .execute(Tuple.of(UUID.randomUUID(), tenant, key, status)));
  }

  private UUID tenant() {
    return db.tenant();
  }

  private long count(String sql, Object... params) {
    return db.count(sql, params);
  }
}
