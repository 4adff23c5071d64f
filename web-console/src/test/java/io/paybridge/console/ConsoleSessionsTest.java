package io.paybridge.console;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.core.tenant.ConsoleSessionStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Console sessions live in PostgreSQL: two nodes over one database share them, a node started later
 * finds them, and the table gives a reader nothing to present and a writer no way in under an id of
 * its choosing. The tenant is the row's, whatever the stored data says.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSessionsTest {

  private ConsoleTestServer first;
  private ConsoleTestServer second;
  private Vertx vertx;
  private Pool db;

  @BeforeAll
  void start() {
    first = ConsoleTestServer.start("console_sessions");
    second = first.beside("console_sessions_2", Map.of());
    vertx = Vertx.vertx();
    db = PgBuilder.pool().connectingTo(first.database()).using(vertx).build();
  }

  @AfterAll
  void stop() {
    second.close();
    first.close();
    await(db.close());
    await(vertx.close());
  }

  @Test
  void aSessionSignedInAtOneNodeIsSignedInAtTheOtherAndAtANodeStartedLater() {
    // GIVEN a tenant signed in at the first node
    Browser owner = first.signUp("Shared Desk");
    String session = owner.cookie("pb_console");

    // WHEN its cookie is presented at the second node, at once
    HttpResponse<Buffer> there = dashboard(second, session);

    // THEN the tenant is signed in there
    assertThat(there.statusCode()).isEqualTo(200);
    assertThat(there.bodyAsString()).contains("Shared Desk");

    // AND a node started afterwards over the same database finds it too
    try (ConsoleTestServer later = first.beside("console_sessions_3", Map.of())) {
      assertThat(dashboard(later, session).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theTableHoldsOnlyTheIdsDigestAndNothingThatTellsTheId() {
    // GIVEN a signed-in tenant that has shown a form (its CSRF token is bound to the session id)
    Browser owner = first.signUp("Digest Desk");
    owner.get("/console/account");
    String session = owner.cookie("pb_console");

    // WHEN the database is read
    Row row = row(session);

    // THEN the row is under the SHA-256 digest of the id, and neither it nor its data holds the id
    assertThat(row).isNotNull();
    assertThat(await(db.query("SELECT count(*) FROM console_sessions").execute()))
        .first()
        .satisfies(r -> assertThat(r.getLong(0)).isPositive());
    String data = row.getBuffer("data").toString(StandardCharsets.ISO_8859_1);
    assertThat(data).doesNotContain(session);
    assertThat(row.getUUID("tenant_id")).isEqualTo(first.tenantId(owner));
    assertThat(
            await(
                    db.preparedQuery("SELECT count(*) FROM console_sessions WHERE id_digest = $1")
                        .execute(Tuple.of(Buffer.buffer(session.getBytes(StandardCharsets.UTF_8)))))
                .iterator()
                .next()
                .getLong(0))
        .isZero();
  }

  @Test
  void aRowWrittenUnderAGuessedIdSignsNobodyIn() {
    // GIVEN a victim tenant, and a row written straight into the table for it under an id an
    // attacker chose, as the id itself (the digest stored is what the attacker wrote)
    Browser victim = first.signUp("Victim Desk");
    UUID victimId = first.tenantId(victim);
    byte[] raw = new byte[32];
    new java.security.SecureRandom().nextBytes(raw);
    String guessed = HexFormat.of().formatHex(raw);
    await(
        db.preparedQuery(
                "INSERT INTO console_sessions (id_digest, tenant_id, data, version, expires_at)"
                    + " VALUES ($1, $2, $3, 1, now() + interval '1 hour')")
            .execute(Tuple.of(Buffer.buffer(raw), victimId, dataSaying(victimId, "Victim Desk"))));

    // WHEN the attacker presents that id at either node
    // THEN it is no session: the console sends the attacker to log in
    for (ConsoleTestServer node : new ConsoleTestServer[] {first, second}) {
      HttpResponse<Buffer> r = dashboard(node, guessed);
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.getHeader("Location")).isEqualTo("/console/login");
    }
  }

  @Test
  void theTenantIsTheRowsWhateverTheStoredDataSays() {
    // GIVEN two tenants, each with a sync target of its own
    Browser mine = first.signUp("Own Desk");
    Browser other = first.signUp("Other Desk");
    first.addWebhookTarget(mine, "http://127.0.0.1:9/own-desk-hook");
    first.addWebhookTarget(other, "http://127.0.0.1:9/other-desk-hook");
    String session = mine.cookie("pb_console");

    // WHEN the data of the first tenant's session is rewritten to name the other tenant
    await(
        db.preparedQuery("UPDATE console_sessions SET data = $2 WHERE id_digest = $1")
            .execute(
                Tuple.of(
                    Buffer.buffer(ConsoleSessionStore.digest(session)),
                    dataSaying(first.tenantId(other), "Other Desk"))));

    // THEN the session still shows only its own tenant's targets
    HttpResponse<Buffer> sync = get(second, "/console/sync", session);
    assertThat(sync.statusCode()).isEqualTo(200);
    assertThat(sync.bodyAsString()).contains("own-desk-hook").doesNotContain("other-desk-hook");

    // AND a row without a tenant is signed out, whatever its data says
    await(
        db.preparedQuery("UPDATE console_sessions SET tenant_id = NULL WHERE id_digest = $1")
            .execute(Tuple.of(Buffer.buffer(ConsoleSessionStore.digest(session)))));
    assertThat(dashboard(second, session).statusCode()).isEqualTo(303);
  }

  @Test
  void anEndedSessionIsRefusedAndPurgedWhileLiveOnesStay() {
    // GIVEN two signed-in tenants, one of whose sessions has ended
    String ended = first.signUp("Ended Desk").cookie("pb_console");
    String live = first.signUp("Live Desk").cookie("pb_console");
    await(
        db.preparedQuery(
                "UPDATE console_sessions SET expires_at = now() - interval '1 second'"
                    + " WHERE id_digest = $1")
            .execute(Tuple.of(Buffer.buffer(ConsoleSessionStore.digest(ended)))));

    // WHEN it is presented, THEN it is refused and not brought back to life
    assertThat(dashboard(first, ended).statusCode()).isEqualTo(303);
    assertThat(row(ended)).isNotNull();

    // WHEN the purge runs
    int purged = await(first.useCases().consoleSessions().purge());

    // THEN the ended row is gone and the live one still works
    assertThat(purged).isPositive();
    assertThat(row(ended)).isNull();
    assertThat(row(live)).isNotNull();
    assertThat(dashboard(second, live).statusCode()).isEqualTo(200);
  }

  @Test
  void loggingOutDeletesTheRowEverywhere() {
    // GIVEN a tenant signed in at the first node
    Browser owner = first.signUp("Leaving Desk");
    String session = owner.cookie("pb_console");
    owner.get("/console/dashboard");

    // WHEN it logs out
    HttpResponse<Buffer> out = owner.submit("/console/logout");

    // THEN its row is gone, and the old cookie signs in at no node
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(row(session)).isNull();
    assertThat(dashboard(second, session).statusCode()).isEqualTo(303);
    assertThat(dashboard(first, session).statusCode()).isEqualTo(303);
  }

  @Test
  void signingInGivesTheSessionANewIdAndEndsTheOldOne() {
    // GIVEN a visitor whose session id an attacker planted or learned before sign-in
    Browser visitor = first.browser();
    visitor.get("/console/signup");
    String before = visitor.cookie("pb_console");
    assertThat(before).isNotNull();
    assertThat(row(before)).isNotNull();

    // WHEN the visitor signs up (and so signs in)
    String email = "fixation-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> r =
        visitor.submit(
            "/console/signup",
            "name",
            "Fixed Desk",
            "email",
            email,
            "password",
            ConsoleTestServer.PASSWORD);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);

    // THEN the session has a new id; the old one is deleted and signs in at no node
    String after = visitor.cookie("pb_console");
    assertThat(after).isNotEqualTo(before);
    assertThat(row(before)).isNull();
    assertThat(dashboard(second, before).statusCode()).isEqualTo(303);
    assertThat(dashboard(second, after).statusCode()).isEqualTo(200);
  }

  /** The stored data of a session that names {@code tenant}, as the console serializes it. */
  private Buffer dataSaying(UUID tenant, String name) {
    StoredSession forged = new StoredSession(VertxContextPRNG.current(vertx), 60_000, 16);
    forged.put(ConsoleRoutes.TENANT, tenant.toString());
    forged.put(ConsoleRoutes.TENANT_NAME, name);
    forged.put(ConsoleRoutes.EMAIL, "forged@example.com");
    forged.put(SessionLifetime.SIGNED_IN_AT, System.currentTimeMillis());
    return forged.serialized();
  }

  private Row row(String session) {
    var rows =
        await(
            db.preparedQuery("SELECT * FROM console_sessions WHERE id_digest = $1")
                .execute(Tuple.of(Buffer.buffer(ConsoleSessionStore.digest(session)))));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static HttpResponse<Buffer> dashboard(ConsoleTestServer node, String session) {
    return get(node, "/console/dashboard", session);
  }

  private static HttpResponse<Buffer> get(ConsoleTestServer node, String path, String session) {
    return await(node.http().get(path).putHeader("Cookie", "pb_console=" + session).send());
  }
}
