package io.paybridge.core.job;

import io.vertx.core.Future;

/** Does one kind of job. Must be idempotent: a job may run again after a lost lease. */
@FunctionalInterface
public interface JobHandler {

  /** Runs the job; the result says whether it is done, to retry, dead or parked. */
  Future<JobResult> handle(Job job);
}
