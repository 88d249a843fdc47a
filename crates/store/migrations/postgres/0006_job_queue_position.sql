-- A queued job's place in its instance's queue: how many analyses start before it.
ALTER TABLE jobs ADD COLUMN queue_position BIGINT;
