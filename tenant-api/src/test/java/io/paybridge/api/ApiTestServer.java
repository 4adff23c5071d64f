package io.paybridge.api;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.Platform;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The partner API as a partner meets it, for the API's tests: a platform on a throwaway database of
 * its own with the API built from its OpenAPI document, the webhook route and the sync workers,
 * served on 127.0.0.1; and the steps the tests share — signing a tenant up, tokens with chosen
 * scopes, a Stripe account fed signed webhooks, and reading an error's problem document. The only
 * class of these tests that knows how a node is wired.
 */
final class ApiTestServer implements AutoCloseable {

  /** The password every partner signs up with. */
  static final String PASSWORD = "a long enough password";

  /** Where the platform says its webhook URLs are; requests go to the test server instead. */
  static final String PUBLIC_URL = "https://paybridge.example";

  /** A tenant signed up through the API, its first client, and a token with every scope. */
  record Partner(String tenantId, String clientId, String clientSecret, String token) {}

  /** A tenant's Stripe account: Stripe's part played by the simulator, and its webhook URL. */
  record StripeAccount(StripeSimulator stripe, String webhookUrl) {}

  private final Vertx vertx;
  private final Platform platform;
  private final WebClient http;
  private final String baseUrl;

  private ApiTestServer(Vertx vertx, Platform platform, int port) {
    this.vertx = vertx;
    this.platform = platform;
    this.baseUrl = "http://127.0.0.1:" + port;
    this.http =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** A server on a new database named after {@code name}. */
  static ApiTestServer start(String name) {
    return start(name, Map.of());
  }

  /**
   * A server on a new database named after {@code name}, with settings (environment variables) on
   * top of the tests' own: fast password hashing, private sync targets allowed, failed deliveries
   * left failed for ten minutes.
   */
  static ApiTestServer start(String name, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
    env.put("PAYBRIDGE_HTTP_PORT", "0");
    env.put("PAYBRIDGE_PUBLIC_URL", PUBLIC_URL);
    env.put("PAYBRIDGE_DATA_DIR", tempDir(name));
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
    env.put("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
    env.put("PAYBRIDGE_SYNC_TIMEOUT_MS", "2000");
    env.put("PAYBRIDGE_RETRY_BASE_MS", "600000");
    env.putAll(settings);
    Vertx vertx = Vertx.vertx();
    Platform platform =
        await(
            Platform.start(
                vertx,
                PaybridgeConfig.from(env),
                PgFixture.newDatabase(name),
                MasterKeys.parse(MasterKeys.generateSpec("test")),
                PluginRegistry.discover(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC()));
    ApiVerticle api = new ApiVerticle(platform);
    await(
        vertx
            .deployVerticle(platform.newSyncFanOut())
            .compose(fanOut -> vertx.deployVerticle(platform.newJobWorker()))
            .compose(worker -> vertx.deployVerticle(api)));
    return new ApiTestServer(vertx, platform, api.port());
  }

  /** The client, for requests the helpers below do not make. */
  WebClient http() {
    return http;
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
      await(vertx.timer(50));
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
        .isEqualTo("urn:paybridge:problem:" + problem.getString("error"));
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank().isEqualTo(problem.getString("message"));
    assertThat(problem.getString("field")).isEqualTo(field);
    if (field != null) {
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

  /** Stops the workers and the HTTP side, then the platform, then Vert.x. */
  @Override
  public void close() {
    await(
        Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
            .eventually(platform::close));
    await(vertx.close());
  }

  private static String tempDir(String name) {
    try {
      return Files.createTempDirectory("paybridge-" + name).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The HTTP side of a node as the API needs it, on one event loop: the webhook route, health and
   * metrics, the API, a 404 for anything else and the node's failure handler.
   */
  private static final class ApiVerticle extends VerticleBase {

    private final Platform platform;
    private HttpServer server;

    ApiVerticle(Platform platform) {
      this.platform = platform;
    }

    int port() {
      return server.actualPort();
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      platform.mountCoreRoutes(router);
      return ApiRoutes.mount(router, platform)
          .compose(
              mounted -> {
                router
                    .route()
                    .last()
                    .handler(ctx -> HttpErrors.respond(ctx, 404, "not_found", "no such resource"));
                router.route().failureHandler(HttpErrors::failureHandler);
                return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
              })
          .onSuccess(listening -> server = listening);
    }
  }
}
