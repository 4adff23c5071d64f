-- API clients: a rotated secret keeps its predecessor working for an overlap window; access tokens
-- carry the generation of the secret that bought them, so they stop with it; the tenant sees when
-- each client was last used.
ALTER TABLE api_clients
  ADD COLUMN secret_generation          integer NOT NULL DEFAULT 1,
  ADD COLUMN secret_rotated_at          timestamptz,
  ADD COLUMN previous_secret_hash       text,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD COLUMN last_used_at               timestamptz;

-- The integrations' calls (Cobot) move from the gateway scopes to scopes of their own: clients that
-- could make them keep that right.
UPDATE api_clients SET scopes = scopes || ARRAY['integrations:write']
 WHERE 'gateways:write' = ANY (scopes) AND NOT 'integrations:write' = ANY (scopes);
UPDATE api_clients SET scopes = scopes || ARRAY['integrations:read']
 WHERE 'gateways:read' = ANY (scopes) AND NOT 'integrations:read' = ANY (scopes);
