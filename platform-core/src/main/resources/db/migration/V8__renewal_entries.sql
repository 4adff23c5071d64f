-- A renewal found by asking the gateway's API (not by a webhook) is recorded as a ledger entry
-- without an amount, so that it is synced to the tenant like every other event: such an entry has
-- no webhook receipt.
ALTER TABLE ledger_entries ALTER COLUMN receipt_id DROP NOT NULL;
