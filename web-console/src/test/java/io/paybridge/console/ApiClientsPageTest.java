package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.assertNotFound;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /console/api-clients}: the tenant's API clients, a new one's secret shown once, and
 * revoking one; a client id in a URL is the signed-in tenant's or none.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiClientsPageTest {

  private static final String PAGE = "/console/api-clients";
  private static final Pattern REVOKE =
      Pattern.compile("action=\"/console/api-clients/([0-9a-f-]{36})/revoke\"");

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console =
        ConsoleTestServer.start("console_api_clients", Map.of("PAYBRIDGE_MAX_API_CLIENTS", "3"));
  }

  @AfterAll
  void stop() {
    console.close();
  }

  private static String input(String page, String id) {
    Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as(id + " on the page").isTrue();
    return m.group(1);
  }

  private static String revokeId(String page) {
    Matcher m = REVOKE.matcher(page);
    assertThat(m.find()).as("a revoke form").isTrue();
    return m.group(1);
  }

  @Test
  void aTenantWhoSignedUpHereHasNoClientAndIsToldHowToCreateOne() {
    HttpResponse<Buffer> r = console.signUp("Shop").get(PAGE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString())
        .contains("No API clients yet")
        .contains("POST /oauth/token")
        .doesNotContain("pbc_")
        .doesNotContain("Active");
    assertSecurityHeaders(r);
  }

  @Test
  void aNewClientsSecretIsShownOnceAndItCanBeRevoked() {
    // GIVEN a tenant on the clients page
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);

    // WHEN it creates a client that reads payments
    HttpResponse<Buffer> created =
        owner.submit(PAGE, "name", "billing <backend>", "scope", "payments:read");

    // THEN its id and secret are shown this once
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String clientId = input(created.bodyAsString(), "new-client-id");
    String secret = input(created.bodyAsString(), "new-client-secret");
    assertThat(clientId).startsWith("pbc_");
    assertThat(secret).startsWith("pbs_");
    String list = owner.get(PAGE).bodyAsString();
    assertThat(list)
        .containsSubsequence("billing &lt;backend&gt;", clientId, "payments:read", "Active")
        .doesNotContain(secret);

    // WHEN it is revoked THEN it is listed as revoked, without a revoke form
    String id = revokeId(list.substring(list.indexOf(clientId)));
    HttpResponse<Buffer> revoked = owner.submit(PAGE + "/" + id + "/revoke");
    assertThat(revoked.statusCode()).isEqualTo(303);
    assertThat(revoked.getHeader("Location")).isEqualTo(PAGE + "?revoked=1");
    String after = owner.get(PAGE + "?revoked=1").bodyAsString();
    assertThat(after)
        .contains("The client was revoked; its tokens stop working.")
        .containsSubsequence(clientId, "Revoked")
        .doesNotContain("/console/api-clients/" + id + "/revoke");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''      | payments:read | Give the client a name
          billing | admin         | Scopes are chosen from payments:read
          """)
  void aClientTheConsoleRefusesIsABadRequestThatSaysWhy(String name, String scope, String message) {
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);

    HttpResponse<Buffer> r = owner.submit(PAGE, "name", name, "scope", scope);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains(message).doesNotContain("new-client-secret");
  }

  @Test
  void aTenantHasAtMostTheAllowedActiveClientsAndIsToldSo() {
    // GIVEN a tenant with three clients, the most allowed here
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);
    for (String name : new String[] {"first", "second", "third"}) {
      assertThat(owner.submit(PAGE, "name", name, "scope", "payments:read").statusCode())
          .isEqualTo(201);
    }

    // WHEN it creates a fourth THEN it is refused, saying why and what to do
    HttpResponse<Buffer> refused = owner.submit(PAGE, "name", "fourth", "scope", "payments:read");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsString())
        .contains("A tenant may have at most 3 active API clients; revoke one before creating")
        .doesNotContain("new-client-secret");
    assertThat(owner.get(PAGE).bodyAsString()).doesNotContain("fourth");

    // AND once one is revoked, a new one can be created
    String page = owner.get(PAGE).bodyAsString();
    owner.submit(PAGE + "/" + revokeId(page.substring(page.indexOf("second"))) + "/revoke");
    owner.get(PAGE + "?revoked=1");
    assertThat(owner.submit(PAGE, "name", "fourth", "scope", "payments:read").statusCode())
        .isEqualTo(201);
  }

  @Test
  void aClientWithoutAScopeIsABadRequestThatSaysWhy() {
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);

    HttpResponse<Buffer> r = owner.submit(PAGE, "name", "billing");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("Choose at least one scope.");
  }

  @Test
  void anotherTenantsClientIsNotFoundAndStaysActive() {
    Browser owner = console.signUp("Shop");
    String id = revokeId(withClient(owner));
    Browser other = console.signUp("Other");
    other.get(PAGE);

    for (String foreign : new String[] {id, UUID.randomUUID().toString(), "not-a-uuid"}) {
      assertThat(other.get(PAGE).bodyAsString()).doesNotContain(id);
      assertNotFound(other.submit(PAGE + "/" + foreign + "/revoke"));
    }
    assertThat(owner.get(PAGE).bodyAsString())
        .contains("/console/api-clients/" + id + "/revoke")
        .doesNotContain("Revoked");
  }

  @Test
  void formsWithoutThePagesTokenAreRefused() {
    Browser owner = console.signUp("Shop");
    String page = withClient(owner);

    HttpResponse<Buffer> create =
        owner.submitWithoutToken(PAGE, "name", "sneaky", "scope", "payments:read");
    HttpResponse<Buffer> revoke = owner.submitWithoutToken(PAGE + "/" + revokeId(page) + "/revoke");

    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(revoke.statusCode()).isEqualTo(403);
    assertThat(owner.get(PAGE).bodyAsString()).doesNotContain("sneaky").doesNotContain("Revoked");
  }

  /** The clients page after the tenant created a client there. */
  private static String withClient(Browser owner) {
    owner.get(PAGE);
    assertThat(owner.submit(PAGE, "name", "billing", "scope", "payments:read").statusCode())
        .isEqualTo(201);
    return owner.get(PAGE).bodyAsString();
  }

  @Test
  void withoutASessionNothingIsShownOrMade() {
    console.assertSentToLogin(PAGE);
    console.assertSignedOutPostRefused(PAGE);
    console.assertSignedOutPostRefused(PAGE + "/" + UUID.randomUUID() + "/revoke");
  }

  @Test
  void aRotatedSecretIsShownOnceAndTheOldOneWorksForTheOverlapChosen() {
    // GIVEN a tenant's client
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);
    HttpResponse<Buffer> created = owner.submit(PAGE, "name", "billing", "scope", "payments:read");
    String clientId = input(created.bodyAsString(), "new-client-id");
    String secret = input(created.bodyAsString(), "new-client-secret");
    String list = owner.get(PAGE).bodyAsString();
    String id = revokeId(list.substring(list.indexOf(clientId)));
    assertThat(list).contains("/console/api-clients/" + id + "/rotate");

    // WHEN its secret is rotated with the default overlap
    HttpResponse<Buffer> rotated = owner.submit(PAGE + "/" + id + "/rotate", "overlap", "86400");

    // THEN the new secret is shown this once, and both secrets work for now
    assertThat(rotated.statusCode()).as(rotated.bodyAsString()).isEqualTo(200);
    assertThat(rotated.bodyAsString()).contains("Secret rotated").contains("keep working until");
    assertThat(input(rotated.bodyAsString(), "rotated-client-id")).isEqualTo(clientId);
    String fresh = input(rotated.bodyAsString(), "rotated-client-secret");
    assertThat(fresh).startsWith("pbs_").isNotEqualTo(secret);
    assertThat(await(console.useCases().apiClients().authenticate(clientId, fresh, "192.0.2.9")))
        .isNotNull();
    assertThat(await(console.useCases().apiClients().authenticate(clientId, secret, "192.0.2.9")))
        .isNotNull();
    assertThat(owner.get(PAGE).bodyAsString())
        .contains("Old secret works until")
        .doesNotContain(fresh)
        .doesNotContain(secret);

    // WHEN it is rotated again, stopping the old secret now THEN only the newest works
    owner.get(PAGE);
    HttpResponse<Buffer> again = owner.submit(PAGE + "/" + id + "/rotate", "overlap", "0");
    assertThat(again.bodyAsString()).contains("stopped working");
    String newest = input(again.bodyAsString(), "rotated-client-secret");
    assertThat(await(console.useCases().apiClients().authenticate(clientId, fresh, "192.0.2.9")))
        .isNull();
    assertThat(await(console.useCases().apiClients().authenticate(clientId, newest, "192.0.2.9")))
        .isNotNull();
  }

  @Test
  void aRotationTheConsoleRefusesSaysWhy() {
    Browser owner = console.signUp("Shop");
    String id = revokeId(withClient(owner));

    HttpResponse<Buffer> tooLong = owner.submit(PAGE + "/" + id + "/rotate", "overlap", "9999999");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.bodyAsString())
        .contains("The overlap is 0 to 604800 seconds")
        .doesNotContain("rotated-client-secret");
    owner.get(PAGE);
    assertThat(owner.submit(PAGE + "/" + id + "/rotate", "overlap", "soon").statusCode())
        .isEqualTo(400);

    owner.get(PAGE);
    owner.submit(PAGE + "/" + id + "/revoke");
    owner.get(PAGE + "?revoked=1");
    HttpResponse<Buffer> revoked = owner.submit(PAGE + "/" + id + "/rotate", "overlap", "0");
    assertThat(revoked.statusCode()).isEqualTo(409);
    assertThat(revoked.bodyAsString()).contains("The client was revoked");
  }

  @Test
  void anotherTenantsClientCannotBeRotated() {
    Browser owner = console.signUp("Shop");
    String id = revokeId(withClient(owner));
    Browser other = console.signUp("Other");
    other.get(PAGE);

    for (String foreign : new String[] {id, UUID.randomUUID().toString(), "not-a-uuid"}) {
      other.get(PAGE);
      assertNotFound(other.submit(PAGE + "/" + foreign + "/rotate", "overlap", "0"));
    }
    assertThat(other.submitWithoutToken(PAGE + "/" + id + "/rotate", "overlap", "0").statusCode())
        .isEqualTo(403);
    assertThat(owner.get(PAGE).bodyAsString()).doesNotContain("Old secret works until");
    console.assertSignedOutPostRefused(PAGE + "/" + id + "/rotate");
  }

  @Test
  void aClientsLastUseIsShown() {
    Browser owner = console.signUp("Shop");
    owner.get(PAGE);
    HttpResponse<Buffer> created = owner.submit(PAGE, "name", "billing", "scope", "payments:read");
    String clientId = input(created.bodyAsString(), "new-client-id");
    String secret = input(created.bodyAsString(), "new-client-secret");
    assertThat(await(console.useCases().apiClients().authenticate(clientId, secret, "192.0.2.9")))
        .isNotNull();

    assertThat(lastUse(owner.get(PAGE).bodyAsString(), clientId)).isEqualTo("—");

    // WHEN the client is used (a token, a call)
    console.useCases().apiClients().used(clientId);

    // THEN the page shows when
    long deadline = System.currentTimeMillis() + 10_000;
    String page = owner.get(PAGE).bodyAsString();
    while (lastUse(page, clientId).equals("—")) {
      assertThat(System.currentTimeMillis()).as("the last use shown").isLessThan(deadline);
      page = owner.get(PAGE).bodyAsString();
    }
    assertThat(lastUse(page, clientId)).endsWith("UTC");
  }

  private static String lastUse(String page, String clientId) {
    Matcher m =
        Pattern.compile(
                Pattern.quote(clientId) + ".*?data-label=\"Last used\">(?:<time[^>]*>)?([^<]*)<",
                Pattern.DOTALL)
            .matcher(page);
    assertThat(m.find()).as("the client's last use cell").isTrue();
    return m.group(1);
  }
}
