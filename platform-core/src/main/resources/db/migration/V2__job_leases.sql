-- Jobs are claimed under a lease: a claim sets run_at to the lease's expiry, so a job whose worker
-- died becomes due again by itself. The claim token fences a late worker's writes.
ALTER TABLE jobs
  ADD COLUMN claim_token uuid,
  ADD COLUMN finished_at timestamptz;

DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('pending', 'running');
CREATE INDEX jobs_parked ON jobs (tenant_id) WHERE status = 'parked';
