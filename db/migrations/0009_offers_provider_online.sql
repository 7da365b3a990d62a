-- Whether an offer's provider is online, on the offer row itself: a placement checks it on the
-- row it locks instead of probing providers for every planned offer.
ALTER TABLE "offers" ADD COLUMN "provider_online" boolean DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE "offers" o SET "provider_online" = (p."status" = 'online') FROM "providers" p
  WHERE p."id" = o."provider_id" AND o."provider_online" <> (p."status" = 'online');--> statement-breakpoint
-- A new offer takes its provider's status, whatever the insert says.
CREATE FUNCTION offers_take_provider_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."provider_online" := coalesce(
    (SELECT p."status" = 'online' FROM "providers" p WHERE p."id" = NEW."provider_id"), false);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER offers_provider_status BEFORE INSERT ON "offers"
  FOR EACH ROW EXECUTE FUNCTION offers_take_provider_status();
--> statement-breakpoint
-- A provider's status change is copied onto its offers (in the same transaction, after the
-- providers row is locked: provider -> offers, the order no placement reverses, since placements
-- never lock providers), and its markets' versions are bumped as before (migration 0006).
CREATE OR REPLACE FUNCTION providers_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "offers" SET "provider_online" = (NEW."status" = 'online')
    WHERE "provider_id" = NEW."id";
  PERFORM market_versions_bump(ARRAY(SELECT "market" FROM "offers" WHERE "provider_id" = NEW."id"));
  RETURN NULL;
END;
$$;
