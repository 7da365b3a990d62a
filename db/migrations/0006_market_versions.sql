-- Market versions: how a batch of submits tells that a market gained capacity since it read its book.
CREATE TABLE "market_versions" (
	"market" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Bumps the version of the given markets (sorted, so two writers bumping several markets take
-- the rows in one order and cannot deadlock).
CREATE FUNCTION market_versions_bump(markets text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "market_versions" AS mv ("market", "version")
  SELECT DISTINCT m, 1 FROM unnest(markets) m ORDER BY m
  ON CONFLICT ("market") DO UPDATE SET "version" = mv."version" + 1;
$$;
--> statement-breakpoint
CREATE FUNCTION offers_capacity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM market_versions_bump(ARRAY[NEW."market"]);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER offers_listed AFTER INSERT ON "offers"
  FOR EACH ROW EXECUTE FUNCTION offers_capacity_changed();
--> statement-breakpoint
-- Only a change that can let an offer take a job it could not take before; a match taking GPUs
-- (the hot path) does not fire it.
CREATE TRIGGER offers_opened AFTER UPDATE ON "offers"
  FOR EACH ROW WHEN (
    NEW."gpus_free" > OLD."gpus_free"
    OR NEW."status" <> OLD."status"
    OR NEW."ask_wei_per_gpu_hour" < OLD."ask_wei_per_gpu_hour"
    OR NEW."min_hours" < OLD."min_hours"
    OR NEW."max_hours" > OLD."max_hours"
  ) EXECUTE FUNCTION offers_capacity_changed();
--> statement-breakpoint
CREATE FUNCTION providers_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM market_versions_bump(ARRAY(SELECT "market" FROM "offers" WHERE "provider_id" = NEW."id"));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER providers_status AFTER UPDATE OF "status" ON "providers"
  FOR EACH ROW WHEN (NEW."status" IS DISTINCT FROM OLD."status")
  EXECUTE FUNCTION providers_status_changed();
