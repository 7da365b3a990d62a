-- Lets a single data-modifying statement abort itself (and so roll back every CTE in it) when a
-- guard inside it fails, e.g. GPUs reserved for a job that is no longer pending.
CREATE FUNCTION market_abort(message text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'P0001';
END;
$$;
