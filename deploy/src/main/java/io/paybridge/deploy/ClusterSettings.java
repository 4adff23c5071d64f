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
 * How a node joins the cluster: a Hazelcast TCP/IP member list, or on Kubernetes the pods behind a
 * headless service found by DNS (no multicast, no cloud auto-detection, no phone-home), bound to
 * one interface, loopback by default. Neither means a single node without clustering.
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
 * @param serviceDns {@code PAYBRIDGE_CLUSTER_SERVICE_DNS} with {@code
 *     PAYBRIDGE_CLUSTER_DISCOVERY=kubernetes}: the headless service whose DNS name resolves to the
 *     addresses of every node's pod; {@code null} with a member list
 */
public record ClusterSettings(
    List<String> members, String host, int port, String name, String secret, String serviceDns) {

  public static final ClusterSettings NONE =
      new ClusterSettings(List.of(), "127.0.0.1", 5701, "paybridge", null, null);

  /** {@code PAYBRIDGE_CLUSTER_DISCOVERY}'s values: a member list, or Kubernetes' service DNS. */
  static final String TCP_IP = "tcp-ip";

  static final String KUBERNETES = "kubernetes";

  /** Seconds a DNS lookup of the headless service may take before the node tries again. */
  static final int SERVICE_DNS_TIMEOUT_SECONDS = 5;

  /**
   * Seconds a starting pod keeps looking up the service while it finds no other pod, before it
   * starts a cluster of its own: pods started together see each other by then. (Hazelcast's
   * discovery does not look at all within a wait of zero, which the member list can afford.)
   */
  static final int KUBERNETES_JOIN_WAIT_SECONDS = 5;

  /** Shortest cluster secret production accepts: 32 characters, as of 24 random bytes in base64. */
  static final int MIN_SECRET_LENGTH = 32;

  /**
   * The settings in the environment.
   *
   * @throws IllegalArgumentException for a port that is not a number, an unknown discovery, or
   *     Kubernetes discovery without its service's DNS name or beside a member list
   */
  public static ClusterSettings from(Map<String, String> env) {
    String members = env.getOrDefault("PAYBRIDGE_CLUSTER_MEMBERS", "").strip();
    String port = env.getOrDefault("PAYBRIDGE_CLUSTER_PORT", "5701").strip();
    String discovery = env.getOrDefault("PAYBRIDGE_CLUSTER_DISCOVERY", TCP_IP).strip();
    String serviceDns = env.getOrDefault("PAYBRIDGE_CLUSTER_SERVICE_DNS", "").strip();
    if (!discovery.equals(TCP_IP) && !discovery.equals(KUBERNETES)) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_DISCOVERY must be tcp-ip or kubernetes, was '" + discovery + "'");
    }
    if (discovery.equals(KUBERNETES) && serviceDns.isEmpty()) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_DISCOVERY=kubernetes needs PAYBRIDGE_CLUSTER_SERVICE_DNS, the DNS name"
              + " of the nodes' headless service");
    }
    if (discovery.equals(KUBERNETES) && !members.isEmpty()) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_MEMBERS is for PAYBRIDGE_CLUSTER_DISCOVERY=tcp-ip; with kubernetes the"
              + " members are the pods behind PAYBRIDGE_CLUSTER_SERVICE_DNS");
    }
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
          secret(env.get("PAYBRIDGE_CLUSTER_SECRET")),
          discovery.equals(KUBERNETES) ? serviceDns : null);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CLUSTER_PORT must be a port number, was '" + port + "'");
    }
  }

  public boolean clustered() {
    return !members.isEmpty() || serviceDns != null;
  }

  /** Why these settings may not run in production, one sentence each; empty when they may. */
  List<String> productionRefusals() {
    if (!clustered()) {
      return List.of();
    }
    if (secret == null) {
      return List.of(
          "PAYBRIDGE_CLUSTER_SECRET must be set when PAYBRIDGE_CLUSTER_MEMBERS or"
              + " PAYBRIDGE_CLUSTER_DISCOVERY=kubernetes is: an unsecured cluster lets any host that"
              + " reaches its port join");
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
        + (serviceDns == null ? "" : ", serviceDns=" + serviceDns)
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

  /**
   * Vert.x's Hazelcast defaults (its maps and locks), with the network pinned as configured: the
   * member list over TCP/IP, or Hazelcast's own Kubernetes discovery in its DNS mode, which reads
   * the headless service's addresses and needs no access to the Kubernetes API.
   */
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
    if (serviceDns == null) {
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    } else {
      join.getTcpIpConfig().setEnabled(false);
      config.setProperty(
          "hazelcast.wait.seconds.before.join", String.valueOf(KUBERNETES_JOIN_WAIT_SECONDS));
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", serviceDns)
          .setProperty("service-dns-timeout", String.valueOf(SERVICE_DNS_TIMEOUT_SECONDS))
          .setProperty("service-port", String.valueOf(port));
    }
    return config;
  }
}
