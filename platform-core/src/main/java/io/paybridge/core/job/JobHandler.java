package io.paybridge.core.job;

import io.vertx.core.Future;

/**
 * Does one kind of job. Must be idempotent: a job may run again after a lost lease, and an attempt
 * cut off by its timeout may still be running when it does. A write fenced by the job's claim
 * ({@link JobQueue#WITH_CLAIM}) changes nothing once the claim is lost.
 */
@FunctionalInterface
public interface JobHandler {

  /** Runs the job; the result says whether it is done, to retry, dead or parked. */
  Future<JobResult> handle(Job job);
}
