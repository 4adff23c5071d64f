-- What to do with a recurring charge for a subscription the tenant does not know: record it
-- (default), or cancel the subscription at the gateway and refund the charge.
ALTER TABLE gateway_accounts
  ADD COLUMN unknown_subscriptions text NOT NULL DEFAULT 'record'
  CHECK (unknown_subscriptions IN ('record', 'cancel-and-refund'));
