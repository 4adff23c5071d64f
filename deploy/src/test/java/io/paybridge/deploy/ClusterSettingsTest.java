package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.vault.MasterKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How a node finds the others: a TCP/IP member list (compose, bare metal) or, on Kubernetes, the
 * pods behind the nodes' headless service found by DNS. The Hazelcast configuration each builds is
 * checked, and two members built from the Kubernetes settings really find each other by a DNS name.
 */
class ClusterSettingsTest {

  private static final String SECRET = "s".repeat(ClusterSettings.MIN_SECRET_LENGTH);

  private static Map<String, String> kubernetes(String host, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_CLUSTER_DISCOVERY", "kubernetes");
    env.put("PAYBRIDGE_CLUSTER_SERVICE_DNS", "paybridge-cluster.payments.svc.cluster.local");
    env.put("PAYBRIDGE_CLUSTER_HOST", host);
    env.put("PAYBRIDGE_CLUSTER_PORT", String.valueOf(port));
    env.put("PAYBRIDGE_CLUSTER_SECRET", SECRET);
    return env;
  }

  @Test
  void kubernetesDiscoveryLooksUpTheHeadlessServiceAndNothingElse() {
    ClusterSettings settings = ClusterSettings.from(kubernetes("10.1.2.3", 5701));

    assertThat(settings.clustered()).isTrue();
    Config config = settings.hazelcast();
    JoinConfig join = config.getNetworkConfig().getJoin();
    KubernetesConfig k8s = join.getKubernetesConfig();
    assertThat(k8s.isEnabled()).isTrue();
    assertThat(k8s.getProperties())
        .containsEntry("service-dns", "paybridge-cluster.payments.svc.cluster.local")
        .containsEntry("service-port", "5701")
        .containsEntry("service-dns-timeout", "5")
        .doesNotContainKeys("service-name", "namespace", "kubernetes-master");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.1.2.3");
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("10.1.2.3:5701");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    // a wait of zero would make discovery skip its look-up: every pod its own cluster
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
  }

  @Test
  void aMemberListStaysTheDefaultWithKubernetesOff() {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_CLUSTER_MEMBERS", "node1:5701, node2:5701");
    env.put("PAYBRIDGE_CLUSTER_HOST", "172.28.0.11");

    Config config = ClusterSettings.from(env).hazelcast();

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("node1:5701", "node2:5701");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(ClusterSettings.from(Map.of()).clustered()).isFalse();
  }

  @Test
  void kubernetesDiscoveryNeedsItsServiceAndNoMemberList() {
    Map<String, String> noService = kubernetes("10.1.2.3", 5701);
    noService.remove("PAYBRIDGE_CLUSTER_SERVICE_DNS");
    assertThatThrownBy(() -> ClusterSettings.from(noService))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAYBRIDGE_CLUSTER_SERVICE_DNS");

    Map<String, String> both = kubernetes("10.1.2.3", 5701);
    both.put("PAYBRIDGE_CLUSTER_MEMBERS", "10.0.0.1:5701");
    assertThatThrownBy(() -> ClusterSettings.from(both))
        .hasMessageContaining(
            "PAYBRIDGE_CLUSTER_MEMBERS is for PAYBRIDGE_CLUSTER_DISCOVERY=tcp-ip");

    assertThatThrownBy(() -> ClusterSettings.from(Map.of("PAYBRIDGE_CLUSTER_DISCOVERY", "consul")))
        .hasMessageContaining("must be tcp-ip or kubernetes, was 'consul'");
  }

  @Test
  void productionRefusesAKubernetesClusterWithoutASecret() {
    Map<String, String> env = kubernetes("10.1.2.3", 5701);
    env.remove("PAYBRIDGE_CLUSTER_SECRET");
    env.put("PAYBRIDGE_MODE", "production");
    env.put("PAYBRIDGE_DB_URL", "postgresql://paybridge:secret@db.internal:5432/paybridge");
    env.put("PAYBRIDGE_MASTER_KEY", MasterKeys.generateSpec("k1"));
    env.put("PAYBRIDGE_PUBLIC_URL", "https://pay.example.com");

    assertThatThrownBy(
            () -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), ClusterSettings.from(env)))
        .hasMessageContaining("PAYBRIDGE_CLUSTER_SECRET must be set")
        .hasMessageContaining("PAYBRIDGE_CLUSTER_DISCOVERY=kubernetes");
  }

  @Test
  void membersBuiltForKubernetesFindEachOtherThroughTheServiceName() throws IOException {
    // GIVEN two members configured for Kubernetes discovery, whose "service" name is localhost: in
    // a cluster every pod listens on the same port at its own address; here both share loopback,
    // so the second looks up the first one's port
    int first = freePort();
    int second = freePort();
    String cluster = "discovery-" + UUID.randomUUID();
    Config one = named(ClusterSettings.from(dns(first)).hazelcast(), cluster);
    Config two = named(ClusterSettings.from(dns(second)).hazelcast(), cluster);
    two.getNetworkConfig()
        .getJoin()
        .getKubernetesConfig()
        .setProperty("service-port", String.valueOf(first));
    // (the first pod waits for company only as long as this test needs)
    one.setProperty("hazelcast.wait.seconds.before.join", "1");

    // WHEN both start
    HazelcastInstance a = Hazelcast.newHazelcastInstance(one);
    try {
      HazelcastInstance b = Hazelcast.newHazelcastInstance(two);
      try {
        // THEN the second joined the first through the name's DNS answer
        assertThat(a.getCluster().getMembers()).hasSize(2);
        assertThat(b.getCluster().getMembers()).hasSize(2);
      } finally {
        b.shutdown();
      }
    } finally {
      a.shutdown();
    }
  }

  private static Map<String, String> dns(int port) {
    Map<String, String> env = kubernetes("127.0.0.1", port);
    env.put("PAYBRIDGE_CLUSTER_SERVICE_DNS", "localhost");
    return env;
  }

  private static Config named(Config config, String cluster) {
    return config.setClusterName(cluster);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
