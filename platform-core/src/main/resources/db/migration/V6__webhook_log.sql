-- What happened to deliveries that left no receipt (rejected, malformed, ignored, duplicate), so a
-- tenant can see why a gateway's "delivered" shows nothing. Bounded per account and kept 14 days.
CREATE TABLE webhook_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  gateway     text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('duplicate', 'rejected', 'malformed', 'ignored')),
  reason      text,
  event_id    text,
  event_type  text,
  remote      text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_log_tenant ON webhook_log (tenant_id, id DESC);
CREATE INDEX webhook_log_age ON webhook_log (received_at);
