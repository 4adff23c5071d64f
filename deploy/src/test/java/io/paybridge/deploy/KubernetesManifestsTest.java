package io.paybridge.deploy;

import static io.paybridge.deploy.DeployFiles.list;
import static io.paybridge.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.vault.MasterKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s/}: every object is valid against Kubernetes' own schemas (the models the
 * official Java client generates from the API's OpenAPI document refuse unknown fields, missing
 * required ones and wrong types), and together they make a deployment a platform team accepts:
 * probes on the health checks, requests and limits, a non-root read-only container, a headless
 * service for Hazelcast's discovery that the nodes' settings name, a disruption budget, the master
 * key in a Secret.
 */
class KubernetesManifestsTest {

  /** The Kubernetes object schemas by apiVersion and kind. */
  private static final Map<String, String> MODELS =
      Map.of(
          "v1/Namespace", "V1Namespace",
          "v1/ConfigMap", "V1ConfigMap",
          "v1/Secret", "V1Secret",
          "v1/Service", "V1Service",
          "apps/v1/Deployment", "V1Deployment",
          "policy/v1/PodDisruptionBudget", "V1PodDisruptionBudget");

  private static List<Map<String, Object>> objects() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DeployFiles.path("k8s"))) {
      for (Path f : files.sorted().toList()) {
        if (!f.getFileName().toString().equals("kustomization.yaml")) {
          out.addAll(DeployFiles.yamlDocuments("k8s/" + f.getFileName()));
        }
      }
    }
    return out;
  }

  private static Map<String, Object> object(String kind, String name) throws IOException {
    return objects().stream()
        .filter(o -> o.get("kind").equals(kind))
        .filter(o -> map(o.get("metadata"), kind).get("name").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** Checks one object against its Kubernetes schema. */
  static void validate(Map<String, Object> object) throws Exception {
    validate(object.get("apiVersion") + "/" + object.get("kind"), new Gson().toJson(object));
  }

  private static void validate(String key, String json) throws Exception {
    String model = MODELS.get(key);
    if (model == null) {
      throw new AssertionError("no schema known for " + key);
    }
    Class<?> type = Class.forName("io.kubernetes.client.openapi.models." + model);
    try {
      type.getMethod("fromJson", String.class).invoke(null, json);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalArgumentException(key + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Test
  void everyObjectIsValidAgainstKubernetesSchemas() throws Exception {
    List<Map<String, Object>> objects = objects();
    assertThat(objects)
        .extracting(o -> o.get("kind"))
        .contains("Deployment", "Service", "PodDisruptionBudget", "Secret", "ConfigMap");
    for (Map<String, Object> o : objects) {
      assertThatCode(() -> validate(o)).as("%s", o.get("kind")).doesNotThrowAnyException();
      assertThat(map(o.get("metadata"), "metadata").get("namespace")).isIn("paybridge", null);
    }
  }

  @Test
  void theSchemasRefuseWhatKubernetesWould() throws Exception {
    // a typo, a number that is not one, a missing required field: the check is not a formality
    Map<String, Object> deployment = object("Deployment", "paybridge");
    String json = new Gson().toJson(deployment);
    for (String broken :
        List.of(
            json.replace("\"readinessProbe\"", "\"readynessProbe\""),
            json.replace("\"containerPort\":8080", "\"containerPort\":\"eighty\""),
            json.replace("\"name\":\"paybridge\",\"image\"", "\"image\""))) {
      assertThat(broken).isNotEqualTo(json);
      assertThatThrownBy(() -> validate("apps/v1/Deployment", broken))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatCode(() -> validate("apps/v1/Deployment", json)).doesNotThrowAnyException();
  }

  @Test
  void theDeploymentProbesHealthAndRunsUnprivilegedWithinLimits() throws Exception {
    Map<String, Object> spec = map(object("Deployment", "paybridge").get("spec"), "spec");
    assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(3);
    Map<String, Object> pod = map(map(spec.get("template"), "template").get("spec"), "pod");
    Map<String, Object> podSecurity = map(pod.get("securityContext"), "securityContext");
    assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
    Map<String, Object> container =
        map(list(pod.get("containers"), "containers").get(0), "container");

    assertThat(path(container, "readinessProbe")).isEqualTo("/health/ready");
    assertThat(path(container, "livenessProbe")).isEqualTo("/health/live");
    assertThat(path(container, "startupProbe")).startsWith("/health");
    Map<String, Object> resources = map(container.get("resources"), "resources");
    assertThat(map(resources.get("requests"), "requests")).containsKeys("cpu", "memory");
    assertThat(map(resources.get("limits"), "limits")).containsKeys("cpu", "memory");
    Map<String, Object> security = map(container.get("securityContext"), "securityContext");
    assertThat(security)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false);
    assertThat(list(map(security.get("capabilities"), "capabilities").get("drop"), "drop"))
        .contains("ALL");
    // a read-only root needs /tmp of its own
    assertThat(list(container.get("volumeMounts"), "mounts"))
        .anySatisfy(m -> assertThat(map(m, "mount").get("mountPath")).isEqualTo("/tmp"));
    assertThat(list(container.get("ports"), "ports"))
        .extracting(p -> map(p, "port").get("containerPort"))
        .containsExactlyInAnyOrder(8080, 9464, 5701);
    Map<String, Object> annotations =
        map(
            map(map(spec.get("template"), "template").get("metadata"), "meta").get("annotations"),
            "annotations");
    assertThat(annotations).containsEntry("prometheus.io/port", "9464");
  }

  @Test
  void theNodesSettingsAreOnesProductionAcceptsAndFindTheHeadlessService() throws Exception {
    Map<String, Object> headless = map(object("Service", "paybridge-cluster").get("spec"), "spec");
    assertThat(headless)
        .containsEntry("clusterIP", "None")
        .containsEntry("publishNotReadyAddresses", true);
    assertThat(list(headless.get("ports"), "ports"))
        .extracting(p -> map(p, "port").get("port"))
        .containsExactly(5701);

    Map<String, String> env =
        new HashMap<>(DeployFiles.env(object("ConfigMap", "paybridge").get("data"), "data"));
    assertThat(env.get("PAYBRIDGE_CLUSTER_SERVICE_DNS"))
        .isEqualTo("paybridge-cluster.paybridge.svc.cluster.local");
    // what the Deployment adds from the Secret and the downward API
    env.put("PAYBRIDGE_CLUSTER_HOST", "10.1.2.3");
    env.put("PAYBRIDGE_DB_URL", "postgresql://paybridge:x@postgres.internal:5432/paybridge");
    env.put("PAYBRIDGE_CLUSTER_SECRET", "s".repeat(ClusterSettings.MIN_SECRET_LENGTH));
    ClusterSettings cluster = ClusterSettings.from(env);
    assertThat(cluster.serviceDns()).isEqualTo(env.get("PAYBRIDGE_CLUSTER_SERVICE_DNS"));
    assertThat(cluster.hazelcast().getNetworkConfig().getJoin().getKubernetesConfig().isEnabled())
        .isTrue();
    assertThatCode(() -> ModeRules.refuseUnsafe(PaybridgeConfig.from(env), cluster))
        .doesNotThrowAnyException();
    assertThat(env.get("PAYBRIDGE_MASTER_KEY_FILE")).startsWith("/run/paybridge-keys/");

    String deployment = new Gson().toJson(object("Deployment", "paybridge"));
    assertThat(deployment)
        .contains(
            "\"name\":\"PAYBRIDGE_CLUSTER_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.podIP\"}}")
        .contains("\"key\":\"db-url\"")
        .contains("\"key\":\"cluster-secret\"")
        .contains("\"mountPath\":\"/run/paybridge-keys\"");
    Map<String, Object> secret = map(object("Secret", "paybridge").get("stringData"), "stringData");
    assertThat(secret).containsKeys("master-key", "db-url", "cluster-secret");
    // the placeholder is no key: a node given it refuses to start
    assertThatThrownBy(() -> MasterKeys.parse(String.valueOf(secret.get("master-key"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void selectorsMatchThePodsAndTheKustomizationListsEveryFile() throws Exception {
    Map<String, Object> podLabels =
        map(
            map(
                    map(
                            map(object("Deployment", "paybridge").get("spec"), "s").get("template"),
                            "t")
                        .get("metadata"),
                    "m")
                .get("labels"),
            "labels");
    for (String service : List.of("paybridge", "paybridge-cluster")) {
      assertThat(podLabels)
          .containsAllEntriesOf(
              map(map(object("Service", service).get("spec"), "spec").get("selector"), "selector"));
    }
    Map<String, Object> pdb = map(object("PodDisruptionBudget", "paybridge").get("spec"), "spec");
    assertThat(podLabels)
        .containsAllEntriesOf(
            map(map(pdb.get("selector"), "selector").get("matchLabels"), "matchLabels"));
    assertThat(pdb).containsEntry("maxUnavailable", 1);

    List<String> files;
    try (Stream<Path> list = Files.list(DeployFiles.path("k8s"))) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> !n.equals("kustomization.yaml"))
              .toList();
    }
    assertThat(list(DeployFiles.yaml("k8s/kustomization.yaml").get("resources"), "resources"))
        .containsExactlyInAnyOrderElementsOf(files);
  }

  private static String path(Map<String, Object> container, String probe) {
    return String.valueOf(
        map(map(container.get(probe), probe).get("httpGet"), "httpGet").get("path"));
  }
}
