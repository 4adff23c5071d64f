package io.paybridge.deploy;

import static io.paybridge.deploy.DeployFiles.env;
import static io.paybridge.deploy.DeployFiles.list;
import static io.paybridge.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.paybridge.core.config.PaybridgeConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose.yaml} as compose reads it with no variable set: three nodes of the image
 * the Dockerfile builds, in production mode with settings production accepts, finding each other by
 * their member list at their fixed addresses; PostgreSQL; Prometheus scraping each node's
 * management port; Grafana provisioned with the dashboard and the data source.
 */
class ComposeFileTest {

  private static final List<String> NODES = List.of("node1", "node2", "node3");

  private final Map<String, Object> compose = DeployFiles.composeYaml("compose.yaml");
  private final Map<String, Object> services = map(compose.get("services"), "services");

  private Map<String, Object> service(String name) {
    return map(services.get(name), "service " + name);
  }

  private String address(String name) {
    Map<String, Object> networks = map(service(name).get("networks"), name + ".networks");
    return String.valueOf(map(networks.get("paybridge"), name).get("ipv4_address"));
  }

  @Test
  void everyPartIsThere() {
    assertThat(services.keySet())
        .contains("postgres", "master-key", "prometheus", "grafana")
        .containsAll(NODES);
  }

  @Test
  void theNodesRunTheImageInProductionModeWithSettingsProductionAccepts() {
    List<String> members = new ArrayList<>();
    for (String node : NODES) {
      Map<String, Object> s = service(node);
      assertThat(s.get("image")).isEqualTo("paybridge:local");
      Map<String, Object> build = map(s.get("build"), node + ".build");
      assertThat(build.get("dockerfile")).isEqualTo("deploy/Dockerfile");
      assertThat(
              DeployFiles.DEPLOY
                  .resolve(String.valueOf(build.get("context")))
                  .resolve(String.valueOf(build.get("dockerfile"))))
          .exists();
      assertThat(s.get("read_only")).isEqualTo(true);
      assertThat(list(s.get("tmpfs"), node + ".tmpfs")).contains("/tmp");

      Map<String, String> env = env(s.get("environment"), node + ".environment");
      assertThat(env)
          .containsEntry("PAYBRIDGE_MODE", "production")
          .containsEntry("PAYBRIDGE_HTTP_PORT", "8080")
          .containsEntry("PAYBRIDGE_METRICS_PORT", "9464")
          .containsEntry("PAYBRIDGE_CLUSTER_PORT", "5701")
          .containsEntry("PAYBRIDGE_NODE_NAME", node)
          .containsEntry("PAYBRIDGE_CLUSTER_HOST", address(node))
          .doesNotContainKey("PAYBRIDGE_MASTER_KEY");
      assertThat(env.get("PAYBRIDGE_DB_URL"))
          .startsWith("postgresql://")
          .contains("@postgres:5432/");
      assertThat(env.get("PAYBRIDGE_MASTER_KEY_FILE")).startsWith("/run/paybridge-keys/");
      assertThat(list(s.get("volumes"), node + ".volumes"))
          .contains("master-key:/run/paybridge-keys:ro");
      assertThat(list(s.get("ports"), node + ".ports"))
          .singleElement()
          .asString()
          .startsWith("127.0.0.1:")
          .endsWith(":8080");

      // AND production's own rules take these settings, and the cluster they describe
      ClusterSettings cluster = ClusterSettings.from(env);
      assertThat(cluster.clustered()).isTrue();
      assertThat(cluster.host()).isEqualTo(address(node));
      assertThatCode(() -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), cluster))
          .doesNotThrowAnyException();
      members.add(address(node) + ":5701");
    }
    for (String node : NODES) {
      assertThat(ClusterSettings.from(env(service(node).get("environment"), node)).members())
          .as("every node lists every node")
          .containsExactlyInAnyOrderElementsOf(members);
    }
  }

  @Test
  void theMasterKeyIsMadeOnceReadableByTheNodesUserOnly() {
    Map<String, Object> keygen = service("master-key");
    String script =
        String.join(
            " ", list(keygen.get("command"), "command").stream().map(String::valueOf).toList());
    assertThat(script)
        .contains("test -s /keys/master.key ||")
        .contains("head -c 32 /dev/urandom | base64")
        .contains("chown 10001:10001")
        .contains("chmod 0400");
    assertThat(DeployFiles.text("Dockerfile")).contains("--uid 10001");
    for (String node : NODES) {
      Map<String, Object> dependsOn = map(service(node).get("depends_on"), node + ".depends_on");
      assertThat(map(dependsOn.get("master-key"), "master-key").get("condition"))
          .isEqualTo("service_completed_successfully");
      assertThat(map(dependsOn.get("postgres"), "postgres").get("condition"))
          .isEqualTo("service_healthy");
    }
  }

  @Test
  void prometheusScrapesEveryNodesManagementPortAndLoadsTheAlerts() {
    Map<String, Object> prometheus = service("prometheus");
    List<Object> mounts = list(prometheus.get("volumes"), "prometheus.volumes");
    assertThat(mounts)
        .contains(
            "./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
            "./prometheus/alerts.yaml:/etc/prometheus/alerts.yaml:ro");
    Map<String, Object> config = DeployFiles.yaml("prometheus/prometheus.yml");
    assertThat(list(config.get("rule_files"), "rule_files"))
        .contains("/etc/prometheus/alerts.yaml");
    Map<String, Object> job =
        map(list(config.get("scrape_configs"), "scrape_configs").get(0), "job");
    assertThat(job.get("job_name")).isEqualTo("paybridge");
    assertThat(job.get("metrics_path")).isEqualTo("/metrics");
    Map<String, Object> targets =
        map(list(job.get("static_configs"), "static_configs").get(0), "static_configs");
    assertThat(list(targets.get("targets"), "targets"))
        .containsExactlyInAnyOrderElementsOf(NODES.stream().map(n -> n + ":9464").toList());
    for (String node : NODES) {
      assertThat(service(node).get("hostname")).isEqualTo(node);
    }
  }

  @Test
  void grafanaIsProvisionedWithTheDashboardAndPrometheus() {
    Map<String, Object> grafana = service("grafana");
    List<Object> mounts = list(grafana.get("volumes"), "grafana.volumes");
    assertThat(mounts)
        .contains(
            "./grafana/provisioning:/etc/grafana/provisioning:ro",
            "./grafana/paybridge.json:/var/lib/grafana/dashboards/paybridge.json:ro");
    Map<String, Object> datasource =
        map(
            list(
                    DeployFiles.yaml("grafana/provisioning/datasources/prometheus.yaml")
                        .get("datasources"),
                    "ds")
                .get(0),
            "datasource");
    assertThat(datasource)
        .containsEntry("type", "prometheus")
        .containsEntry("url", "http://prometheus:9090");
    Map<String, Object> provider =
        map(
            list(
                    DeployFiles.yaml("grafana/provisioning/dashboards/paybridge.yaml")
                        .get("providers"),
                    "providers")
                .get(0),
            "provider");
    assertThat(map(provider.get("options"), "options").get("path"))
        .isEqualTo("/var/lib/grafana/dashboards");
    for (Object mount : mounts) {
      String source = String.valueOf(mount).split(":")[0];
      if (source.startsWith("./")) {
        assertThat(Files.exists(DeployFiles.path(source))).as(source).isTrue();
      }
    }
  }
}
