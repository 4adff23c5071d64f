package io.paybridge.api;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestPlatform;
import io.paybridge.core.security.TokenKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The partner API as a partner meets it, for the API's tests: a test node ({@link TestPlatform}) on
 * a throwaway database of its own serving the API built from its OpenAPI document beside the
 * webhook route; and the steps the tests share — signing a tenant up, tokens with chosen scopes, a
 * Stripe account fed signed webhooks, and reading an error's problem document. The only class of
 * these tests that knows how the API is mounted.
 */
final class ApiTestServer implements AutoCloseable {

  /** The problem types the API document lists ({@code ProblemType}). */
  private static final java.util.Set<String> DOCUMENTED_PROBLEM_TYPES =
      OpenApiDocument.load()
          .toJsonObject()
          .getJsonObject("components")
          .getJsonObject("schemas")
          .getJsonObject("ProblemType")
          .getJsonArray("oneOf")
          .stream()
          .map(t -> ((JsonObject) t).getString("const"))
          .collect(java.util.stream.Collectors.toSet());

  /** The password every partner signs up with. */
  static final String PASSWORD = "a long enough password";

  /** Where the platform says its webhook URLs are; requests go to the test server instead. */
  static final String PUBLIC_URL = "https://paybridge.example";

  /** A tenant signed up through the API, its first client, and a token with every scope. */
  record Partner(String tenantId, String clientId, String clientSecret, String token) {}

  /** A tenant's Stripe account: Stripe's part played by the simulator, and its webhook URL. */
  record StripeAccount(StripeSimulator stripe, String webhookUrl) {}

  private final TestPlatform node;
  private final WebClient http;
  private final String baseUrl;

