package io.paybridge.core.checkout;

import static io.paybridge.core.Await.await;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.ingest.GroupCommitRecorder;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checkouts over a throwaway database: the stores, the use case and the capture jobs built as a
 * node builds them, a scripted gateway that opens and captures payments, a gateway that cannot, and
 * the group commit that records webhooks.
 */
final class CheckoutFixture implements AutoCloseable {

  final TestDatabase db;
  final ScriptedCheckoutGateway gateway = new ScriptedCheckoutGateway();
  final GatewayPlugin plain = new PlainGateway();
  final GatewayAccountStore accounts;
  final CheckoutStore store;
  final CheckoutAttemptStore attempts;
  final JobQueue jobs;
  final CheckoutCaptures captures;
  final Checkouts checkouts;
  final GroupCommitRecorder recorder;
  final AtomicInteger syncWakes = new AtomicInteger();

  CheckoutFixture(String name) {
    db = TestDatabase.open(name);
    PluginRegistry plugins = new PluginRegistry(List.of(gateway, plain));
    accounts = new GatewayAccountStore(db.pool(), db.vault(), plugins);
    store = new CheckoutStore(db.pool(), db.vault());
    attempts = new CheckoutAttemptStore(db.pool());
    jobs = new JobQueue(db.pool());
    captures = new CheckoutCaptures(attempts, accounts, plugins, syncWakes::incrementAndGet);
    checkouts =
        new Checkouts(
            store,
            attempts,
            captures,
            jobs,
            accounts,
            plugins,
            new LedgerStore(db.pool()),
            new ReceiptStore(db.pool()),
            "https://pay.example.com",
            "test-node");
    recorder =
        new GroupCommitRecorder(
            db.vertx().getOrCreateContext(), db.pool(), 16, 1, 1, (n, t) -> {}, jobs -> {});
  }

  /** A new tenant with the scripted gateway connected. */
  UUID tenant() {
    UUID tenant = db.tenant();
    connect(tenant, gateway);
    return tenant;
  }

  GatewayAccount connect(UUID tenant, GatewayPlugin plugin) {
    return await(
        accounts.upsert(
            tenant, plugin, plugin.validateCredentials(new JsonObject().put("key", "k-1"))));
  }

  /** Records a verified delivery of the scripted gateway for the tenant, as ingest would. */
  Outcome record(UUID tenant, ParsedWebhook parsed) {
    return await(
        recorder.record(
            new GroupCommitRecorder.Receipt(
                tenant,
                gateway.id(),
                parsed,
                Buffer.buffer("{\"id\":\"" + parsed.eventId() + "\"}"))));
  }

  /** Records deliveries in one statement, as a group commit under load would. */
  List<Outcome> recordTogether(UUID tenant, ParsedWebhook... parsed) {
    List<Future<Outcome>> all =
        java.util.Arrays.stream(parsed)
            .map(
                p ->
                    recorder.record(
                        new GroupCommitRecorder.Receipt(
                            tenant, gateway.id(), p, Buffer.buffer("{}"))))
            .toList();
    return await(Future.all(all)).list();
  }

  /** Claims the due jobs of a kind for the tenant. */
  List<Job> claim(String kind, UUID tenant) {
    return await(jobs.claim(List.of(kind), 50, "test", Duration.ofMinutes(2))).stream()
        .filter(j -> j.tenantId().equals(tenant))
        .toList();
  }

  /** Makes a claimed job's lease run out, as if its worker had stalled. */
  void expireLease(Job job) {
    await(
        db.pool()
            .preparedQuery(
                "UPDATE jobs SET run_at = now() - interval '1 second',"
                    + " lease_expires_at = now() - interval '1 second' WHERE id = $1")
            .execute(Tuple.of(job.id())));
  }

  long count(String sql, Object... params) {
    return db.count(sql, params);
  }

  /** The sum of the tenant's ledger entries for a customer. */
  long balance(UUID tenant, String customerRef) {
    return count(
        "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries"
            + " WHERE tenant_id = $1 AND customer_ref = $2",
        tenant,
        customerRef);
  }

  @Override
  public void close() {
    db.close();
  }

  /** A gateway that records webhooks only: it cannot start checkouts. */
  static final class PlainGateway implements GatewayPlugin {
    @Override
    public String id() {
      return "plainpay";
    }

    @Override
    public String displayName() {
      return "Plainpay";
    }

    @Override
    public CredentialSchema credentialSchema() {
      return CredentialSchema.of(CredentialField.secret("key", "Key", "the account's key"));
    }

    @Override
    public List<EventRule> eventTable() {
      return List.of();
    }

    @Override
    public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
      return Future.succeededFuture(Verdict.rejected("not used"));
    }

    @Override
    public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
      throw new UnsupportedOperationException("not used");
    }
  }
}
