package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real nodes clustered over Hazelcast on loopback, on one database: an API client deleted, or
 * rotated without overlap, on one node stops its tokens on the other within seconds, although the
 * other had just checked them and keeps what it checked for half a minute. The clustered event bus
 * carries the news; the nodes' caches are not merely expiring.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiClientRevocationIT {

  /** Well under the half minute a node keeps a client's status without news. */
  private static final Duration WITHIN = Duration.ofSeconds(5);

  private TestNode a;
  private TestNode b;
  private Tenant owner;

  @BeforeAll
  void startCluster() {
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String name = "it-" + UUID.randomUUID();
    PgFixture.Roles db = PgFixture.newDatabaseWithRoles("revocation");
    // One cluster: one master key, which opens the token keys both nodes sign with.
    Map<String, String> env =
        Map.of("PAYBRIDGE_MODE", "dev", "PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("it"));
    a =
        TestNode.start(
            "revocation_a",
            db,
            new ClusterSettings(members, "127.0.0.1", portA, name, null, null),
            env);
    b =
        TestNode.start(
            "revocation_b",
            db,
            new ClusterSettings(members, "127.0.0.1", portB, name, null, null),
            env);
    owner = Tenant.signUp(a);
  }

  @AfterAll
  void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  /** A new client of the owner's, made on node A, with its secret. */
  private JsonObject newClient() {
    HttpResponse<Buffer> r =
        await(
            owner
                .post("/api/v1/api-clients")
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "billing")
                        .put("scopes", new JsonArray().add("payments:read"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> payments(TestNode node, String token) {
    return await(node.http.get("/api/v1/payments").bearerTokenAuthentication(token).send());
  }

  /** Waits until node B refuses the token as revoked; fails after {@link #WITHIN}. */
  private void refusedOnB(String token) {
    long started = System.nanoTime();
    TestNode.eventually(
        WITHIN,
        () -> payments(b, token).statusCode() == 401,
        () -> "node B still answers " + payments(b, token).bodyAsString());
    JsonObject problem = payments(b, token).bodyAsJsonObject();
    assertThat(problem.getString("error")).isEqualTo("token_revoked");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN);
  }

  @Test
  void aClientDeletedOnOneNodeStopsOnTheOtherWithinSeconds() {
    // GIVEN a client whose token node B has just accepted (and keeps knowing as good)
    JsonObject client = newClient();
    String token =
        Tenant.token(b.http, client.getString("clientId"), client.getString("clientSecret"));
    assertThat(payments(b, token).statusCode()).isEqualTo(200);
    assertThat(payments(a, token).statusCode()).isEqualTo(200);

    // WHEN node A deletes it
    assertThat(
            await(owner.delete("/api/v1/api-clients/" + client.getString("id")).send())
                .statusCode())
        .isEqualTo(204);

    // THEN node B refuses the token within seconds, and node A at once
    assertThat(payments(a, token).statusCode()).isEqualTo(401);
    refusedOnB(token);
  }

  @Test
  void aSecretRotatedWithoutOverlapOnOneNodeStopsItsTokensOnTheOther() {
    JsonObject client = newClient();
    String old =
        Tenant.token(b.http, client.getString("clientId"), client.getString("clientSecret"));
    assertThat(payments(b, old).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> rotated =
        await(
            owner
                .post("/api/v1/api-clients/" + client.getString("id") + "/rotate")
                .sendJsonObject(new JsonObject().put("overlapSeconds", 0)));
    assertThat(rotated.statusCode()).as(rotated.bodyAsString()).isEqualTo(200);

    refusedOnB(old);
    String fresh =
        Tenant.token(
            b.http,
            client.getString("clientId"),
            rotated.bodyAsJsonObject().getString("clientSecret"));
    assertThat(payments(b, fresh).statusCode()).isEqualTo(200);
    assertThat(payments(a, fresh).statusCode()).isEqualTo(200);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
