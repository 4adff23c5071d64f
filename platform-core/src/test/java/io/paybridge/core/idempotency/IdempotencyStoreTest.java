package io.paybridge.core.idempotency;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.idempotency.IdempotencyStore.Answered;
import io.paybridge.core.idempotency.IdempotencyStore.Reused;
import io.paybridge.core.idempotency.IdempotencyStore.Running;
import io.paybridge.core.idempotency.IdempotencyStore.Taken;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Idempotency keys on a real database: one request takes a key, its answer is kept sealed and
 * replayed, another request under the key is refused, a running one makes the next wait, and a key
 * whose request stalled or expired is taken over. Two stores over one database are two nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyStoreTest {

  private static final Duration LOCK = Duration.ofMinutes(2);
  private static final Duration KEEP = Duration.ofHours(24);

  private TestDatabase db;
  private ApiIdempotency node1;
  private ApiIdempotency node2;

  @BeforeAll
  void start() {
    db = TestDatabase.open("idempotency");
    node1 = new ApiIdempotency(new IdempotencyStore(db.pool(), db.vault()));
    node2 = new ApiIdempotency(new IdempotencyStore(db.pool(), db.vault()));
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void theFirstRequestRunsAndItsAnswerIsReplayedOnEveryNode() {
    UUID tenant = db.tenant();
    Buffer body = Buffer.buffer("{\"url\":\"https://example.com\"}");
    assertThat(take(node1, tenant, "k1", body)).isInstanceOf(Taken.class);
    // while it runs, the same request on another node waits its turn
    assertThat(take(node2, tenant, "k1", body)).isInstanceOf(Running.class);

    Buffer answer = Buffer.buffer("{\"id\":\"t-1\",\"secret\":\"whsec_shown_once\"}");
    await(
        node1.answered(tenant, "k1", 201, "application/json", "/api/v1/sync-targets/t-1", answer));

    Answered replayed = (Answered) take(node2, tenant, "k1", body);
    assertThat(replayed.status()).isEqualTo(201);
    assertThat(replayed.contentType()).isEqualTo("application/json");
    assertThat(replayed.location()).isEqualTo("/api/v1/sync-targets/t-1");
    assertThat(replayed.body()).isEqualTo(answer);
    // sealed at rest: the secret the answer shows is not in the table
    assertThat(
            db.count(
                "SELECT count(*) FROM api_idempotency WHERE tenant_id = $1"
                    + " AND position(convert_to('whsec_shown_once', 'UTF8') in answer) = 0",
                tenant))
        .isEqualTo(1);
  }

  @Test
  void anotherRequestUnderTheKeyIsRefusedAndTenantsAreApart() {
    UUID tenant = db.tenant();
    Buffer body = Buffer.buffer("{\"amount\":100}");
    take(node1, tenant, "k2", body);
    assertThat(take(node1, tenant, "k2", Buffer.buffer("{\"amount\":101}")))
        .isInstanceOf(Reused.class);
    assertThat(await(node1.take(tenant, "k2", "PUT", "/api/v1/x", body)))
        .isInstanceOf(Reused.class);
    // another tenant's key of the same name is its own
    assertThat(take(node1, db.tenant(), "k2", body)).isInstanceOf(Taken.class);
  }

  @Test
  void aReleasedKeyCanBeSentAgainAndAStalledOneIsTakenOver() {
    UUID tenant = db.tenant();
    Buffer body = Buffer.buffer("{}");
    take(node1, tenant, "k3", body);
    await(node1.release(tenant, "k3"));
    assertThat(take(node2, tenant, "k3", body)).isInstanceOf(Taken.class);

    // the node running it stopped answering: once its lock passes, the same request takes over
    await(
        db.pool()
            .preparedQuery(
                "UPDATE api_idempotency SET locked_until = now() - interval '1 second'"
                    + " WHERE tenant_id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(tenant)));
    assertThat(take(node1, tenant, "k3", Buffer.buffer("{\"other\":1}")))
        .isInstanceOf(Reused.class);
    assertThat(take(node1, tenant, "k3", body)).isInstanceOf(Taken.class);

    // an expired answer is forgotten: the key starts afresh
    await(node1.answered(tenant, "k3", 200, "application/json", null, Buffer.buffer("{}")));
    await(
        db.pool()
            .preparedQuery(
                "UPDATE api_idempotency SET expires_at = now() - interval '1 second'"
                    + " WHERE tenant_id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(tenant)));
    assertThat(take(node1, tenant, "k3", Buffer.buffer("{\"new\":true}")))
        .isInstanceOf(Taken.class);
  }

  @Test
  void aMalformedKeyIsAProblemNamingTheHeader() {
    for (String key : new String[] {"", "with space", "x".repeat(256), "tab\t"}) {
      // refused before the database is asked: the future has already failed
      Throwable err = node1.take(db.tenant(), key, "POST", "/api/v1/x", Buffer.buffer()).cause();
      assertThat(err).as(key).isInstanceOf(InvalidInput.class);
    }
  }

  private static IdempotencyStore.Claim take(
      ApiIdempotency node, UUID tenant, String key, Buffer body) {
    return await(node.take(tenant, key, "POST", "/api/v1/sync-targets", body));
  }
}
