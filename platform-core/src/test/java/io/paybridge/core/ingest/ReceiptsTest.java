package io.paybridge.core.ingest;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Receipts against a real PostgreSQL: every verdict is kept, a held delivery is booked once when
 * the account gets its key (by the job, fenced by its claim), processing again books only what was
 * not booked, a signed delivery id takes one body only, and retention keeps what can still be
 * fixed. The gateway is a small plugin of this test whose scheme is a shared secret header and
 * whose events need an API key, like Stripe's refunds listing.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptsTest {

  private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  private Vertx vertx;
  private Pool pool;
  private Context context;
  private GatewayAccountStore accounts;
  private ReceiptStore store;
  private ReprocessStore reprocessing;
  private Receipts receipts;
  private GroupCommitRecorder recorder;
  private final AtomicInteger syncWakes = new AtomicInteger();
  private final KeyedGateway plugin = new KeyedGateway();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("receipts");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 4);
    context = vertx.getOrCreateContext();
    accounts =
        new GatewayAccountStore(
            pool,
            new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1"))),
            new PluginRegistry(List.of(plugin)));
    store = new ReceiptStore(pool);
    reprocessing = new ReprocessStore(pool);
    receipts = new Receipts(store, reprocessing, accounts, syncWakes::incrementAndGet);
    recorder = new GroupCommitRecorder(context, pool, 16, 1, 1, (n, t) -> {}, jobs -> {});
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void aHeldDeliveryIsBookedOnceWhenTheKeyIsSaved() {
    // GIVEN an account without the API key its events need, and a delivery that arrives
    GatewayAccount account = connect(tenant(), null);
    WebhookRequest delivery = delivery("evt_1", "refund:re_1", -500, "d-1");
    assertThat(ingest(account, delivery)).isEqualTo(Outcome.HELD);
    long id = onlyReceipt(account.tenantId()).id();
    assertThat(onlyReceipt(account.tenantId()).hold())
        .isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(await(store.heldCounts(account.tenantId()))).containsEntry(plugin.id(), 1L);
    assertThat(ledger(account.tenantId())).isZero();

    // WHEN the tenant saves a working key: one job is queued in the same transaction
    connect(account.tenantId(), "key-1");
    connect(account.tenantId(), "key-1"); // saved twice: still one outstanding job
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE kind = $1 AND tenant_id = $2",
                Receipts.REPROCESS_HELD,
                account.tenantId()))
        .isEqualTo(1);
    Job job = claim(account.tenantId());
    JobResult result = await(receipts.reprocessHeld().handle(job));

    // THEN the delivery is booked once, and its receipt says so
    assertThat(result).isInstanceOf(JobResult.Done.class);
    assertThat(ledger(account.tenantId())).isEqualTo(1);
    ReceiptStore.Receipt receipt = onlyReceipt(account.tenantId());
    assertThat(receipt.verdict()).isEqualTo("recorded");
    assertThat(receipt.hold()).isNull();
    assertThat(receipt.processedAt()).isNotNull();
    assertThat(await(store.get(account.tenantId(), id)).booked())
        .singleElement()
        .satisfies(e -> assertThat(e.amountMinor()).isEqualTo(-500L));
    assertThat(syncWakes.get()).isPositive();

    // AND processing it again, or the job running again, books nothing new
    assertThat(await(receipts.reprocess(account.tenantId(), id)).newEntries()).isZero();
    assertThat(await(receipts.reprocessHeld().handle(job))).isInstanceOf(JobResult.Done.class);
    assertThat(ledger(account.tenantId())).isEqualTo(1);
    // AND the same delivery again is a duplicate that names the receipt it repeats
    assertThat(ingest(accountOf(account.tenantId()), delivery)).isEqualTo(Outcome.DUPLICATE);
    ReceiptStore.Receipt repeat =
        await(store.list(account.tenantId(), ReceiptStore.Filter.NONE, null, 10)).items().get(0);
    assertThat(repeat.verdict()).isEqualTo("duplicate");
    assertThat(repeat.duplicateOf()).isEqualTo(id);
    assertThat(repeat.eventId()).isEqualTo("evt_1");
  }

  @Test
  void aJobThatLostItsClaimChangesNothing() {
    GatewayAccount account = connect(tenant(), null);
    assertThat(ingest(account, delivery("evt_f", "refund:re_f", -100, "d-f")))
        .isEqualTo(Outcome.HELD);
    connect(account.tenantId(), "key-1");
    Job job = claim(account.tenantId());
    Job stale =
        new Job(
            job.id(),
            job.kind(),
            job.tenantId(),
            job.refId(),
            job.payload(),
            job.attempts(),
            UUID.randomUUID(),
            job.createdAt());

    await(receipts.reprocessHeld().handle(stale));

    assertThat(ledger(account.tenantId())).isZero();
    assertThat(onlyReceipt(account.tenantId()).verdict()).isEqualTo("held");
  }

  @Test
  void processingAgainBooksOnlyWhatWasNotBookedAndRejectsWhatNoLongerVerifies() {
    GatewayAccount account = connect(tenant(), "key-1");
    assertThat(ingest(account, delivery("evt_2", "refund:re_2", -700, "d-2")))
        .isEqualTo(Outcome.RECORDED);
    long id = onlyReceipt(account.tenantId()).id();
    Receipts.Outcome again = await(receipts.reprocess(account.tenantId(), id));
    assertThat(again.verdict()).isEqualTo("recorded");
    assertThat(again.newEntries()).isZero();
    assertThat(ledger(account.tenantId())).isEqualTo(1);

    // another tenant cannot see or process it
    UUID other = tenant();
    assertThat(await(receipts.reprocess(other, id))).isNull();
    assertThat(await(store.get(other, id))).isNull();

    // a malformed delivery kept with its body can be processed again; a bad signature cannot book
    GatewayAccount held = connect(tenant(), null);
    assertThat(ingest(held, delivery("evt_3", "refund:re_3", -1, "d-3"))).isEqualTo(Outcome.HELD);
    long heldId = onlyReceipt(held.tenantId()).id();
    plugin.secret = "rotated"; // the signing secret changed: the old delivery no longer verifies
    try {
      Receipts.Outcome rejected = await(receipts.reprocess(held.tenantId(), heldId));
      assertThat(rejected.verdict()).isEqualTo("rejected");
      assertThat(onlyReceipt(held.tenantId()).verdict()).isEqualTo("rejected");
    } finally {
      plugin.secret = "shared";
    }
  }

  @Test
  void aSignedDeliveryIdTakesOneBodyOnly() {
    GatewayAccount account = connect(tenant(), "key-1");
    DeliveryCheck check = new DeliveryCheck(store);
    WebhookRequest genuine = delivery("evt_4", "payment:p4", 900, "d-4");
    WebhookRequest forged = delivery("evt_5", "payment:p5", 90000, "d-4");

    assertThat(await(check.check(account, genuine))).isInstanceOf(DeliveryCheck.Parsed.class);
    assertThat(await(check.check(account, genuine))).isInstanceOf(DeliveryCheck.Parsed.class);
    DeliveryCheck.Result second = await(check.check(account, forged));

    assertThat(second).isInstanceOf(DeliveryCheck.Rejected.class);
    assertThat(((DeliveryCheck.Rejected) second).verdict().reason())
        .contains("d-4")
        .contains("another body");
  }

  @Test
  void listsArePagedNewestFirstAndFiltered() {
    GatewayAccount account = connect(tenant(), "key-1");
    for (int i = 0; i < 5; i++) {
      ingest(account, delivery("evt_l" + i, "payment:l" + i, 100 + i, "dl-" + i));
    }
    await(
        store.rejected(
            account.tenantId(),
            plugin.id(),
            "bad signature",
            "wrong_secret",
            null,
            null,
            null,
            "1.2.3.4",
            null));
    Page<ReceiptStore.Receipt, Long> first =
        await(store.list(account.tenantId(), ReceiptStore.Filter.NONE, null, 4));
    assertThat(first.hasMore()).isTrue();
    assertThat(first.items()).hasSize(4);
    assertThat(first.items().get(0).verdict()).isEqualTo("rejected");
    Page<ReceiptStore.Receipt, Long> second =
        await(
            store.list(account.tenantId(), ReceiptStore.Filter.NONE, first.items().get(3).id(), 4));
    assertThat(second.hasMore()).isFalse();
    assertThat(second.items()).hasSize(2);
    assertThat(second.items().get(0).id()).isLessThan(first.items().get(3).id());
    ReceiptStore.Filter recorded =
        new ReceiptStore.Filter("recorded", plugin.id(), "payment", T0, null);
    assertThat(await(store.list(account.tenantId(), recorded, null, 50)).items()).hasSize(5);
    ReceiptStore.Filter future =
        new ReceiptStore.Filter(null, null, null, Instant.now().plusSeconds(3600), null);
    assertThat(await(store.list(account.tenantId(), future, null, 50)).items()).isEmpty();
  }

  @Test
  void retentionDropsRefusalsAndBodiesButKeepsWhatCanStillBeFixed() {
    GatewayAccount account = connect(tenant(), null);
    ingest(account, delivery("evt_r1", "refund:re_r1", -5, "dr-1")); // held
    GatewayAccount keyed = connect(tenant(), "key-1");
    ingest(keyed, delivery("evt_r2", "payment:r2", 5, "dr-2")); // recorded
    await(
        store.rejected(
            keyed.tenantId(), plugin.id(), "forged", null, null, null, null, null, null));
    await(
        pool.query("UPDATE webhook_receipts SET received_at = received_at - interval '40 days'")
            .execute());
    // signed delivery ids outlive every plugin's freshness window (PayPal's: 4 days)
    await(store.claimSignedDelivery(keyed.tenantId(), plugin.id(), "fresh-5d", new byte[32]));
    await(store.claimSignedDelivery(keyed.tenantId(), plugin.id(), "old-10d", new byte[32]));
    await(
        pool.query(
                "UPDATE signed_deliveries SET received_at = now() - CASE delivery_id"
                    + " WHEN 'fresh-5d' THEN interval '5 days' ELSE interval '10 days' END")
            .execute());

    await(store.purge(Duration.ofDays(30)));

    assertThat(count("SELECT count(*) FROM signed_deliveries WHERE delivery_id = 'fresh-5d'"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM signed_deliveries WHERE delivery_id = 'old-10d'"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND verdict = 'rejected'",
                keyed.tenantId()))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND raw_body IS NULL AND verdict = 'recorded'",
                keyed.tenantId()))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND raw_body IS NOT NULL AND verdict = 'held'",
                account.tenantId()))
        .isEqualTo(1);
    assertThat(ledger(keyed.tenantId())).isEqualTo(1);
  }

  @Test
  void aRefusalKeptInFullReadsBackItsBodyAndHeaders() {
    GatewayAccount account = connect(tenant(), "key-1");
    WebhookRequest delivery = delivery("evt_k", "payment:k", 1, "dk-1");
    long id =
        await(
            store.rejected(
                account.tenantId(),
                plugin.id(),
                "signed for another account",
                "wrong_account",
                null,
                delivery.body(),
                ReceiptHeaders.encode(delivery.headers()),
                "127.0.0.1",
                "a=1"));
    ReceiptStore.Detail detail = await(store.get(account.tenantId(), id));
    assertThat(detail.body()).isEqualTo(delivery.body());
    assertThat(ReceiptHeaders.decode(detail.headers()).get("X-Delivery")).isEqualTo("dk-1");
    assertThat(await(reprocessing.stored(account.tenantId(), id)).query()).isEqualTo("a=1");
  }

  @Test
  void aStoredReceiptWithoutABodyOrADuplicateIsNotProcessedAgain() {
    GatewayAccount account = connect(tenant(), "key-1");
    long refused =
        await(
            store.rejected(
                account.tenantId(), plugin.id(), "forged", null, null, null, null, null, null));
    assertThatThrownBy(() -> await(receipts.reprocess(account.tenantId(), refused)))
        .hasRootCauseInstanceOf(Receipts.NotReprocessable.class);
  }

  // ---- fixtures --------------------------------------------------------------------------------

  private UUID tenant() {
    UUID tenant = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'T', $2, 'x')")
            .execute(Tuple.of(tenant, tenant + "@example.com")));
    return tenant;
  }

  private GatewayAccount connect(UUID tenant, String apiKey) {
    JsonObject creds = new JsonObject().put("secret", "shared");
    if (apiKey != null) {
      creds.put("apiKey", apiKey);
    }
    return await(accounts.upsert(tenant, plugin, plugin.validateCredentials(creds)));
  }

  private GatewayAccount accountOf(UUID tenant) {
    return await(accounts.find(tenant, plugin.id()));
  }

  private static WebhookRequest delivery(
      String eventId, String key, long amount, String deliveryId) {
    String body =
        new JsonObject()
            .put("id", eventId)
            .put("type", "payment")
            .put("key", key)
            .put("amount", amount)
            .encode();
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Secret", "shared")
            .add("X-Delivery", deliveryId)
            .add("Cookie", "must-not-be-kept");
    return new WebhookRequest(
        "POST",
        "/hooks/x/keyed",
        headers,
        MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(body),
        "127.0.0.1",
        Instant.now());
  }

  /** What ingest does with a delivery: check it, then record it through the group commit. */
  private Outcome ingest(GatewayAccount account, WebhookRequest request) {
    DeliveryCheck.Result result = await(new DeliveryCheck(store).check(account, request));
    ParsedWebhook parsed = ((DeliveryCheck.Parsed) result).parsed();
    Promise<Outcome> outcome = Promise.promise();
    context.runOnContext(
        v ->
            recorder
                .record(
                    new GroupCommitRecorder.Receipt(
                        account.tenantId(),
                        plugin.id(),
                        parsed,
                        request.body(),
                        false,
                        ReceiptHeaders.encode(request.headers()),
                        request.remoteAddress(),
                        null))
                .compose(
                    o ->
                        o == Outcome.DUPLICATE
                            ? store.duplicate(account.tenantId(), plugin.id(), parsed, null).map(o)
                            : Future.succeededFuture(o))
                .onComplete(outcome));
    Outcome o = await(outcome.future());
    if (o != Outcome.DUPLICATE) {
      // the receipt keeps the headers a plugin needs to verify again, never cookies
      assertThat(
              await(reprocessing.stored(account.tenantId(), latest(account.tenantId()))).headers())
          .contains("x-delivery")
          .doesNotContain("must-not-be-kept");
    }
    return o;
  }

  private long latest(UUID tenant) {
    return count("SELECT max(id) FROM webhook_receipts WHERE tenant_id = $1", tenant);
  }

  private Job claim(UUID tenant) {
    List<Job> jobs =
        await(
            new JobQueue(pool)
                .claim(List.of(Receipts.REPROCESS_HELD), 10, "test-node", Duration.ofMinutes(1)));
    return jobs.stream().filter(j -> j.tenantId().equals(tenant)).findFirst().orElseThrow();
  }

  private ReceiptStore.Receipt onlyReceipt(UUID tenant) {
    List<ReceiptStore.Receipt> all =
        await(store.list(tenant, ReceiptStore.Filter.NONE, null, 10)).items();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private long ledger(UUID tenant) {
    return count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant);
  }

  private long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  /**
   * A gateway whose deliveries carry a shared secret header and a delivery id, and whose events can
   * only be booked with the account's API key.
   */
  static final class KeyedGateway implements GatewayPlugin {
    volatile String secret = "shared";

    @Override
    public String id() {
      return "keyed";
    }

    @Override
    public String displayName() {
      return "Keyed";
    }

    @Override
    public CredentialSchema credentialSchema() {
      return CredentialSchema.of(
          CredentialField.secret("secret", "Secret", "shared secret"),
          CredentialField.secret("apiKey", "API key", "needed to book").optional(null));
    }

    @Override
    public List<EventRule> eventTable() {
      return List.of(EventRule.books("payment", "a payment or refund under the body's key"));
    }

    @Override
    public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
      return Future.succeededFuture(
          secret.equals(request.header("X-Secret"))
              ? Verdict.ok(request.header("X-Delivery"))
              : Verdict.rejected("X-Secret does not match"));
    }

    @Override
    public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
      JsonObject body = request.body().toJsonObject();
      long amount = body.getLong("amount");
      PaymentEvent event =
          PaymentEvent.builder(
                  amount < 0 ? EventKind.REFUND : EventKind.PAYMENT, body.getString("key"), T0)
              .amount(amount, "USD")
              .build();
      return new ParsedWebhook(body.getString("id"), body.getString("type"), List.of(event));
    }

    @Override
    public Future<ParsedWebhook> resolve(
        WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
      return Future.succeededFuture(
          credentials.get("apiKey") == null
              ? ParsedWebhook.held(
                  parsed.eventId(),
                  parsed.eventType(),
                  ParsedWebhook.NEEDS_API_CREDENTIALS,
                  "booking needs the account's API key")
              : parsed);
    }
  }
}
