-- Attempts at what runs a slow hash (sign-in, sign-up, client credentials), counted for the whole
-- cluster. One row per counter: its key names the kind and what is counted
-- ('login:pair:<email>|<address>', 'login:email:<email>', 'login:ip:<address>', 'signup:ip:…',
-- 'token:ip:…'), hits the attempts reserved in the window that ends at window_end. A counter
-- whose window has ended counts from zero again; such rows are purged now and then.
CREATE TABLE attempt_counters (
  key        text PRIMARY KEY,
  hits       integer NOT NULL CHECK (hits >= 0),
  window_end timestamptz NOT NULL
);

CREATE INDEX attempt_counters_window_end ON attempt_counters (window_end);

-- Reserves one attempt under every counter named, or under none: one call, one statement for the
-- caller. The counters are locked in the order given (callers sort the keys, so two calls never
-- wait on each other in a circle), created or restarted when their window has ended, and checked;
-- only if each has room is each incremented. Answers 0 when the attempt was reserved, otherwise
-- the milliseconds until every full counter's window ends (at least 1). An attempt refused this
-- way counts nowhere, so refusals at one counter do not fill the others.
CREATE FUNCTION reserve_attempt(keys text[], limits integer[], windows_ms bigint[])
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  counted integer;
  ends timestamptz;
  wait_ms bigint := 0;
BEGIN
  FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
    INSERT INTO attempt_counters AS c (key, hits, window_end)
    VALUES (keys[i], 0, clock_timestamp() + windows_ms[i] * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN c.window_end <= clock_timestamp() THEN 0 ELSE c.hits END,
      window_end = CASE WHEN c.window_end <= clock_timestamp() THEN excluded.window_end
                        ELSE c.window_end END
    RETURNING c.hits, c.window_end INTO counted, ends;
    IF counted >= limits[i] THEN
      wait_ms := greatest(wait_ms, 1,
          ceil(extract(epoch FROM ends - clock_timestamp()) * 1000)::bigint);
    END IF;
  END LOOP;
  IF wait_ms = 0 THEN
    UPDATE attempt_counters SET hits = hits + 1 WHERE key = ANY (keys);
  END IF;
  RETURN wait_ms;
END
$$;
