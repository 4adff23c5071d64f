-- Why a refused delivery was refused, as a kind of problem the tenant can act on (wrong_secret,
-- stale, wrong_account, unsigned, sender_not_allowed, malformed, other): the gateway page turns it
-- into the likely cause and its fix. Receipts refused before this column have none.
ALTER TABLE webhook_receipts ADD COLUMN cause text;
