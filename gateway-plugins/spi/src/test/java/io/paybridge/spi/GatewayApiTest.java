package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A gateway's REST API as plugins call it, against a local server: JSON answers, failures that a
 * retry can and cannot fix, the credentials a call needs, and the plugin base that builds its
 * client at start-up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiTest {

  private Vertx vertx;
  private HttpServer server;
  private String base;

  @BeforeAll
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  switch (req.path()) {
                    case "/json" ->
                        req.response()
                            .end(new JsonObject().put("method", req.method().name()).encode());
                    case "/text" -> req.response().end("not json");
                    case "/empty" -> req.response().end();
                    default -> req.response().setStatusCode(503).end("{\"error\":\"down\"}");
                  }
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private GatewayApi api() {
    return GatewayApi.fromSettings(
        context(Map.of("gw.base", base + "/")), "gw", "Gateway", "gw.base", "https://x", "gw.ms");
  }

  private PluginContext context(Map<String, String> settings) {
    return new PluginContext(vertx, Clock.systemUTC(), settings);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  // ---- calls

  @Test
  void aJsonAnswerComesBackAsAnObject() throws Exception {
    GatewayApi api = api();
    assertThat(api.base()).isEqualTo(base);
    assertThat(api.timeoutMs()).isEqualTo(GatewayHttp.DEFAULT_TIMEOUT_MS);

    JsonObject answer = await(api.call("read", HttpMethod.GET, "/json", Map.of(), null));

    assertThat(answer.getString("method")).isEqualTo("GET");
  }

  @Test
  void aSuccessThatIsNoJsonObjectIsPermanent() {
    for (String path : List.of("/text", "/empty")) {
      Throwable err = failure(api().call("read", HttpMethod.GET, path, Map.of(), null));
      assertThat(err)
          .as(path)
          .isInstanceOf(PermanentGatewayException.class)
          .hasMessage("gw read failed: Gateway answered HTTP 200 without a JSON object");
      assertThat(((GatewayApiException) err).retryable()).isFalse();
      assertThat(((GatewayApiException) err).status()).isZero();
    }
  }

  @Test
  void anErrorStatusIsTheGatewaysAndMayBeRetried() {
    Throwable err = failure(api().call("read", HttpMethod.GET, "/down", Map.of(), null));
    assertThat(err).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) err).status()).isEqualTo(503);
    assertThat(((GatewayApiException) err).retryable()).isTrue();
  }

  @Test
  void aMissingCredentialFailsBeforeAnythingIsSent() throws Exception {
    Credentials credentials = Credentials.of("apiKey", "sk_1", "blank", " ");
    GatewayApi api = api();

    assertThat(await(api.credential(credentials, "apiKey", "read", "add it"))).isEqualTo("sk_1");
    for (String field : List.of("blank", "absent")) {
      Throwable err = failure(api.credential(credentials, field, "read", "add an API key"));
      assertThat(err)
          .isInstanceOf(PermanentGatewayException.class)
          .hasMessage("gw read failed: the Gateway account has no '" + field + "': add an API key");
    }
  }

  @Test
  void settingsThatAreNoUrlOrNoDurationAreNamed() {
    assertThatThrownBy(
            () ->
                GatewayApi.fromSettings(
                    context(Map.of("gw.base", "ftp://x")), "gw", "G", "gw.base", "https://x", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gw.base");
    assertThatThrownBy(
            () ->
                GatewayApi.fromSettings(
                    context(Map.of("gw.ms", "0")), "gw", "G", "gw.base", "https://x", "gw.ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gw.ms");
  }

  // ---- what a plugin builds at start-up

  @Test
  void beforeInitTheClientIsNotThereAndSaysSo() {
    AfterInit<String> client = new AfterInit<>("Gateway");
    assertThat(client.initialized()).isFalse();
    assertThat(failure(client.call(Future::succeededFuture)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Gateway plugin is not initialized");
    assertThatThrownBy(client::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void initBuildsTheClientOrFailsOnABadSetting() throws Exception {
    AfterInit<String> client = new AfterInit<>("Gateway");
    assertThat(
            failure(
                client.build(
                    () -> {
                      throw new IllegalArgumentException("gw.base must be an http(s) URL");
                    })))
        .hasMessageContaining("gw.base");
    assertThat(client.initialized()).isFalse();

    await(client.build(() -> "built"));

    assertThat(client.get()).isEqualTo("built");
    String called = await(client.call(value -> Future.succeededFuture(value + "!")));
    assertThat(called).isEqualTo("built!");
  }

  /** A plugin of the REST-API kind whose client answers from memory. */
  private static final class SamplePlugin extends RestApiGatewayPlugin<SampleClient> {
    SamplePlugin() {
      super(
          new GatewayIdentity("sample", "Sample", CredentialSchema.of(), List.of()),
          "Sample signature",
          "sample.base",
          "https://api.sample.example",
          "sample.ms",
          SampleClient::new);
    }

    @Override
    public String id() {
      return "sample";
    }

    @Override
    public String displayName() {
      return "Sample";
    }

    @Override
    public CredentialSchema credentialSchema() {
      return CredentialSchema.of();
    }

    @Override
    public List<EventRule> eventTable() {
      return List.of();
    }

    @Override
    protected Verdict check(WebhookRequest request, Credentials credentials) {
      return Verdict.ok();
    }

    @Override
    public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
      return ParsedWebhook.ignored("e", "t");
    }
  }

  private record SampleClient(GatewayApi api) implements Renewals, CancelAndRefund {
    @Override
    public Future<SubscriptionState> subscription(String id, Credentials credentials) {
      return Future.succeededFuture(new SubscriptionState(id, true, Instant.EPOCH));
    }

    @Override
    public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
      return Future.failedFuture(new IllegalStateException("refused by " + api.base()));
    }
  }

  @Test
  void aRestApiPluginHandsItsCapabilitiesToTheClientItBuildsAtInit() throws Exception {
    SamplePlugin plugin = new SamplePlugin();
    assertThat(failure(plugin.subscription("sub_1", Credentials.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Sample plugin is not initialized");

    assertThat(failure(plugin.init(context(Map.of("sample.base", "nope")))))
        .hasMessageContaining("sample.base");
    await(plugin.init(context(Map.of("sample.base", base))));

    assertThat(await(plugin.subscription("sub_1", Credentials.of())).active()).isTrue();
    assertThat(failure(plugin.cancelAndRefund(null, Credentials.of())))
        .hasMessage("refused by " + base);
  }
}
