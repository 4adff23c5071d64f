package io.paybridge.deploy;

import static io.paybridge.deploy.DeployFiles.list;
import static io.paybridge.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.metrics.BacklogGauges;
import io.paybridge.core.metrics.PlatformMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules parse, hold PromQL-shaped queries, and name
 * only metrics (and label values) the platform's own meters register; {@code MetricsCatalogueIT}
 * holds them against a running node's whole {@code /metrics}, Vert.x's and the JVM's included.
 */
class ObservabilityFilesTest {

  /** Series Prometheus makes itself, not the nodes. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Pattern SERIES =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ", Pattern.MULTILINE);
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static JsonObject dashboard() {
    return new JsonObject(DeployFiles.text("grafana/paybridge.json"));
  }

  /** Every query of the dashboard's panels. */
  static List<String> dashboardQueries() {
    List<String> out = new ArrayList<>();
    for (Object p : dashboard().getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      if (!panel.getString("type").equals("row")) {
        JsonArray targets = panel.getJsonArray("targets");
        assertThat(targets).as("panel %s has queries", panel.getString("title")).isNotEmpty();
        targets.forEach(t -> out.add(((JsonObject) t).getString("expr")));
      }
    }
    return out;
  }

  static List<Map<String, Object>> alertRules() {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object g : list(DeployFiles.yaml("prometheus/alerts.yaml").get("groups"), "groups")) {
      Map<String, Object> group = map(g, "group");
      assertThat(group.get("name")).isNotNull();
      list(group.get("rules"), "rules").forEach(r -> rules.add(map(r, "rule")));
    }
    return rules;
  }

  static List<String> allQueries() {
    List<String> out = new ArrayList<>(dashboardQueries());
    alertRules().forEach(r -> out.add(String.valueOf(r.get("expr"))));
    return out;
  }

  /**
   * Holds every metric the files name, and every label value they match exactly, against a scrape.
   *
   * @param everyAlternative whether each alternative of a {@code =~"a|b"} matcher must exist too
   *     (counters a node registers only once something happened need not, in a short run)
   */
  static void assertExported(String scrape, Set<String> prefixes, boolean everyAlternative) {
    Map<String, Set<String>> labelsByMetric = new java.util.HashMap<>();
    Matcher m = SERIES.matcher(scrape);
    while (m.find()) {
      Set<String> labels = labelsByMetric.computeIfAbsent(m.group(1), k -> new HashSet<>());
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.add(l.group(1) + "=" + l.group(2));
        }
      }
    }
    PromQl.metrics(allQueries())
        .forEach(
            (metric, matchers) -> {
              if (PROMETHEUS_OWN.contains(metric)
                  || prefixes.stream().noneMatch(metric::startsWith)) {
                return;
              }
              assertThat(labelsByMetric).as("metric %s is exported", metric).containsKey(metric);
              Set<String> labels = labelsByMetric.get(metric);
              for (PromQl.LabelMatcher matcher : matchers) {
                if (matcher.op().equals("=")) {
                  assertThat(labels)
                      .as("%s{%s}", metric, matcher)
                      .contains(matcher.label() + "=" + matcher.value());
                } else if (matcher.op().equals("=~")) {
                  List<String> values =
                      List.of(matcher.value().split("\\|")).stream()
                          .map(v -> matcher.label() + "=" + v)
                          .toList();
                  if (everyAlternative) {
                    assertThat(labels).as("%s{%s}", metric, matcher).containsAll(values);
                  } else {
                    assertThat(labels).as("%s{%s}", metric, matcher).containsAnyElementsOf(values);
                  }
                }
              }
            });
  }

  @Test
  void theDashboardIsAGrafanaDashboardOfPrometheusQueries() {
    JsonObject dashboard = dashboard();
    assertThat(dashboard.getString("uid")).isEqualTo("paybridge");
    assertThat(dashboard.getInteger("schemaVersion")).isGreaterThanOrEqualTo(36);
    Set<Integer> ids = new HashSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      assertThat(ids.add(panel.getInteger("id"))).as("panel ids are unique").isTrue();
      JsonObject grid = panel.getJsonObject("gridPos");
      assertThat(grid.getInteger("x") + grid.getInteger("w")).isLessThanOrEqualTo(24);
      if (!panel.getString("type").equals("row")) {
        assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
      }
    }
    for (String query : dashboardQueries()) {
      PromQl.selectors(query);
    }
    String titles = dashboard.getJsonArray("panels").encode();
    assertThat(titles)
        .contains(
            "Webhooks by outcome",
            "Ingest latency",
            "Rejected",
            "Held receipts",
            "Sync backlog",
            "Sync backlog age",
            "Job retries",
            "DB pool waits");
  }

  @Test
  void theAlertRulesAreRulesWithPromQlExpressions() {
    Set<String> names = new HashSet<>();
    for (Map<String, Object> rule : alertRules()) {
      String name = String.valueOf(rule.get("alert"));
      assertThat(names.add(name)).as("alert %s is unique", name).isTrue();
      assertThat(name).matches("Paybridge[A-Za-z]+");
      PromQl.selectors(String.valueOf(rule.get("expr")));
      if (rule.containsKey("for")) {
        assertThat(String.valueOf(rule.get("for"))).matches("\\d+[smh]");
      }
      assertThat(map(rule.get("labels"), "labels").get("severity"))
          .isIn("critical", "warning", "info");
      assertThat(map(rule.get("annotations"), "annotations")).containsKey("summary");
    }
    assertThat(String.join("\n", allQueries()))
        .contains(
            "paybridge_webhooks_total",
            "paybridge_receipts_held",
            "paybridge_jobs_backlog_age_seconds",
            "paybridge_jobs_attempts_total",
            "vertx_pool_queue_pending",
            "paybridge_ingest_latency_seconds");
  }

  @Test
  void theShapeCheckRefusesWhatIsNotPromQl() {
    for (String bad :
        List.of(
            "sum(rate(paybridge_webhooks_total[5m])",
            "rate(paybridge_webhooks_total[5 minutes])",
            "paybridge_webhooks_total{outcome=recorded}",
            "sum(rat(paybridge_webhooks_total[5m]))",
            "paybridge_receipts_held >",
            "{outcome=\"x\"}")) {
      assertThatThrownBy(() -> PromQl.selectors(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(
            PromQl.selectors("max by (kind) (paybridge_jobs_backlog{kind=~\"sync|deliver\"}) > 3"))
        .singleElement()
        .satisfies(s -> assertThat(s.metric()).isEqualTo("paybridge_jobs_backlog"));
  }

  @Test
  void everyPaybridgeMetricTheFilesNameIsOneThePlatformRegisters() {
    // GIVEN the platform's own meters as a node registers them (no database needed to name them)
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PlatformMetrics metrics = new PlatformMetrics(registry);
    List<String> kinds = List.of("deliver", "sync", "renewal");
    metrics.jobKinds(kinds, JobWorker.OUTCOMES);
    for (PlatformMetrics.WebhookOutcome outcome : PlatformMetrics.WebhookOutcome.values()) {
      metrics.webhook("stripe", outcome);
    }
    metrics.statement(1, 1_000);
    metrics.recorded(1_000);
    new BacklogGauges(null, registry, kinds, Duration.ofMinutes(1));

    // THEN every paybridge_* name and label value the files use is among them
    assertExported(registry.scrape(), Set.of("paybridge_"), true);
  }
}
