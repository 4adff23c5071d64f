-- Keys the platform generates to sign its own tokens: API access tokens (purpose 'api-token', a
-- new generation every rotation period, named in each token by its kid) and the console's CSRF
-- tokens (purpose 'console-csrf', one generation). Each key is sealed under the master key by the
-- credential vault, bound to its kid; key_id names the master key that sealed it. Every node reads
-- them here, so a cluster agrees; a new generation is inserted by whichever node sees it due first
-- (the primary key turns the others' inserts into nothing). A key signs from activates_at, set
-- ahead of its creation so that every node has loaded it by then.
CREATE TABLE token_keys (
  purpose      text NOT NULL,
  generation   integer NOT NULL CHECK (generation > 0),
  kid          text NOT NULL UNIQUE,
  sealed       bytea NOT NULL,
  key_id       text NOT NULL,
  created_at   timestamptz NOT NULL,
  activates_at timestamptz NOT NULL,
  PRIMARY KEY (purpose, generation)
);
