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
  private final Map<String, Counter> jobAttempts = new ConcurrentHashMap<>();
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
    webhookCounter(gateway, outcome).increment();
  }

  /**
   * Registers the webhook counters of the installed gateways at zero for every outcome (and those
   * of requests that named no account), so an alert on an outcome that never happened yet, a 503
   * say, has a series to watch.
   */
  public void gateways(Iterable<String> ids) {
    for (String id : ids) {
      for (WebhookOutcome outcome : WebhookOutcome.values()) {
        webhookCounter(id, outcome);
      }
    }
    webhookCounter(UNKNOWN_GATEWAY, WebhookOutcome.NOT_FOUND);
    webhookCounter(UNKNOWN_GATEWAY, WebhookOutcome.UNAVAILABLE);
  }

  private Counter webhookCounter(String gateway, WebhookOutcome outcome) {
    return webhookCounters.computeIfAbsent(
        gateway + "/" + outcome.label(),
        k ->
            Counter.builder("paybridge.webhooks")
                .description("Webhook deliveries by gateway and outcome")
                .tag(TAG_GATEWAY, gateway)
                .tag(TAG_OUTCOME, outcome.label())
                .register(registry));
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
    lateAttemptCounter(jobKind).increment();
  }

  private Counter lateAttemptCounter(String jobKind) {
    return lateAttempts.computeIfAbsent(
        jobKind,
        k ->
            Counter.builder("paybridge.jobs.late.attempts")
                .description("Job attempts whose writes came too late and changed nothing")
                .tag(TAG_KIND, k)
                .register(registry));
  }

  /**
   * Registers the job attempt counters of these kinds at zero for every outcome, and their late
   * attempts, so a rate over them means something from the first retry on.
   */
  public void jobKinds(Iterable<String> kinds, Iterable<String> outcomes) {
    for (String kind : kinds) {
      lateAttemptCounter(kind);
      for (String outcome : outcomes) {
        jobAttemptCounter(kind, outcome);
      }
    }
  }

  /**
   * One job attempt ended with this outcome ({@link io.paybridge.core.job.JobWorker.Outcomes}): its
   * retries and dead jobs are what an operator watches.
   */
  public void jobAttempt(String kind, String outcome) {
    jobAttemptCounter(kind, outcome).increment();
  }

  private Counter jobAttemptCounter(String kind, String outcome) {
    return jobAttempts.computeIfAbsent(
        kind + "/" + outcome,
        k ->
            Counter.builder("paybridge.jobs.attempts")
                .description("Job attempts by job kind and how they ended")
                .tag(TAG_KIND, kind)
                .tag(TAG_OUTCOME, outcome)
                .register(registry));
  }

  public void recorded(long nanos) {
    recordLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
