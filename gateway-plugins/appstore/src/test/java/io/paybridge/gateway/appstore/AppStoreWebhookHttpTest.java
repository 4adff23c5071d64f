package io.paybridge.gateway.appstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.testkit.PluginReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's notifications over real HTTP to the kit's receiver, which hands each delivery to
 * the plugin the way the platform's ingest does: verify, parse, resolve, answer with the plugin's
 * acknowledgement or rejection.
 */
@ExtendWith(VertxExtension.class)
class AppStoreWebhookHttpTest {

  private final AppStorePlugin plugin = new AppStorePlugin();
  private final AppStoreSimulator apple = new AppStoreSimulator();
  private PluginReceiver receiver;

  @BeforeEach
  void startReceiver(Vertx vertx) {
    plugin.init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings())).await();
    receiver = PluginReceiver.start(vertx, plugin, apple::credentials).await();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close().await();
  }

  private HttpResponse<Buffer> post(String body) {
    return receiver.post(AppStoreSimulator.webhook(body)).await();
  }

  @Test
  void aSignedRenewalPostedOverHttpIsAcknowledgedWith200AndRecorded() {
    // GIVEN a renewal the App Store signed
    JsonObject txn =
        apple.subscriptionTransaction("2000002001", "2000002000", 10990, "USD", "user-5");
    String body = apple.didRenew(txn);

    // WHEN the App Store posts it
    HttpResponse<Buffer> response = post(body);

    // THEN the receiver answers 200 and books 10.99 USD for the subscription
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.events()).hasSize(1);
    PaymentEvent event = receiver.events().get(0);
    assertThat(event.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(event.amountMinor()).isEqualTo(1099L);
    assertThat(event.externalSubscriptionId()).isEqualTo("2000002000");
    assertThat(event.customerRef()).isEqualTo("user-5");
  }

  @Test
  void aNotificationSignedUnderAnotherRootIsRefusedWith401() {
    AppStoreSimulator impostor =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment());
    String body =
        impostor.oneTimeCharge(impostor.oneTimeTransaction("2000002101", 99_000, "USD", "x"));

    HttpResponse<Buffer> response = post(body);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void theTestNotificationIsAcknowledgedButNotRecorded() {
    HttpResponse<Buffer> response = post(apple.test());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void theSimulatorPostsJson() {
    post(apple.test());

    assertThat(receiver.received().peek().header("Content-Type")).isEqualTo("application/json");
    assertThat(receiver.received().peek().header("User-Agent"))
        .isEqualTo("Apple-Server-Notifications/2");
  }
}
