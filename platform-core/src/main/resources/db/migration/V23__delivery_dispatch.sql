-- The delivery dispatcher claims due deliver jobs tenant by tenant (a few per tenant per claim, so
-- one tenant's backlog does not hold the others behind it): it walks the tenants with due work
-- along this index and takes each one's oldest jobs from it.
CREATE INDEX jobs_deliver_due ON jobs (tenant_id, run_at)
  WHERE kind = 'deliver' AND status IN ('pending', 'running');

-- The fan-out poll looks for due sync jobs only; without this it scanned jobs_due past every due
-- deliver job to find them.
CREATE INDEX jobs_sync_due ON jobs (run_at)
  WHERE kind = 'sync' AND status IN ('pending', 'running');

-- The job workers no longer run deliver jobs; their claim looks only at the other kinds, without
-- scanning past a backlog of due deliveries.
CREATE INDEX jobs_other_due ON jobs (run_at)
  WHERE status IN ('pending', 'running') AND kind NOT IN ('deliver', 'sync');
