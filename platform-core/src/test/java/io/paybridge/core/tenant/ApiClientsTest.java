package io.paybridge.core.tenant;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.SecretHasher;
import io.paybridge.core.security.TokenKeyStore;
import io.paybridge.core.tenant.ApiClients.TokenVerdict;
import io.paybridge.core.tenant.TenantStore.ClientSummary;
import io.paybridge.core.throttle.AttemptStore;
import io.paybridge.core.throttle.ThrottleSettings;
import io.paybridge.core.throttle.Throttles;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.testkit.ManualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API clients use case over PostgreSQL: no client grants more than its creator holds, pages
 * newest first within the tenant, rotation keeps the previous secret (and its tokens) for the
 * overlap and no longer, revocation ends a client's tokens, and one tenant never reaches another's
 * clients. Time is moved by hand.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiClientsTest {

  private static final String ADDRESS = "192.0.2.1";

  private final ManualClock clock = new ManualClock();
  private TestDatabase db;
  private HashPool hashes;
  private ApiClients clients;

  @BeforeAll
  void open() {
    db = TestDatabase.open("api_clients");
    hashes = new HashPool(db.vertx(), new SecretHasher(10_000), 2);
    TenantStore store = new TenantStore(db.pool());
    clients =
        new ApiClients(
            store,
            new ClientSecrets(
                new TokenKeyStore(
                    db.pool(),
                    new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("clients")))),
                hashes,
                clock),
            new Throttles(new AttemptStore(db.pool()), ThrottleSettings.DEFAULTS),
            5,
            new ClientStatusCache(db.vertx(), store, clock),
            clock);
    await(clients.listening());
  }

  @AfterAll
  void close() {
    await(hashes.close());
    db.close();
  }

  private ApiClients.Created create(UUID tenant, String name, String... scopes) {
    return await(clients.create(tenant, name, List.of(scopes)));
  }

  private TenantStore.ApiClient authenticate(String clientId, String secret) {
    return await(clients.authenticate(clientId, secret, ADDRESS));
  }

  @Test
  void aClientGrantsOnlyScopesItsCreatorHolds() {
    UUID tenant = db.tenant();

    assertThatThrownBy(
            () ->
                await(
                    clients.create(
                        tenant,
                        "reader",
                        List.of(ApiScopes.PAYMENTS_READ, ApiScopes.PAYMENTS_WRITE),
                        List.of(ApiScopes.PAYMENTS_READ, ApiScopes.API_CLIENTS_WRITE))))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class,
            r -> {
              assertThat(r.kind()).isEqualTo(Refused.Kind.FORBIDDEN);
              assertThat(r.code()).isEqualTo("scope_not_grantable");
              assertThat(r.getMessage()).contains("payments:write").doesNotContain("read");
            });
    assertThat(db.count("SELECT count(*) FROM api_clients WHERE tenant_id = $1", tenant)).isZero();

    ApiClients.Created made =
        await(
            clients.create(
                tenant,
                "reader",
                List.of(ApiScopes.PAYMENTS_READ),
                List.of(ApiScopes.PAYMENTS_READ, ApiScopes.API_CLIENTS_WRITE)));
    assertThat(made.scopes()).containsExactly(ApiScopes.PAYMENTS_READ);
  }

  @Test
  void pagesAreNewestFirstAndStayWithinTheTenant() {
    UUID tenant = db.tenant();
    UUID other = db.tenant();
    List<String> made =
        List.of("one", "two", "three").stream()
            .map(n -> create(tenant, n, ApiScopes.PAYMENTS_READ).clientId())
            .toList();
    ApiClients.Created foreign = create(other, "foreign", ApiScopes.PAYMENTS_READ);

    Page<ClientSummary, UUID> first = await(clients.page(tenant, 2, null));
    Page<ClientSummary, UUID> second = await(clients.page(tenant, 2, first.next()));

    assertThat(first.items().stream().map(ClientSummary::clientId))
        .containsExactly(made.get(2), made.get(1));
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items().stream().map(ClientSummary::clientId)).containsExactly(made.get(0));
    assertThat(second.hasMore()).isFalse();
    assertThatThrownBy(() -> await(clients.page(tenant, 2, foreign.id())))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("starting_after"));
  }

  @Test
  void aRotatedSecretKeepsItsPredecessorForTheOverlapOnly() {
    UUID tenant = db.tenant();
    ApiClients.Created made = create(tenant, "billing", ApiScopes.PAYMENTS_READ);
    assertThat(authenticate(made.clientId(), made.clientSecret()).generation()).isEqualTo(1);

    // WHEN the secret is rotated with an hour's overlap
    ApiClients.Rotated rotated =
        await(clients.rotate(tenant, made.id(), Duration.ofHours(1), ApiScopes.ALL));

    // THEN both secrets work, the old one as generation 1, and so do tokens of both generations
    assertThat(rotated.clientSecret()).startsWith("pbs_").isNotEqualTo(made.clientSecret());
    assertThat(rotated.client().secretRotatedAt()).isNotNull();
    assertThat(rotated.client().previousSecretExpiresAt().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS));
    assertThat(authenticate(made.clientId(), rotated.clientSecret()).generation()).isEqualTo(2);
    assertThat(authenticate(made.clientId(), made.clientSecret()).generation()).isEqualTo(1);
    assertThat(await(clients.accepts(made.clientId(), tenant, 1))).isEqualTo(TokenVerdict.ACCEPTED);
    assertThat(await(clients.accepts(made.clientId(), tenant, 2))).isEqualTo(TokenVerdict.ACCEPTED);

    // WHEN the overlap ends THEN only the new secret and its tokens work
    clock.advance(Duration.ofHours(1));
    assertThat(authenticate(made.clientId(), made.clientSecret())).isNull();
    assertThat(authenticate(made.clientId(), rotated.clientSecret())).isNotNull();
    assertThat(await(clients.accepts(made.clientId(), tenant, 1)))
        .isEqualTo(TokenVerdict.SECRET_ROTATED);
    assertThat(await(clients.accepts(made.clientId(), tenant, 2))).isEqualTo(TokenVerdict.ACCEPTED);
  }

  @Test
  void aRotationWithoutOverlapStopsTheOldSecretAtOnce() {
    UUID tenant = db.tenant();
    ApiClients.Created made = create(tenant, "billing", ApiScopes.PAYMENTS_READ);
    assertThat(await(clients.accepts(made.clientId(), tenant, 1))).isEqualTo(TokenVerdict.ACCEPTED);

    ApiClients.Rotated rotated =
        await(clients.rotate(tenant, made.id(), Duration.ZERO, ApiScopes.ALL));

    assertThat(rotated.client().previousSecretExpiresAt()).isNull();
    assertThat(authenticate(made.clientId(), made.clientSecret())).isNull();
    assertThat(await(clients.accepts(made.clientId(), tenant, 1)))
        .isEqualTo(TokenVerdict.SECRET_ROTATED);
  }

  @Test
  void aRotationAsksForAnOverlapOfAtMostAWeekAndScopesTheCallerHolds() {
    UUID tenant = db.tenant();
    ApiClients.Created made =
        create(tenant, "writer", ApiScopes.PAYMENTS_READ, ApiScopes.PAYMENTS_WRITE);

    assertThatThrownBy(
            () -> await(clients.rotate(tenant, made.id(), Duration.ofDays(8), ApiScopes.ALL)))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("overlapSeconds"));
    assertThatThrownBy(
            () -> await(clients.rotate(tenant, made.id(), Duration.ofSeconds(-1), ApiScopes.ALL)))
        .rootCause()
        .isInstanceOf(InvalidInput.class);
    assertThatThrownBy(
            () ->
                await(
                    clients.rotate(
                        tenant, made.id(), Duration.ZERO, List.of(ApiScopes.PAYMENTS_READ))))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("scope_not_grantable"));
    assertThat(authenticate(made.clientId(), made.clientSecret())).isNotNull();
  }

  @Test
  void aRevokedClientsTokensStopAndItCannotBeRotated() {
    UUID tenant = db.tenant();
    ApiClients.Created made = create(tenant, "billing", ApiScopes.PAYMENTS_READ);
    await(clients.rotate(tenant, made.id(), Duration.ofHours(1), ApiScopes.ALL));
    assertThat(await(clients.accepts(made.clientId(), tenant, 2))).isEqualTo(TokenVerdict.ACCEPTED);

    assertThat(await(clients.revoke(tenant, made.id()))).isTrue();

    assertThat(await(clients.accepts(made.clientId(), tenant, 2))).isEqualTo(TokenVerdict.REVOKED);
    assertThat(await(clients.accepts(made.clientId(), tenant, 1))).isEqualTo(TokenVerdict.REVOKED);
    assertThat(await(clients.get(tenant, made.id())).revokedAt()).isNotNull();
    assertThatThrownBy(() -> await(clients.rotate(tenant, made.id(), Duration.ZERO, ApiScopes.ALL)))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("api_client_revoked"));
    assertThat(await(clients.revoke(tenant, made.id()))).isTrue();
  }

  @Test
  void anotherTenantsClientIsNeitherSeenNorTouched() {
    UUID owner = db.tenant();
    UUID other = db.tenant();
    ApiClients.Created made = create(owner, "billing", ApiScopes.PAYMENTS_READ);

    assertThat(await(clients.get(other, made.id()))).isNull();
    assertThat(await(clients.rotate(other, made.id(), Duration.ZERO, ApiScopes.ALL))).isNull();
    assertThat(await(clients.revoke(other, made.id()))).isFalse();
    assertThat(await(clients.page(other, 10, null)).items()).isEmpty();
    // a token naming the client under another tenant is no token of the client
    assertThat(await(clients.accepts(made.clientId(), other, 1)))
        .isEqualTo(TokenVerdict.NO_SUCH_CLIENT);

    assertThat(await(clients.accepts(made.clientId(), owner, 1))).isEqualTo(TokenVerdict.ACCEPTED);
    assertThat(authenticate(made.clientId(), made.clientSecret())).isNotNull();
  }

  @Test
  void aClientsUseIsNotedAtMostOnceAMinute() {
    UUID tenant = db.tenant();
    ApiClients.Created made = create(tenant, "billing", ApiScopes.PAYMENTS_READ);
    assertThat(await(clients.get(tenant, made.id())).lastUsedAt()).isNull();

    java.time.Instant first = clock.instant();
    await(clients.accepts(made.clientId(), tenant, 1));
    waitForLastUse(tenant, made.id(), first);
    // half a minute later the use is not written again
    clock.advance(Duration.ofSeconds(30));
    await(clients.accepts(made.clientId(), tenant, 1));
    assertThat(await(clients.get(tenant, made.id())).lastUsedAt().toInstant())
        .isEqualTo(first.truncatedTo(ChronoUnit.MICROS));
    clock.advance(Duration.ofSeconds(31));
    await(clients.accepts(made.clientId(), tenant, 1));

    waitForLastUse(tenant, made.id(), clock.instant());
  }

  private void waitForLastUse(UUID tenant, UUID id, java.time.Instant expected) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      var used = await(clients.get(tenant, id)).lastUsedAt();
      if (used != null && used.toInstant().equals(expected.truncatedTo(ChronoUnit.MICROS))) {
        return;
      }
      assertThat(System.currentTimeMillis())
          .as("last use noted at " + expected)
          .isLessThan(deadline);
      await(db.vertx().timer(20));
    }
  }

  @Test
  void theCapCountsActiveClientsOnlyAndRotationDoesNotChangeIt() {
    UUID tenant = db.tenant();
    List<ApiClients.Created> made =
        List.of("a", "b", "c", "d", "e").stream()
            .map(n -> create(tenant, n, ApiScopes.PAYMENTS_READ))
            .toList();
    await(clients.rotate(tenant, made.get(0).id(), Duration.ofHours(1), ApiScopes.ALL));

    assertThatThrownBy(() -> create(tenant, "f", ApiScopes.PAYMENTS_READ))
        .rootCause()
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.code()).isEqualTo("too_many_api_clients"));
    await(clients.revoke(tenant, made.get(1).id()));
    assertThat(create(tenant, "f", ApiScopes.PAYMENTS_READ).clientId()).startsWith("pbc_");
  }
}
