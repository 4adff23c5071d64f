package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every member derives the same cluster name and the same event-bus key and certificate from the
 * same secret, and nothing alike from another; the secret itself appears in none of them.
 */
@Tag("security")
class ClusterSecretTest {

  private static final String SECRET = "a-cluster-secret-of-forty-characters-xyz";

  @Test
  void theSameSecretGivesTheSameNameKeyAndCertificateOnEveryMember() {
    ClusterSecret one = new ClusterSecret(SECRET);
    ClusterSecret two = new ClusterSecret(SECRET);
    assertThat(one.clusterName("paybridge")).isEqualTo(two.clusterName("paybridge"));
    assertThat(one.clusterName("paybridge"))
        .startsWith("paybridge-")
        .hasSize("paybridge-".length() + 32)
        .doesNotContain(SECRET);
    EventBusOptions first = new EventBusOptions();
    one.secure(first);
    EventBusOptions second = new EventBusOptions();
    two.secure(second);
    assertThat(first.isSsl()).isTrue();
    assertThat(first.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(keyOf(first)).isEqualTo(keyOf(second));
    assertThat(certificateOf(first)).isEqualTo(certificateOf(second));
    assertThat(((PemTrustOptions) first.getTrustOptions()).getCertValues())
        .containsExactly(((PemKeyCertOptions) first.getKeyCertOptions()).getCertValue());
  }

  @Test
  void anotherSecretOrNameGivesNothingAlike() {
    ClusterSecret ours = new ClusterSecret(SECRET);
    ClusterSecret theirs = new ClusterSecret(SECRET + "!");
    assertThat(theirs.clusterName("paybridge")).isNotEqualTo(ours.clusterName("paybridge"));
    assertThat(ours.clusterName("staging")).isNotEqualTo(ours.clusterName("paybridge"));
    EventBusOptions a = new EventBusOptions();
    ours.secure(a);
    EventBusOptions b = new EventBusOptions();
    theirs.secure(b);
    assertThat(keyOf(a)).isNotEqualTo(keyOf(b));
    assertThat(certificateOf(a)).isNotEqualTo(certificateOf(b));
  }

  @Test
  void withoutASecretTheEventBusIsPlainAndTheNameAsConfigured() {
    ClusterSettings open =
        new ClusterSettings(List.of("127.0.0.1:5701"), "127.0.0.1", 5701, "paybridge", null, null);
    EventBusOptions options = new EventBusOptions();
    open.eventBus(options);
    assertThat(options.isSsl()).isFalse();
    assertThat(open.hazelcast().getClusterName()).isEqualTo("paybridge");
    ClusterSettings closed =
        new ClusterSettings(
            List.of("127.0.0.1:5701"), "127.0.0.1", 5701, "paybridge", SECRET, null);
    assertThat(closed.hazelcast().getClusterName())
        .isEqualTo(new ClusterSecret(SECRET).clusterName("paybridge"));
  }

  private static String keyOf(EventBusOptions options) {
    return ((PemKeyCertOptions) options.getKeyCertOptions()).getKeyValue().toString();
  }

  private static String certificateOf(EventBusOptions options) {
    return ((PemKeyCertOptions) options.getKeyCertOptions()).getCertValue().toString();
  }
}
