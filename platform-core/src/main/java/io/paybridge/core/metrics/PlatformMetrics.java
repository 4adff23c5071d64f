package io.paybridge.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform's own meters. Labels are low-cardinality only: a gateway id (from the installed
 * plugins, never from the request), an outcome and a job kind. Tenant ids, URLs and users never
 * become labels.
 */
public final class PlatformMetrics {

  /** Tag names, in one place. */
  public static final String TAG_GATEWAY = "gateway";

  public static final String TAG_OUTCOME = "outcome";

  public static final String TAG_KIND = "kind";

  /** Gateway label for requests that named no installed gateway. */
  public static final String UNKNOWN_GATEWAY = "unknown";

  /** What happened to a webhook delivery. */
  public enum WebhookOutcome {
    RECORDED,
    DUPLICATE,
    IGNORED,
    HELD,
    REJECTED,
    MALFORMED,
    NOT_FOUND,
    UNAVAILABLE,
    FAILED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<String, Counter> webhookCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> lateAttempts = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer recordLatency;
  private final Timer statementTime;

  public PlatformMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.batchSize =
        DistributionSummary.builder("paybridge.ingest.batch.size")
            .description("Webhooks recorded per database statement (group commit)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.recordLatency =
        Timer.builder("paybridge.ingest.latency")
            .description("Time from receiving a webhook to answering it, for recorded webhooks")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.statementTime =
        Timer.builder("paybridge.ingest.statement")
            .description("Time of one group-commit statement, from sending it to its commit")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void webhook(String gateway, WebhookOutcome outcome) {
    webhookCounters
        .computeIfAbsent(
            gateway + "/" + outcome.label(),
            k ->
                Counter.builder("paybridge.webhooks")
                    .description("Webhook deliveries by gateway and outcome")
                    .tag(TAG_GATEWAY, gateway)
                    .tag(TAG_OUTCOME, outcome.label())
                    .register(registry))
        .increment();
  }

  /** One group-commit statement: the webhooks it recorded and how long it took. */
  public void statement(int webhooks, long nanos) {
    batchSize.record(webhooks);
    statementTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * An attempt of a job of this kind that came too late to change anything: its job's claim had
   * passed to another worker (the attempt outlived its timeout), or its work was already done. Its
   * writes were fenced off.
   */
  public void lateAttempt(String jobKind) {
    lateAttempts
        .computeIfAbsent(
            jobKind,
            k ->
                Counter.builder("paybridge.jobs.late.attempts")
                    .description("Job attempts whose writes came too late and changed nothing")
                    .tag(TAG_KIND, k)
                    .register(registry))
        .increment();
  }

  public void recorded(long nanos) {
    recordLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
