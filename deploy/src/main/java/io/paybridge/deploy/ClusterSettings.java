package io.paybridge.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
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
 */
public record ClusterSettings(List<String> members, String host, int port, String name) {

  public static final ClusterSettings NONE =
      new ClusterSettings(List.of(), "127.0.0.1", 5701, "paybridge");

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
          env.getOrDefault("PAYBRIDGE_CLUSTER_NAME", "paybridge").strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_PORT must be a port number, was '" + port + "'");
    }
  }

  public boolean clustered() {
    return !members.isEmpty();
  }

  /** Vert.x's Hazelcast defaults (its maps and locks), with the network pinned as configured. */
  Config hazelcast() {
    System.setProperty("hazelcast.logging.type", "jdk");
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
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
