-- The GPU catalog as data, written from lib/market/gpu-catalog.ts (a db test checks they agree).
INSERT INTO "gpu_models" ("id", "name", "vendor", "vram_gb", "tflops") VALUES
  ('h200-141gb', 'H200 141GB', 'nvidia', 141, 989),
  ('h100-80gb', 'H100 80GB', 'nvidia', 80, 989),
  ('a100-80gb', 'A100 80GB', 'nvidia', 80, 312),
  ('a100-40gb', 'A100 40GB', 'nvidia', 40, 312),
  ('l40s-48gb', 'L40S 48GB', 'nvidia', 48, 362),
  ('rtx4090-24gb', 'RTX 4090 24GB', 'nvidia', 24, 165),
  ('rtx3090-24gb', 'RTX 3090 24GB', 'nvidia', 24, 71),
  ('a10-24gb', 'A10 24GB', 'nvidia', 24, 125),
  ('t4-16gb', 'T4 16GB', 'nvidia', 16, 65),
  ('mi300x-192gb', 'MI300X 192GB', 'amd', 192, 1307);
--> statement-breakpoint
-- The event log is append-only: the database refuses to rewrite history.
CREATE FUNCTION market_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'market_events is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER market_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON "market_events"
  FOR EACH ROW EXECUTE FUNCTION market_events_append_only();
