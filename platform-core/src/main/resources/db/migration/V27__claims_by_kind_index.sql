-- Every claimer reads the index of its own kind: the delivery dispatcher jobs_deliver_due (tenant,
-- run_at), the fan-out jobs_sync_due, the job workers jobs_other_due. The index of every kind's due
-- jobs by run_at alone served none of them any more, yet the planner could still pick it for the
-- dispatcher's scan of one tenant's due deliveries when the statistics were taken while those jobs
-- were parked (a backlog re-enabled after the last ANALYZE): each tenant's scan then walked the due
-- jobs of every tenant, some 75,000 buffer pages for a claim of 255. It also cost every job's
-- insert and every claim an index entry.
DROP INDEX jobs_due;
