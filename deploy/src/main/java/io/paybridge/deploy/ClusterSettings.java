package io.paybridge.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a node joins the cluster: a Hazelcast TCP/IP member list (no multicast, no cloud
 * auto-detection, no phone-home), bound to one interface, loopback by default. Absent member list
 * means a single node without clustering.
 *
 * @param members {@code PAYBRIDGE_CLUSTER_MEMBERS}: {@code host:port,host:port}; empty → not
 *     clustered
 * @param host {@code PAYBRIDGE_CLUSTER_HOST}: the interface Hazelcast and the event bus bind
 * @param port {@code PAYBRIDGE_CLUSTER_PORT}: this node's Hazelcast port
 * @param name {@code PAYBRIDGE_CLUSTER_NAME}: nodes join only a cluster of the same name
 * @param secret {@code PAYBRIDGE_CLUSTER_SECRET}: the secret only the members know, from which they
 *     derive the Hazelcast cluster name and the event bus's TLS key ({@link ClusterSecret});
 *     production refuses a cluster without one. Hazelcast's own traffic is not encrypted, so the
 *     cluster port must still be reachable from the nodes only
 */
public record ClusterSettings(
    List<String> members, String host, int port, String name, String secret) {

  public static final ClusterSettings NONE =
      new ClusterSettings(List.of(), "127.0.0.1", 5701, "paybridge", null);

  /** Shortest cluster secret production accepts: 32 characters, as of 24 random bytes in base64. */
  static final int MIN_SECRET_LENGTH = 32;

  public static ClusterSettings from(Map<String, String> env) {
    String members = env.getOrDefault("PAYBRIDGE_CLUSTER_MEMBERS", "").strip();
    String port = env.getOrDefault("PAYBRIDGE_CLUSTER_PORT", "5701").strip();
    try {
      return new ClusterSettings(
          members.isEmpty()
              ? List.of()
              : Arrays.stream(members.split(","))
                  .map(String::strip)
                  .filter(m -> !m.isEmpty())
                  .toList(),
          env.getOrDefault("PAYBRIDGE_CLUSTER_HOST", "127.0.0.1").strip(),
          Integer.parseInt(port),
          env.getOrDefault("PAYBRIDGE_CLUSTER_NAME", "paybridge").strip(),
          secret(env.get("PAYBRIDGE_CLUSTER_SECRET")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_PORT must be a port number, was '" + port + "'");
    }
  }

  public boolean clustered() {
    return !members.isEmpty();
  }

  /** Why these settings may not run in production, one sentence each; empty when they may. */
  List<String> productionRefusals() {
    if (!clustered()) {
      return List.of();
    }
    if (secret == null) {
      return List.of(
          "PAYBRIDGE_CLUSTER_SECRET must be set when PAYBRIDGE_CLUSTER_MEMBERS is: an unsecured"
              + " cluster lets any host that reaches its port join");
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      return List.of(
          "PAYBRIDGE_CLUSTER_SECRET must be at least " + MIN_SECRET_LENGTH + " characters long");
    }
    return List.of();
  }

  private static String secret(String setting) {
    return setting == null || setting.isBlank() ? null : setting.strip();
  }

  /** The settings without the secret. */
  @Override
  public String toString() {
    return "ClusterSettings[members="
        + members
        + ", host="
        + host
        + ", port="
        + port
        + ", name="
        + name
        + ", secret="
        + (secret == null ? "none" : "set")
        + "]";
  }

  /**
   * The event bus's settings: bound to the cluster interface and, with a secret, on TLS both ways
   * with the cluster's own key.
   */
  void eventBus(EventBusOptions options) {
    options.setHost(host).setClusterPublicHost(host);
    if (secret != null) {
      new ClusterSecret(secret).secure(options);
    }
  }

  /** Vert.x's Hazelcast defaults (its maps and locks), with the network pinned as configured. */
  Config hazelcast() {
    System.setProperty("hazelcast.logging.type", "jdk");
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(secret == null ? name : new ClusterSecret(secret).clusterName(name));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    network.setPublicAddress(host + ":" + port);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }
}
