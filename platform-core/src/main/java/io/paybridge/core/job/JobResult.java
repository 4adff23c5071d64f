package io.paybridge.core.job;

import java.time.Duration;

/** What a job handler decided. */
public sealed interface JobResult {

  /** The work is done; the job is removed. */
  record Done() implements JobResult {}

  /** Try again after the given delay (the handler's own, or the queue's backoff when null). */
  record Retry(Duration after, String error) implements JobResult {}

  /** Give up: the job stays as dead, with the error, for an operator or a replay. */
  record Dead(String error) implements JobResult {}

  /**
   * Wait until something wakes it (a re-enabled sync target); kept as parked.
   *
   * @param wakeIf a SQL condition on the job's row ({@code jobs}), evaluated in the statement that
   *     parks the job, under which it is made due instead: what the attempt saw may have changed
   *     since (the handler locks whatever it reads, so that a change being committed is waited
   *     for); {@code null} for none
   */
  record Parked(String reason, String wakeIf) implements JobResult {
    public Parked(String reason) {
      this(reason, null);
    }
  }

  public static JobResult done() {
    return new Done();
  }

  public static JobResult retry(String error) {
    return new Retry(null, error);
  }

  /** The outcome's name in metrics and logs: done, retry, parked or dead. */
  default String label() {
    if (this instanceof Done) {
      return "done";
    }
    if (this instanceof Retry) {
      return "retry";
    }
    if (this instanceof Parked) {
      return "parked";
    }
    return "dead";
  }
}
