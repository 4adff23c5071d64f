-- A wake-up (a sync target enabled again) that finds a job running is remembered on the row: if
-- that attempt then decides to park the job, it goes back to pending instead, so no job is parked
-- after the event that should have woken it.
ALTER TABLE jobs ADD COLUMN wake_requested boolean NOT NULL DEFAULT false;
