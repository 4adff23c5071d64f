-- A sync target's revision: one more at every change of its state (enabled, disabled, removed).
-- A receiver's "410 Gone" disables the target only at the revision the attempt read when it was
-- claimed, so an answer to a request sent before the tenant enabled the target again (or removed
-- it) cannot switch it off behind the tenant's back and park its deliveries.
ALTER TABLE sync_targets ADD COLUMN revision bigint NOT NULL DEFAULT 0;
