package io.paybridge.gateway.googleplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts: Google's money, the push envelope, path segments. */
class GooglePlayCodecTest {

  @ParameterizedTest
  @CsvSource({
    "USD, 10, 990000000, 1099",
    "USD, 0, 0, 0",
    "USD, 0, 10000000, 1",
    "JPY, 1200, 0, 1200",
    "KWD, 3, 500000000, 3500",
    "KWD, 0, 1000000, 1",
    "EUR, -4, -990000000, -499",
    "USD, 92233720368547758, 0, 9223372036854775800"
  })
  void googleMoneyBecomesExactMinorUnits(String currency, long units, int nanos, long minor) {
    GoogleMoney.Amount amount =
        GoogleMoney.read(GooglePlaySimulator.money(currency, units, nanos), "total");
    assertThat(amount.minor()).isEqualTo(minor);
    assertThat(amount.currency()).isEqualTo(currency);
  }

  @Test
  void googleMoneyThatCannotBeExactIsRefused() {
    for (JsonObject bad :
        new JsonObject[] {
          GooglePlaySimulator.money("USD", 1, 5_000_000),
          GooglePlaySimulator.money("JPY", 1, 1),
          GooglePlaySimulator.money("USD", 1, -1),
          GooglePlaySimulator.money("USD", 1, 0).put("nanos", 1_000_000_000),
          GooglePlaySimulator.money("USD", 1, 0).put("units", "1.5"),
          GooglePlaySimulator.money("XYZ", 1, 0),
          new JsonObject().put("units", "1"),
          GooglePlaySimulator.money("USD", 1, 0).put("nanos", 0.5)
        }) {
      assertThatThrownBy(() -> GoogleMoney.read(bad, "total"))
          .as(bad.encode())
          .isInstanceOf(MalformedWebhookException.class)
          .hasMessageNotContaining("null");
    }
    assertThat(GoogleMoney.read(new JsonObject().put("currencyCode", "usd").put("units", 7), "t"))
        .isEqualTo(new GoogleMoney.Amount(700, "USD"));
  }

  @Test
  void pushEnvelopesDecodeWithEitherIdSpellingAndEitherTimeType() {
    String data =
        Base64.getEncoder()
            .encodeToString(
                new JsonObject()
                    .put("version", "1.0")
                    .put("packageName", "com.paybridge.sample")
                    .put("eventTimeMillis", 1_700_000_000_123L)
                    .put("testNotification", new JsonObject().put("version", "1.0"))
                    .encode()
                    .getBytes(StandardCharsets.UTF_8))
            .replace("=", "");
    JsonObject push =
        new JsonObject()
            .put("message", new JsonObject().put("data", data).put("message_id", "42"))
            .put("subscription", "projects/p/subscriptions/s");
    PlayNotification n = PlayNotification.decode(push.toBuffer());
    assertThat(n.messageId()).isEqualTo("42");
    assertThat(n.kind()).isEqualTo(PlayNotification.Kind.TEST);
    assertThat(n.typeName()).isEqualTo("TEST_NOTIFICATION");
    assertThat(n.eventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    assertThat(n.subscription()).isEqualTo("projects/p/subscriptions/s");
  }

  @Test
  void envelopesThatAreNotPlayNotificationsAreMalformedWithClearMessages() {
    String ok =
        GooglePlaySimulator.subscriptionNotification(
            "com.paybridge.sample", 4, "tok", "sub", Instant.now());
    JsonObject both = new JsonObject(ok).put("testNotification", new JsonObject());
    JsonObject noTime = new JsonObject(ok);
    noTime.remove("eventTimeMillis");
    JsonObject noToken = new JsonObject(ok);
    noToken.getJsonObject("subscriptionNotification").remove("purchaseToken");
    for (String body :
        new String[] {
          "{}",
          "{\"message\":{}}",
          "{\"message\":{\"data\":\"%%%\",\"messageId\":\"1\"}}",
          "{\"message\":{\"data\":\"W10=\",\"messageId\":\"1\"}}",
          GooglePlaySimulator.pushBody(ok, "1", Instant.now())
              .replace("\"messageId\":\"1\",", "")
              .replace("\"message_id\":\"1\",", ""),
          GooglePlaySimulator.pushBody(both.encode(), "1", Instant.now()),
          GooglePlaySimulator.pushBody(noTime.encode(), "1", Instant.now()),
          GooglePlaySimulator.pushBody(noToken.encode(), "1", Instant.now()),
          GooglePlaySimulator.pushBody(
              new JsonObject(ok).put("eventTimeMillis", "soon").encode(), "1", Instant.now())
        }) {
      assertThatThrownBy(() -> PlayNotification.decode(Buffer.buffer(body)))
          .as(body)
          .isInstanceOf(MalformedWebhookException.class)
          .hasMessageNotContaining("null");
    }
  }

  @Test
  void unknownNotificationKindsDecodeAsOther() {
    String pendingReview =
        new JsonObject()
            .put("version", "1.0")
            .put("packageName", "com.paybridge.sample")
            .put("eventTimeMillis", "1700000000000")
            .put("pendingRefundReviewNotification", new JsonObject().put("orderId", "GPA.1"))
            .encode();
    PlayNotification n =
        PlayNotification.decode(
            Buffer.buffer(GooglePlaySimulator.pushBody(pendingReview, "9", Instant.now())));
    assertThat(n.kind()).isEqualTo(PlayNotification.Kind.OTHER);
    assertThat(PlayResolver.needsApi(n)).isFalse();
  }

  @Test
  void idsNeverBecomeOtherPathSegments() {
    assertThat(PlayDeveloperApi.segment("GPA.1234-5678-9012-34567..0"))
        .isEqualTo("GPA.1234-5678-9012-34567..0");
    assertThat(PlayDeveloperApi.segment("a/b?c#d e")).isEqualTo("a%2Fb%3Fc%23d%20e");
    assertThat(PlayDeveloperApi.segment("..")).isEqualTo("%2E%2E");
    assertThat(PlayDeveloperApi.segment("é")).isEqualTo("%C3%A9");
    assertThat(PlayResolver.signupOrderId("GPA.1234-5678-9012-34567..12"))
        .isEqualTo("GPA.1234-5678-9012-34567");
    assertThat(PlayResolver.signupOrderId("GPA.1234-5678-9012-34567"))
        .isEqualTo("GPA.1234-5678-9012-34567");
  }
}
