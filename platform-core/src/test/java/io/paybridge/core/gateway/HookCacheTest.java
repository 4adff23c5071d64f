package io.paybridge.core.gateway;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripePlugin;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hook-key cache against a real PostgreSQL: answers on the caller's event loop, whichever loop
 * loaded the account, and no stale account kept when an edit lands while a lookup runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HookCacheTest {

  private Vertx vertx;
  private Pool pool;
  private GatewayAccountStore store;
  private final GatewayPlugin stripe = new StripePlugin();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("hookcache");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 4);
    store =
        new GatewayAccountStore(
            pool,
            new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1"))),
            new PluginRegistry(List.of(stripe)));
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  private GatewayAccount account(String webhookSecret) {
    UUID tenant = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'T', $2, 'x')")
            .execute(Tuple.of(tenant, tenant + "@example.com")));
    return await(
        store.upsert(
            tenant,
            stripe,
            stripe.validateCredentials(
                new JsonObject()
                    .put("webhookSecret", webhookSecret)
                    .put("apiKey", "sk_test_51HookCacheTestKey"))));
  }

  /** Where {@code get} answered: the context its callback ran on, and the account. */
  private record Answer(Context context, GatewayAccount account) {}

  private Answer getOn(Context context, HookCache cache, String hookKey) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    context.runOnContext(
        v ->
            cache
                .get(hookKey)
                .onComplete(
                    ar -> {
                      if (ar.failed()) {
                        answer.completeExceptionally(ar.cause());
                      } else {
                        answer.complete(new Answer(Vertx.currentContext(), ar.result()));
                      }
                    }));
    try {
      return answer.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aCachedAccountIsAnsweredOnTheCallersEventLoop() {
    // GIVEN an account whose lookup was first made from one event loop
    GatewayAccount account = account("whsec_FirstSecretOfThisEndpoint000001");
    HookCache cache = new HookCache(vertx, store);
    Context loader = vertx.getOrCreateContext();
    Context other = vertx.getOrCreateContext();
    assertThat(other).isNotSameAs(loader);
    assertThat(getOn(loader, cache, account.hookKey()).account().id()).isEqualTo(account.id());

    // WHEN a webhook handled on another event loop looks it up
    Answer answer = getOn(other, cache, account.hookKey());

    // THEN it gets the account on its own event loop, not the loader's
    assertThat(answer.account().id()).isEqualTo(account.id());
    assertThat(answer.context()).isSameAs(other);
    // AND the loader's loop is answered on itself
    assertThat(getOn(loader, cache, account.hookKey()).context()).isSameAs(loader);
  }

  @Test
  void concurrentMissesAreEachAnsweredOnTheirOwnLoop() {
    // GIVEN an account nobody has looked up yet
    GatewayAccount account = account("whsec_SharedSecretOfThisEndpoint000001");
    HookCache cache = new HookCache(vertx, store);
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();
    CompletableFuture<Context> one = new CompletableFuture<>();
    CompletableFuture<Context> two = new CompletableFuture<>();

    // WHEN two event loops miss on it at once (the second asks before the first query answers)
    first.runOnContext(
        v -> {
          cache.get(account.hookKey()).onSuccess(a -> one.complete(Vertx.currentContext()));
          second.runOnContext(
              w ->
                  cache
                      .get(account.hookKey())
                      .onSuccess(a -> two.complete(Vertx.currentContext())));
        });

    // THEN each is answered on its own loop
    assertThat(one.orTimeout(30, TimeUnit.SECONDS).join()).isSameAs(first);
    assertThat(two.orTimeout(30, TimeUnit.SECONDS).join()).isSameAs(second);
  }

  @Test
  void anEditInvalidatesTheCachedAccount() {
    // GIVEN a cached account
    GatewayAccount account = account("whsec_BeforeSecretOfThisEndpoint000001");
    HookCache cache = new HookCache(vertx, store);
    await(cache.start());
    try {
      Context loop = vertx.getOrCreateContext();
      assertThat(secret(getOn(loop, cache, account.hookKey()).account()))
          .isEqualTo("whsec_BeforeSecretOfThisEndpoint000001");

      // WHEN the tenant edits its credentials and the edit is announced
      await(
          store.upsert(
              account.tenantId(),
              stripe,
              stripe.validateCredentials(
                  new JsonObject()
                      .put("webhookSecret", "whsec_AfterSecretOfThisEndpoint000001")
                      .put("apiKey", "sk_test_51HookCacheTestKey"))));
      cache.invalidate(account.hookKey());

      // THEN the next lookup reads the new credentials
      assertThat(secret(getOn(loop, cache, account.hookKey()).account()))
          .isEqualTo("whsec_AfterSecretOfThisEndpoint000001");
    } finally {
      await(cache.stop());
    }
  }

  @Test
  void anUnknownHookKeyIsAnsweredWithNothingAndRememberedBriefly() {
    // GIVEN an account, and a hook key of nobody's
    GatewayAccount account = account("whsec_UnknownSecretOfThisEndpoint000001");
    HookCache cache = new HookCache(vertx, store);
    Context loop = vertx.getOrCreateContext();

    // WHEN the unknown key is asked for
    Answer answer = getOn(loop, cache, "no-such-hook-key");

    // THEN there is no account, answered on the caller's loop
    assertThat(answer.account()).isNull();
    assertThat(answer.context()).isSameAs(loop);
    // AND the key is remembered as unknown: even once it exists, the cache does not ask again
    // within the negative lifetime (a flood of forged URLs costs no queries)
    await(
        pool.preparedQuery("UPDATE gateway_accounts SET hook_key = $1 WHERE id = $2")
            .execute(Tuple.of("no-such-hook-key", account.id())));
    assertThat(getOn(loop, cache, "no-such-hook-key").account()).isNull();
    // AND an invalidation forgets it
    cache.invalidate("no-such-hook-key");
    assertThat(getOn(loop, cache, "no-such-hook-key").account().id()).isEqualTo(account.id());
  }

  private static String secret(GatewayAccount account) {
    return account.credentials().asMap().get("webhookSecret");
  }
}
