-- Payers' e-mail addresses and contact details on ledger entries are kept for a while only
-- (PAYBRIDGE_PAYER_CONTACT_RETENTION_DAYS); the purge finds old entries by when they were recorded.
-- The ledger is appended to in time order, so a block-range index is small and cheap to keep.
CREATE INDEX ledger_entries_recorded_brin ON ledger_entries USING brin (recorded_at);
