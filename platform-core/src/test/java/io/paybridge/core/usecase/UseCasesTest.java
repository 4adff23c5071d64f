package io.paybridge.core.usecase;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.SecretHasher;
import io.paybridge.core.security.TokenKeyStore;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.sync.TargetUrls;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.ClientStatusCache;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.tenant.Tenants;
import io.paybridge.core.throttle.AttemptStore;
import io.paybridge.core.throttle.ThrottleSettings;
import io.paybridge.core.throttle.Throttles;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The use cases the API and the console share, against a real PostgreSQL: the rules live here, so
 * both front rooms answer the same input the same way — every invalid field at once, secrets shown
 * once and stored as hashes, workers woken when work becomes due.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UseCasesTest {

  /** The client address every call here comes from (TEST-NET-1). */
  private static final String ADDRESS = "192.0.2.1";

  private Vertx vertx;
  private Pool pool;
  private HashPool hashes;
  private TenantStore store;
  private Tenants tenants;
  private ApiClients clients;
  private SyncTargets targets;
  private Payments payments;
  private final AtomicInteger wakes = new AtomicInteger();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("usecases");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 4);
    store = new TenantStore(pool);
    hashes = new HashPool(vertx, new SecretHasher(1_000), 2);
    Throttles throttles = new Throttles(new AttemptStore(pool), ThrottleSettings.DEFAULTS);
    ClientSecrets secrets =
        new ClientSecrets(
            new TokenKeyStore(
                pool, new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("s")))),
            hashes,
            java.time.Clock.systemUTC());
    tenants = new Tenants(store, hashes, secrets, throttles);
    clients =
        new ApiClients(
            store,
            secrets,
            throttles,
            3,
            new ClientStatusCache(vertx, store, Clock.systemUTC()),
            Clock.systemUTC());
    targets =
        new SyncTargets(
            new SyncStore(
                pool, new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k")))),
            new TargetUrls(vertx, false),
            3,
            wakes::incrementAndGet);
    payments = new Payments(new LedgerStore(pool));
  }

  @AfterAll
  void stop() {
    await(hashes.close());
    await(pool.close());
    await(vertx.close());
  }

  private static String email() {
    return "uc-" + UUID.randomUUID() + "@example.com";
  }

  @Test
  void signUpNamesEveryFieldAtFaultAtOnce() {
    assertThatThrownBy(() -> await(tenants.signUp(" ", "not-an-email", "short", ADDRESS)))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly("name", "email", "password"));
  }

  @Test
  void aClientKeptAsASlowHashGetsInAndIsMovedToADigestOnItsFirstGoodRequest() {
    // GIVEN a client stored, as before, with a slow hash of its secret
    String secret = "pbs_" + UUID.randomUUID();
    String clientId = "pbc_" + UUID.randomUUID();
    String legacy = new SecretHasher(1_000).hash(secret);
    await(
        store.create(
            "Legacy", email(), legacy, clientId, legacy, List.of(ApiScopes.PAYMENTS_READ)));
    // WHEN a wrong secret is shown
    assertThat(await(clients.authenticate(clientId, "pbs_wrong", ADDRESS))).isNull();
    // THEN the slow hash stays
    assertThat(await(store.findClient(clientId)).secretHash()).isEqualTo(legacy);
    // WHEN the right secret is shown
    assertThat(await(clients.authenticate(clientId, secret, ADDRESS))).isNotNull();
    // THEN the client is kept as a digest from now on, and its next request costs no slow hash
    assertThat(await(store.findClient(clientId)).secretHash()).startsWith("hmac-sha256$");
    long hashed = hashes.computed();
    assertThat(await(clients.authenticate(clientId, secret, ADDRESS))).isNotNull();
    assertThat(await(clients.authenticate(clientId, "pbs_wrong", ADDRESS))).isNull();
    assertThat(hashes.computed()).isEqualTo(hashed);
  }

  @Test
  void signUpStoresHashesAndSignInChecksThem() {
    String email = email();
    Tenants.SignedUp signedUp = await(tenants.signUp("Acme", email, "a long passphrase", ADDRESS));
    assertThat(signedUp.clientSecret()).startsWith("pbs_");

    assertThat(await(tenants.signIn(email, "a long passphrase", ADDRESS)).id())
        .isEqualTo(signedUp.tenantId());
    assertThat(await(tenants.signIn(email.toUpperCase(), "a long passphrase", ADDRESS)))
        .isNotNull();
    assertThat(await(tenants.signIn(email, "not the passphrase", ADDRESS))).isNull();
    assertThat(await(tenants.signIn(email(), "a long passphrase", ADDRESS))).isNull();
    // the first client's secret works, and only it
    assertThat(await(clients.authenticate(signedUp.clientId(), signedUp.clientSecret(), ADDRESS)))
        .isNotNull();
    assertThat(await(clients.authenticate(signedUp.clientId(), "pbs_wrong", ADDRESS))).isNull();
    assertThatThrownBy(() -> await(tenants.signUp("Again", email, "a long passphrase", ADDRESS)))
        .rootCause()
        .isInstanceOf(TenantStore.EmailTakenException.class);
  }

  @Test
  void apiClientsAreCreatedWithKnownScopesAndStopWorkingWhenRevoked() {
    UUID tenant =
        await(tenants.signUp("Clients", email(), "a long passphrase", ADDRESS)).tenantId();
    assertThatThrownBy(() -> await(clients.create(tenant, "", List.of("payments:fly"))))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly("name", "scope"));
    assertThatThrownBy(() -> await(clients.create(tenant, "billing", List.of())))
        .rootCause()
        .hasMessage("Choose at least one scope.");

    ApiClients.Created created =
        await(
            clients.create(
                tenant,
                " billing ",
                List.of(ApiScopes.PAYMENTS_READ, ApiScopes.PAYMENTS_READ, ApiScopes.SYNC_READ)));
    assertThat(created.scopes()).containsExactly(ApiScopes.PAYMENTS_READ, ApiScopes.SYNC_READ);
    assertThat(await(clients.list(tenant)))
        .anySatisfy(c -> assertThat(c.name()).isEqualTo("billing"));
    assertThat(
            await(clients.authenticate(created.clientId(), created.clientSecret(), ADDRESS))
                .scopes())
        .containsExactly(ApiScopes.PAYMENTS_READ, ApiScopes.SYNC_READ);

    UUID otherTenant =
        await(tenants.signUp("Other", email(), "a long passphrase", ADDRESS)).tenantId();
    assertThat(await(clients.revoke(otherTenant, created.id()))).isFalse();
    assertThat(await(clients.revoke(tenant, created.id()))).isTrue();
    assertThat(await(clients.authenticate(created.clientId(), created.clientSecret(), ADDRESS)))
        .isNull();
  }

  @Test
  void syncTargetsRefuseBadInputAndShowAWebhookSecretOnce() {
    UUID tenant = await(tenants.signUp("Sync", email(), "a long passphrase", ADDRESS)).tenantId();
    assertThatThrownBy(() -> await(targets.add(tenant, "ftp", null, null)))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly("type", "url"));
    assertThatThrownBy(() -> await(targets.add(tenant, "webhook", "http://127.0.0.1/x", null)))
        .rootCause()
        .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("url"));
    assertThatThrownBy(
            () ->
                await(
                    targets.add(
                        tenant,
                        "customer-transaction",
                        "https://erp.example.com/tx",
                        new JsonObject().put("Host", "evil"))))
        .rootCause()
        .hasMessageContaining("cannot be set");

    SyncTargets.Added added = await(targets.add(tenant, "webhook", "https://example.com/h", null));
    assertThat(added.secret()).startsWith("whsec_");
    assertThat(await(targets.list(tenant)))
        .singleElement()
        .satisfies(t -> assertThat(t.url()).isEqualTo("https://example.com/h"));
    int before = wakes.get();
    assertThat(await(targets.enable(tenant, added.target().id()))).isTrue();
    assertThat(wakes.get()).isEqualTo(before + 1);
    assertThat(await(targets.enable(UUID.randomUUID(), added.target().id()))).isFalse();
    assertThat(wakes.get()).isEqualTo(before + 1);
    assertThat(await(targets.replay(tenant, 999_999_999L))).isNull();
    assertThatThrownBy(() -> await(targets.deliveries(tenant, "lost", null, 10)))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
  }

  @Test
  void parallelCreationsNeverTakeATenantPastItsCaps() {
    // GIVEN a tenant with its first API client, caps of three targets and three clients
    UUID tenant = await(tenants.signUp("Caps", email(), "a long passphrase", ADDRESS)).tenantId();

    // WHEN it adds ten targets and ten clients at once
    List<Future<SyncTargets.Added>> addedTargets = new ArrayList<>();
    List<Future<ApiClients.Created>> createdClients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      addedTargets.add(targets.add(tenant, "webhook", "https://example.com/h" + i, null));
      createdClients.add(clients.create(tenant, "c" + i, List.of(ApiScopes.PAYMENTS_READ)));
    }
    await(Future.join(addedTargets).otherwiseEmpty());
    await(Future.join(createdClients).otherwiseEmpty());

    // THEN three targets and two more clients are made; every other creation is refused
    assertThat(addedTargets).filteredOn(Future::succeeded).hasSize(3);
    assertThat(createdClients).filteredOn(Future::succeeded).hasSize(2);
    assertThat(addedTargets).filteredOn(Future::failed).hasSize(7);
    assertThat(addedTargets.stream().filter(Future::failed).map(Future::cause))
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        Refused.class,
                        r -> {
                          assertThat(r.kind()).isEqualTo(Refused.Kind.CONFLICT);
                          assertThat(r.code()).isEqualTo("too_many_sync_targets");
                        }));
    assertThat(createdClients.stream().filter(Future::failed).map(Future::cause))
        .hasSize(8)
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        Refused.class,
                        r -> assertThat(r.code()).isEqualTo("too_many_api_clients")));
    assertThat(await(targets.list(tenant))).hasSize(3);
    assertThat(await(clients.list(tenant))).hasSize(3);

    // AND a removed target or a revoked client makes room for one more
    UUID removed =
        addedTargets.stream()
            .filter(Future::succeeded)
            .findFirst()
            .orElseThrow()
            .result()
            .target()
            .id();
    assertThat(await(targets.remove(tenant, removed))).isTrue();
    assertThat(await(targets.add(tenant, "webhook", "https://example.com/again", null)))
        .isNotNull();
    UUID revoked =
        createdClients.stream().filter(Future::succeeded).findFirst().orElseThrow().result().id();
    assertThat(await(clients.revoke(tenant, revoked))).isTrue();
    assertThat(await(clients.create(tenant, "again", List.of(ApiScopes.PAYMENTS_READ))))
        .isNotNull();
  }

  @Test
  void paymentFiltersAreCheckedInOnePlace() {
    assertThatThrownBy(() -> Payments.filter(null, "GIFT", "x".repeat(300)))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.problems())
                    .extracting(InvalidInput.Problem::field)
                    .containsExactly("kind", "customerRef"));
    assertThat(Payments.filter(" ", "REFUND", ""))
        .isEqualTo(new LedgerStore.Filter(null, "REFUND", null));
    UUID tenant = UUID.randomUUID();
    assertThat(await(payments.list(tenant, LedgerStore.Filter.NONE, null, 10)).items()).isEmpty();
    assertThatThrownBy(() -> await(payments.list(tenant, LedgerStore.Filter.NONE, null, 0)))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
    assertThatThrownBy(() -> await(payments.balance(tenant, "")))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
  }
}
