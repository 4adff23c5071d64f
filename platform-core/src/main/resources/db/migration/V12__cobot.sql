-- Cobot: a coworking space's invoices charged from its members' stored payment methods.

-- One Cobot space per tenant. The OAuth client secret and the space's tokens are sealed by the
-- credential vault. hook_key is the secret part of the created_invoice callback URL, page_key that
-- of the members' page Cobot shows in an iframe; both stay the same across reconnections, so the
-- link and the subscription at Cobot keep working.
CREATE TABLE cobot_integrations (
  tenant_id           uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  subdomain           text NOT NULL,
  gateway             text NOT NULL,
  client_id           text NOT NULL,
  sealed              bytea NOT NULL,
  key_id              text NOT NULL,
  status              text NOT NULL CHECK (status IN ('authorization_required', 'connected')),
  token_expires_at    timestamptz,
  hook_key            text NOT NULL UNIQUE,
  page_key            text NOT NULL UNIQUE,
  navigation_link_url text,
  subscription_url    text,
  connected_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- One-time OAuth states: the callback is bound to the tenant (and to what it completes: the
-- space's connection or a member's sign-in) by the state alone. Only a hash is kept.
CREATE TABLE cobot_states (
  state_hash  text PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('connect', 'member')),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX cobot_states_expiry ON cobot_states (expires_at);

-- A member signed in through Cobot, on the members' page. The page carries the session's token in
-- its URL (third-party cookies do not survive Cobot's iframe); only a hash is kept.
CREATE TABLE cobot_member_sessions (
  token_hash     text PRIMARY KEY,
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  membership_id  text NOT NULL,
  member_name    text,
  setup_id       text,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX cobot_member_sessions_expiry ON cobot_member_sessions (expires_at);

-- Every created_invoice webhook and what became of it. The posted URL is unique per tenant (the
-- same webhook twice is one row); the invoice's Cobot id, once fetched, is unique too (a URL naming
-- the invoice by number and one naming it by id are one invoice).
CREATE TABLE cobot_invoices (
  id                 uuid PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url                text NOT NULL,
  invoice_id         text,
  invoice_number     text,
  membership_id      text,
  amount_minor       bigint,
  currency           text,
  outcome            text NOT NULL
                     CHECK (outcome IN ('pending', 'retrying', 'charged', 'skipped', 'declined',
                                        'rejected')),
  reason_code        text,
  reason             text,
  charge_id          uuid REFERENCES charges (id),
  runs               integer NOT NULL DEFAULT 0,
  activity_posted    boolean NOT NULL DEFAULT false,
  payment_record_id  text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, url)
);
CREATE UNIQUE INDEX cobot_invoices_invoice ON cobot_invoices (tenant_id, invoice_id)
  WHERE invoice_id IS NOT NULL;
CREATE INDEX cobot_invoices_recent ON cobot_invoices (tenant_id, created_at DESC, id);
