-- Every request that reaches a hook URL leaves a receipt with its verdict: recorded, duplicate,
-- held (a reason the tenant can fix; processed again when they do), ignored (with the reason) or
-- rejected (why). Authenticated deliveries keep their raw body and headers for audit and
-- reprocessing, under a retention setting. The dedupe key stays (tenant, gateway, event id): a
-- duplicate's receipt names the receipt it repeats instead of the event id, and a rejected
-- delivery has none.
ALTER TABLE webhook_receipts
  ADD COLUMN verdict      text NOT NULL DEFAULT 'recorded'
                          CHECK (verdict IN ('recorded', 'duplicate', 'held', 'ignored', 'rejected')),
  ADD COLUMN reason       text,
  ADD COLUMN hold         text,
  ADD COLUMN headers      jsonb,
  ADD COLUMN query        text,
  ADD COLUMN remote       text,
  ADD COLUMN duplicate_of bigint,
  ADD COLUMN processed_at timestamptz,
  ALTER COLUMN event_id DROP NOT NULL,
  ALTER COLUMN event_type DROP NOT NULL,
  ALTER COLUMN raw_body DROP NOT NULL;

CREATE INDEX webhook_receipts_tenant ON webhook_receipts (tenant_id, id DESC);
CREATE INDEX webhook_receipts_held ON webhook_receipts (tenant_id, gateway) WHERE verdict = 'held';
-- Receipts arrive in time order, so a block-range index finds old ones for retention at a fraction
-- of a b-tree's cost on the ingest path.
CREATE INDEX webhook_receipts_age ON webhook_receipts USING brin (received_at);

-- The log of deliveries that left no receipt becomes receipts.
INSERT INTO webhook_receipts (tenant_id, gateway, event_type, verdict, reason, remote, received_at)
SELECT tenant_id, gateway, event_type,
       CASE outcome WHEN 'malformed' THEN 'rejected' ELSE outcome END,
       CASE WHEN outcome = 'malformed' THEN 'malformed: ' || COALESCE(reason, '')
            WHEN event_id IS NOT NULL THEN reason || ' (event ' || event_id || ')'
            ELSE reason END,
       remote, received_at
  FROM webhook_log;
DROP TABLE webhook_log;

-- Ids under which a gateway signed one delivery whose signature binds the body only weakly
-- (PayPal's transmission id: the signature covers the body through its CRC32). Each id is
-- accepted with one body only.
CREATE TABLE signed_deliveries (
  tenant_id   uuid NOT NULL,
  gateway     text NOT NULL,
  delivery_id text NOT NULL,
  body_sha256 bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, gateway, delivery_id)
);
CREATE INDEX signed_deliveries_age ON signed_deliveries (received_at);

-- Receipts are read with their own scope; clients that could read gateway accounts may read them.
UPDATE api_clients SET scopes = scopes || ARRAY['receipts:read']
 WHERE 'gateways:read' = ANY (scopes) AND NOT 'receipts:read' = ANY (scopes);
