package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Where deliveries go, with names resolved by a DNS server the test scripts ({@link TestDns}, time
 * to live zero): a name is checked when its target is created and again, once, for every delivery,
 * and the delivery connects to the address it checked — with the name as {@code Host} header, TLS
 * server name and certificate name — so a name that rebinds between the check and the connection
 * reaches nothing.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncTargetAddressesTest {

  private static final String PUBLIC = "93.184.216.34";

  /** What a receiver saw of one request. */
  private record Seen(String host, String serverName, String localAddress) {}

  private TestDns dns;
  private SyncFixture sync;

  @BeforeAll
  void start() {
    dns = TestDns.start();
    sync =
        SyncFixture.start(
            "addresses", new VertxOptions().setAddressResolverOptions(dns.resolverOptions()));
  }

  @AfterAll
  void stop() {
    sync.close();
    dns.close();
  }

  @Test
  void aNameThatRebindsToLoopbackAfterItsTargetWasCreatedIsRefusedAtConnectTime() {
    // GIVEN a receiver on loopback, and a name that resolves to a public address when its target
    // is created and to loopback from then on
    List<Seen> seen = new CopyOnWriteArrayList<>();
    HttpServer receiver = receiver("127.0.0.1", 0, new HttpServerOptions(), seen);
    dns.answer("shop.test", List.of(PUBLIC), List.of("127.0.0.1"));
    UUID shop = sync.tenant();
    String url = "http://shop.test:" + receiver.actualPort() + "/hook";
    SyncTargets.Added added = await(targets(false).add(shop, "webhook", url, null));
    SyncDelivery delivery = delivery(false, null);
    try {
      // WHEN a payment is delivered to it
      Delivered d = deliverOnce(shop, added.target(), delivery);

      // THEN the attempt is refused and recorded failed with its reason, to be retried
      assertThat(d.result()).isInstanceOf(JobResult.Retry.class);
      assertThat(d.status()).isEqualTo("failed");
      assertThat(d.lastError())
          .startsWith("refused: shop.test resolves to a loopback address")
          .doesNotContain("127.0.0.1");
      // AND nothing reached the receiver; the name was looked up once to create, once to deliver
      assertThat(seen).isEmpty();
      assertThat(dns.lookups("shop.test")).isEqualTo(2);
    } finally {
      delivery.close();
      await(receiver.close());
    }
  }

  @Test
  void everyAddressANameResolvesToIsCheckedAndMetadataIsNeverReached() {
    // GIVEN a name with a public and a private address, and one at the metadata address
    dns.answer("mixed.test", List.of(PUBLIC, "10.1.2.3"));
    dns.answer("meta.test", List.of("169.254.169.254"));
    UUID shop = sync.tenant();

    // THEN creating a target at either is refused, naming the url; metadata even where private
    // targets are allowed
    assertThatThrownBy(() -> await(targets(false).add(shop, "webhook", "http://mixed.test/", null)))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e -> {
              assertThat(e.field()).isEqualTo("url");
              assertThat(e.getMessage()).contains("private address");
            });
    assertThatThrownBy(() -> await(targets(true).add(shop, "webhook", "http://meta.test/", null)))
        .rootCause()
        .isInstanceOfSatisfying(
            InvalidInput.class, e -> assertThat(e.getMessage()).contains("metadata"));

    // AND a target saved at such a name earlier is refused at delivery
    SyncStore.Target saved = sync.webhook(shop, "http://meta.test/hook");
    SyncDelivery delivery = delivery(true, null);
    try {
      Delivered d = deliverOnce(shop, saved, delivery);
      assertThat(d.status()).isEqualTo("failed");
      assertThat(d.lastError()).startsWith("refused: meta.test resolves to a link-local");
    } finally {
      delivery.close();
    }
  }

  @Test
  void aDeliveryConnectsToTheAddressItCheckedWithTheNameAsHost() {
    // GIVEN two receivers on one port of two loopback addresses, and a name that resolves to the
    // first once and to the second from then on (private targets allowed)
    List<Seen> first = new CopyOnWriteArrayList<>();
    List<Seen> second = new CopyOnWriteArrayList<>();
    HttpServer a = receiver("127.0.0.1", 0, new HttpServerOptions(), first);
    HttpServer b = receiver("127.0.0.2", a.actualPort(), new HttpServerOptions(), second);
    dns.answer("hooks.test", List.of("127.0.0.1"), List.of("127.0.0.2"));
    UUID shop = sync.tenant();
    SyncStore.Target target = sync.webhook(shop, "http://hooks.test:" + a.actualPort() + "/in?x=1");
    SyncDelivery delivery = delivery(true, null);
    try {
      // WHEN a payment is delivered
      Delivered d = deliverOnce(shop, target, delivery);

      // THEN it went to the address looked up once, with the name in the Host header
      assertThat(d.status()).isEqualTo("delivered");
      assertThat(dns.lookups("hooks.test")).isEqualTo(1);
      assertThat(first)
          .singleElement()
          .isEqualTo(new Seen("hooks.test:" + a.actualPort(), null, "127.0.0.1"));
      assertThat(second).isEmpty();
    } finally {
      delivery.close();
      await(a.close());
      await(b.close());
    }
  }

  @Test
  void overTlsTheNameIsTheServerNameAndTheCertificateName() {
    // GIVEN a TLS receiver whose certificate names secure.test only, and secure.test resolving to
    // it once and elsewhere afterwards
    List<Seen> seen = new CopyOnWriteArrayList<>();
    HttpServer receiver =
        receiver(
            "127.0.0.1",
            0,
            new HttpServerOptions()
                .setSsl(true)
                .setSni(true)
                .setKeyCertOptions(
                    new PfxOptions().setValue(resource("secure-test.p12")).setPassword("password")),
            seen);
    dns.answer("secure.test", List.of("127.0.0.1"), List.of("127.0.0.2"));
    UUID shop = sync.tenant();
    SyncStore.Target target =
        sync.webhook(shop, "https://secure.test:" + receiver.actualPort() + "/hook");
    SyncDelivery delivery =
        delivery(true, new PemTrustOptions().addCertValue(resource("secure-test.pem")));
    try {
      // WHEN a payment is delivered
      Delivered d = deliverOnce(shop, target, delivery);

      // THEN the certificate was checked against the name, which was also the server name (SNI)
      assertThat(d.status()).as(d.lastError()).isEqualTo("delivered");
      assertThat(seen)
          .singleElement()
          .isEqualTo(new Seen("secure.test:" + receiver.actualPort(), "secure.test", "127.0.0.1"));
    } finally {
      delivery.close();
      await(receiver.close());
    }
  }

  @Test
  void anErrorAnswerIsRecordedAsItsStatusAndAShortPrintableExcerpt() {
    // GIVEN a receiver that answers errors: JSON with control characters, an HTML page, and a
    // redirect to another receiver
    List<Seen> elsewhere = new CopyOnWriteArrayList<>();
    HttpServer other = receiver("127.0.0.1", 0, new HttpServerOptions(), elsewhere);
    String json =
        "{\"error\":\"\u001b[31mbad\r\nX-Forged: 1\"," + "\"detail\":\"" + "x".repeat(500);
    List<String[]> answers =
        new CopyOnWriteArrayList<>(
            List.of(
                new String[] {"500", "application/json", json},
                new String[] {"502", "text/html", "<h1>Internal admin page</h1>"},
                new String[] {"302", "text/plain", "moved"}));
    HttpServer receiver =
        await(
            sync.vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      String[] answer = answers.remove(0);
                      req.response()
                          .setStatusCode(Integer.parseInt(answer[0]))
                          .putHeader("Content-Type", answer[1])
                          .putHeader("Location", "http://127.0.0.1:" + other.actualPort() + "/")
                          .end(answer[2]);
                    })
                .listen(0, "127.0.0.1"));
    UUID shop = sync.tenant();
    SyncStore.Target target =
        sync.webhook(shop, "http://127.0.0.1:" + receiver.actualPort() + "/hook");
    SyncDelivery delivery = delivery(true, null);
    try {
      // WHEN three payments are delivered
      Delivered jsonError = deliverOnce(shop, target, delivery);
      Delivered htmlError = deliverOnce(shop, target, delivery);
      Delivered redirected = deliverOnce(shop, target, delivery);

      // THEN the JSON one keeps at most 100 printable characters, the HTML one its status only
      String excerpt = jsonError.lastError().substring("HTTP 500: ".length());
      assertThat(jsonError.lastError())
          .startsWith("HTTP 500: {\"error\":\" [31mbad X-Forged: 1\",\"detail\":\"xxx");
      assertThat(excerpt).hasSizeLessThanOrEqualTo(ErrorExcerpt.MAX_CHARS + 1).endsWith("…");
      assertThat(jsonError.lastError()).doesNotContain("\r", "\n", "\u001b");
      assertThat(htmlError.lastError()).isEqualTo("HTTP 502");
      // AND a redirect is a failed attempt, not followed
      assertThat(redirected.status()).isEqualTo("failed");
      assertThat(redirected.lastError()).isEqualTo("HTTP 302: moved");
      assertThat(elsewhere).isEmpty();
    } finally {
      delivery.close();
      await(receiver.close());
      await(other.close());
    }
  }

  /** The outcome of one delivery attempt, and the delivery's state after it. */
  private record Delivered(JobResult result, String status, String lastError) {}

  /** Records a payment of the tenant, fans it out, and runs its delivery job to the target once. */
  private Delivered deliverOnce(UUID tenant, SyncStore.Target target, SyncDelivery delivery) {
    long entry = sync.record(tenant, 1, true).get(0);
    await(sync.drain(10));
    SyncStore.Delivery d = sync.delivery(entry, target.id());
    Job job =
        await(sync.queue.claim(List.of(SyncStore.DELIVER), 10_000, "test", Duration.ofMinutes(5)))
            .stream()
            .filter(j -> j.refId() == d.id())
            .findFirst()
            .orElseThrow();
    JobResult result = await(delivery.handle(job));
    var row =
        await(
                sync.pool
                    .preparedQuery("SELECT status, last_error FROM deliveries WHERE id = $1")
                    .execute(io.vertx.sqlclient.Tuple.of(d.id())))
            .iterator()
            .next();
    return new Delivered(result, row.getString(0), row.getString(1));
  }

  private SyncTargets targets(boolean allowPrivate) {
    return new SyncTargets(sync.store, new TargetUrls(sync.vertx, allowPrivate), 10, () -> {});
  }

  private SyncDelivery delivery(boolean allowPrivate, TrustOptions trust) {
    return new SyncDelivery(
        sync.vertx,
        sync.store,
        new LedgerStore(sync.pool),
        PaybridgeConfig.from(
            Map.of(
                "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", String.valueOf(allowPrivate),
                "PAYBRIDGE_NODE_NAME", "a",
                "PAYBRIDGE_SYNC_TIMEOUT_MS", "5000")),
        new PlatformMetrics(new SimpleMeterRegistry()),
        Clock.systemUTC(),
        trust);
  }

  /** A receiver answering 204 that notes what it saw of every request. */
  private HttpServer receiver(String host, int port, HttpServerOptions options, List<Seen> seen) {
    return await(
        sync.vertx
            .createHttpServer(options)
            .requestHandler(
                req -> {
                  seen.add(
                      new Seen(
                          req.headers().get("Host"),
                          req.connection().indicatedServerName(),
                          req.localAddress().hostAddress()));
                  req.response().setStatusCode(204).end();
                })
            .listen(port, host));
  }

  private static Buffer resource(String name) {
    try (var in = SyncTargetAddressesTest.class.getResourceAsStream("/sync/" + name)) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