  private ApiTestServer(TestPlatform node) {
    this.node = node;
    this.baseUrl = "http://127.0.0.1:" + node.port();
    this.http =
        WebClient.create(
            node.vertx(),
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port()));
  }

  /** A server on a new database named after {@code name}. */
  static ApiTestServer start(String name) {
    return start(name, Map.of());
  }

  /** A server on a new database named after {@code name}, with settings (environment variables). */
  static ApiTestServer start(String name, Map<String, String> settings) {
    return start(name, PgFixture.newDatabase(name), Clock.systemUTC(), settings);
  }

  /**
   * A second server over this one's database, with settings: another node of the same cluster as
   * far as what the API keeps in PostgreSQL goes.
   */
  ApiTestServer beside(String name, Map<String, String> settings) {
    return start(name, node.database(), Clock.systemUTC(), settings);
  }

  /**
   * A server on a database of the caller's (another server's: two nodes of one cluster), with its
   * token keys rotating by {@code keyClock}.
   */
  static ApiTestServer start(
      String name, PgConnectOptions database, Clock keyClock, Map<String, String> settings) {
    return start(name, database, keyClock, Clock.systemUTC(), settings);
  }

  /**
   * A server on a new database named after {@code name}, its API timing tokens and request limits
   * by {@code apiClock}.
   */
  static ApiTestServer start(String name, Clock apiClock, Map<String, String> settings) {
    return start(name, PgFixture.newDatabase(name), Clock.systemUTC(), apiClock, settings);
  }

  private static ApiTestServer start(
      String name,
      PgConnectOptions database,
      Clock keyClock,
      Clock apiClock,
      Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of("PAYBRIDGE_PUBLIC_URL", PUBLIC_URL));
    env.putAll(settings);
    return new ApiTestServer(
        TestPlatform.start(
            name,
            database,
            keyClock,
            env,
            (vertx, router, useCases, config, keys) ->
                ApiRoutes.mount(
                    vertx,
                    router,
                    useCases,
                    PartnerApi.create(vertx, useCases, keys.apiTokens(), config, 1, apiClock))));
  }

  /** The database the node keeps its state in, for a fixture that writes what no API call can. */
  PgConnectOptions database() {
    return node.database();
  }

  /** Where the node listens, {@code http://127.0.0.1:<port>}: webhook URLs' paths go after it. */
  String baseUrl() {
    return baseUrl;
  }

  /** The keys the node signs tokens with. */
  TokenKeys tokenKeys() {
    return node.signingKeys().apiTokens();
  }

  /** The client, for requests the helpers below do not make. */
  WebClient http() {
    return http;
  }

  /**
   * A client on a machine with another address: its connections come from {@code address}, a
   * loopback address such as {@code 127.0.0.2}.
   */
  WebClient clientAt(String address) {
    return WebClient.create(
        node.vertx(),
        new WebClientOptions()
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(node.port())
            .setLocalAddress(address));
  }

  /** Client secrets this server has checked at {@code /oauth/token} since it started. */
  long secretChecks() {
    return node.useCases().apiClients().checked();
  }

  /** A request with the bearer token, or none when {@code token} is null. */
  private HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> request = http.request(method, path);
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  /** Sends a request without a body. */
  HttpResponse<Buffer> call(HttpMethod method, String path, String token) {
    return await(request(method, path, token).send());
  }

  /** Sends a request with a JSON body. */
  HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
    return await(request(method, path, token).sendJsonObject(body));
  }

  /** A 200 answer's JSON body; anything else fails the test. */
  JsonObject ok(HttpMethod method, String path, String token) {
    HttpResponse<Buffer> r = call(method, path, token);
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** Signs a new tenant up with {@code POST /api/v1/signup} and fetches a token of its client. */
  Partner signUp() {
    HttpResponse<Buffer> r =
        call(
            HttpMethod.POST,
            "/api/v1/signup",
            null,
            new JsonObject()
                .put("name", "Partner")
                .put("email", "partner-" + UUID.randomUUID() + "@example.com")
                .put("password", PASSWORD));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject client = r.bodyAsJsonObject();
    String clientId = client.getString("clientId");
    String secret = client.getString("clientSecret");
    return new Partner(client.getString("tenantId"), clientId, secret, token(clientId, secret, ""));
  }

  /** A token of the partner's client holding only {@code scopes} (space-separated). */
  String token(Partner partner, String scopes) {
    return token(partner.clientId(), partner.clientSecret(), scopes);
  }

  /** {@code POST /oauth/token} with the client's credentials in a Basic header. */
  HttpResponse<Buffer> requestToken(String clientId, String secret, MultiMap form) {
    return await(http.post("/oauth/token").basicAuthentication(clientId, secret).sendForm(form));
  }

  private String token(String clientId, String secret, String scopes) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials");
    if (!scopes.isEmpty()) {
      form.add("scope", scopes);
    }
    HttpResponse<Buffer> r = requestToken(clientId, secret, form);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("access_token");
  }

  /** Connects Stripe for the partner with a fresh signing secret. */
  StripeAccount connectStripe(Partner partner) {
    return connectStripe(partner, new JsonObject());
  }

  /** Connects Stripe for the partner with a fresh signing secret and these other credentials. */
  StripeAccount connectStripe(Partner partner, JsonObject credentials) {
    String secret = StripeSimulator.newWebhookSecret();
    HttpResponse<Buffer> r =
        call(
            HttpMethod.PUT,
            "/api/v1/gateway-accounts/stripe",
            partner.token(),
            credentials.copy().put("webhookSecret", secret));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String path = URI.create(r.bodyAsJsonObject().getString("webhookUrl")).getPath();
    return new StripeAccount(new StripeSimulator(secret), baseUrl + path);
  }

  /** Delivers an event body to the account's webhook URL, signed now as Stripe signs. */
  HttpResponse<Buffer> deliver(StripeAccount account, String body) {
    return await(account.stripe().post(http, account.webhookUrl(), body));
  }

  /**
   * Records a one-time payment in US cents through the account's webhook URL, as Stripe reports it;
   * returns the payment intent's id.
   */
  String pay(StripeAccount account, long amountMinor, String customerRef) {
    String id = UUID.randomUUID().toString().replace("-", "");
    HttpResponse<Buffer> r =
        deliver(
            account,
            account
                .stripe()
                .paymentIntentSucceeded("evt_" + id, "pi_" + id, amountMinor, "usd", customerRef));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return "pi_" + id;
  }

  /** Waits up to 30 seconds for the condition, checking every 50 ms. */
  void eventually(String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waited 30 s for " + what).isLessThan(deadline);
      await(node.vertx().timer(50));
    }
  }

  /**
   * Checks an RFC 9457 problem document: the status, the media type, its members, and the input at
   * fault ({@code null} for none); returns it for further checks.
   */
  static JsonObject assertProblem(HttpResponse<Buffer> r, int status, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type"))
        .isEqualTo("urn:paybridge:problem:" + problem.getString("error"))
        .as("a problem type the API document lists")
        .isIn(DOCUMENTED_PROBLEM_TYPES);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank().isEqualTo(problem.getString("message"));
    assertThat(problem.getString("field")).isEqualTo(field);
    if (field != null && problem.containsKey("problems")) {
      assertThat(problem.getJsonArray("problems"))
          .extracting(p -> ((JsonObject) p).getString("field"))
          .contains(field);
    } else if (field != null) {
      assertThat(problem.getString("detail")).contains(field);
    }
    return problem;
  }

  /** Checks a ledger entry as the API shows it: a payment in US dollars. */
  static void assertUsdPayment(
      JsonObject entry, long amountMinor, String externalPaymentId, String customerRef) {
    assertThat(entry.getString("kind")).isEqualTo("PAYMENT");
    assertThat(entry.getLong("amountMinor")).isEqualTo(amountMinor);
    assertThat(entry.getString("currency")).isEqualTo("USD");
    assertThat(entry.getString("externalPaymentId")).isEqualTo(externalPaymentId);
    assertThat(entry.getString("customerRef")).isEqualTo(customerRef);
  }

  /** Stops the node. */
  @Override
  public void close() {
    node.close();
  }
}
