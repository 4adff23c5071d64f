package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each test gets a running receiver of its own, which has received nothing yet. */
class PluginReceiverExtensionTest {

  @RegisterExtension
  final PluginReceiverExtension http =
      new PluginReceiverExtension(new WordGateway(), () -> Credentials.of("word", "open"));

  @RepeatedTest(2)
  void aFreshReceiverTakesDeliveries() {
    assertThat(http.receiver().received()).isEmpty();

    int status =
        http.receiver().post(Webhook.of("paid", Map.of("X-Word", "open"))).await().statusCode();

    assertThat(status).isEqualTo(200);
    assertThat(http.receiver().received()).hasSize(1);
  }
}
