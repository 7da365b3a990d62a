CREATE TABLE "market_events" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "market_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"aggregate" text NOT NULL,
	"aggregate_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_events_pkey" PRIMARY KEY("aggregate_id","id")
);
--> statement-breakpoint
CREATE TABLE "gpu_models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"vendor" text NOT NULL,
	"vram_gb" integer NOT NULL,
	"tflops" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consumer" text NOT NULL,
	"kind" text NOT NULL,
	"image" text NOT NULL,
	"command" text DEFAULT '' NOT NULL,
	"env" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"gpu_models" text[] DEFAULT '{}'::text[] NOT NULL,
	"min_vram_gb" integer,
	"gpu_count" integer NOT NULL,
	"regions" text[] DEFAULT '{}'::text[] NOT NULL,
	"max_price_per_gpu_hour" numeric(78, 0) NOT NULL,
	"max_hours" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_consumer_idempotency_key" UNIQUE("consumer","idempotency_key"),
	CONSTRAINT "jobs_gpu_count_positive" CHECK ("jobs"."gpu_count" > 0),
	CONSTRAINT "jobs_max_hours_positive" CHECK ("jobs"."max_hours" > 0),
	CONSTRAINT "jobs_max_price_positive" CHECK ("jobs"."max_price_per_gpu_hour" > 0),
	CONSTRAINT "jobs_kind" CHECK ("jobs"."kind" in ('fine-tune', 'inference', 'training', 'custom')),
	CONSTRAINT "jobs_status" CHECK (status in ('pending', 'matched', 'quoted', 'funded', 'running', 'submitted', 'finalized', 'disputed', 'resolved', 'cancelled', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "lease_alternatives" (
	"market" text NOT NULL,
	"lease_id" uuid NOT NULL,
	"offer_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"ask_wei_per_gpu_hour" numeric(78, 0) NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lease_alternatives_pkey" PRIMARY KEY("market","lease_id","offer_id")
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"market" text NOT NULL,
	"job_id" uuid NOT NULL,
	"offer_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"price_per_gpu_hour" numeric(78, 0) NOT NULL,
	"rate_per_second" numeric(78, 0) NOT NULL,
	"max_seconds" bigint NOT NULL,
	"chain_job_id" text NOT NULL,
	"quote_signer" text,
	"quote_signature" text,
	"quote_expires_at" timestamp with time zone NOT NULL,
	"fund_tx_hash" text,
	"result_tx_hash" text,
	"status" text DEFAULT 'reserved' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leases_pkey" PRIMARY KEY("market","id"),
	CONSTRAINT "leases_gpu_count_positive" CHECK ("leases"."gpu_count" > 0),
	CONSTRAINT "leases_status" CHECK (status in ('reserved', 'quoted', 'funded', 'running', 'released', 'cancelled', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"market" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"gpu_model" text NOT NULL,
	"region" text NOT NULL,
	"gpus_total" integer NOT NULL,
	"gpus_free" integer NOT NULL,
	"ask_wei_per_gpu_hour" numeric(78, 0) NOT NULL,
	"min_hours" integer DEFAULT 1 NOT NULL,
	"max_hours" integer NOT NULL,
	"measured_tflops" real,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offers_pkey" PRIMARY KEY("market","id"),
	CONSTRAINT "offers_gpus_free_range" CHECK ("offers"."gpus_free" between 0 and "offers"."gpus_total"),
	CONSTRAINT "offers_gpus_total_positive" CHECK ("offers"."gpus_total" > 0),
	CONSTRAINT "offers_ask_positive" CHECK ("offers"."ask_wei_per_gpu_hour" > 0),
	CONSTRAINT "offers_hours" CHECK ("offers"."min_hours" >= 1 and "offers"."min_hours" <= "offers"."max_hours"),
	CONSTRAINT "offers_status" CHECK ("offers"."status" in ('active', 'paused', 'removed')),
	CONSTRAINT "offers_market" CHECK ("offers"."market" = "offers"."gpu_model" || '/' || "offers"."region")
);
--> statement-breakpoint
CREATE TABLE "provider_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"label" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "provider_api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"address" text NOT NULL,
	"name" text NOT NULL,
	"region" text NOT NULL,
	"signer_address" text NOT NULL,
	"status" text DEFAULT 'online' NOT NULL,
	"reliability_bps" integer DEFAULT 10000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "providers_address_unique" UNIQUE("address"),
	CONSTRAINT "providers_signer_format" CHECK ("providers"."signer_address" ~ '^0x[0-9a-f]{40}$'),
	CONSTRAINT "providers_status" CHECK ("providers"."status" in ('online', 'offline')),
	CONSTRAINT "providers_reliability" CHECK ("providers"."reliability_bps" between 0 and 10000)
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_consumer_users_address_fk" FOREIGN KEY ("consumer") REFERENCES "public"."users"("address") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lease_alternatives" ADD CONSTRAINT "lease_alternatives_lease_fk" FOREIGN KEY ("market","lease_id") REFERENCES "public"."leases"("market","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_offer_fk" FOREIGN KEY ("market","offer_id") REFERENCES "public"."offers"("market","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_gpu_model_gpu_models_id_fk" FOREIGN KEY ("gpu_model") REFERENCES "public"."gpu_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_api_keys" ADD CONSTRAINT "provider_api_keys_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "providers" ADD CONSTRAINT "providers_address_users_address_fk" FOREIGN KEY ("address") REFERENCES "public"."users"("address") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "market_events_at_idx" ON "market_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "jobs_pending_idx" ON "jobs" USING btree ("max_price_per_gpu_hour" DESC NULLS LAST,"created_at") WHERE "jobs"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "jobs_consumer_idx" ON "jobs" USING btree ("consumer","created_at");--> statement-breakpoint
CREATE INDEX "lease_alternatives_provider_idx" ON "lease_alternatives" USING btree ("provider_id","created_at");--> statement-breakpoint
CREATE INDEX "leases_job_idx" ON "leases" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "leases_offer_idx" ON "leases" USING btree ("market","offer_id");--> statement-breakpoint
CREATE INDEX "leases_expiry_idx" ON "leases" USING btree ("quote_expires_at") WHERE "leases"."status" in ('reserved', 'quoted');--> statement-breakpoint
CREATE INDEX "offers_match_idx" ON "offers" USING btree ("market","ask_wei_per_gpu_hour","created_at") WHERE "offers"."status" = 'active';--> statement-breakpoint
CREATE INDEX "offers_id_idx" ON "offers" USING btree ("id");--> statement-breakpoint
CREATE INDEX "offers_provider_idx" ON "offers" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "provider_api_keys_provider_idx" ON "provider_api_keys" USING btree ("provider_id");