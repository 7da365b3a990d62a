-- Sold-out offers leave the matching index, so reads of a busy market do not walk past them.
DROP INDEX "offers_match_idx";--> statement-breakpoint
CREATE INDEX "offers_match_idx" ON "offers" USING btree ("market","ask_wei_per_gpu_hour","created_at") WHERE "offers"."status" = 'active' and "offers"."gpus_free" > 0;