-- Work that must exist at most once while it is outstanding carries a dedupe key: two renewal
-- scanners running at once (a lock lost to a partition) still create one job per subscription.
ALTER TABLE jobs ADD COLUMN dedupe_key text;
CREATE UNIQUE INDEX jobs_outstanding_key ON jobs (kind, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running', 'parked');

ALTER TABLE subscriptions ADD COLUMN renewal_checked_at timestamptz;
CREATE INDEX subscriptions_renewal_due ON subscriptions (current_period_end)
  WHERE status = 'active';
