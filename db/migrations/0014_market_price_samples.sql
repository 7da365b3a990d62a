CREATE TABLE "market_price_samples" (
	"gpu_model" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"median_ask_wei_per_gpu_hour" numeric(78, 0) NOT NULL,
	"offers" integer NOT NULL,
	CONSTRAINT "market_price_samples_pkey" PRIMARY KEY("gpu_model","hour")
);
--> statement-breakpoint
ALTER TABLE "market_price_samples" ADD CONSTRAINT "market_price_samples_gpu_model_gpu_models_id_fk" FOREIGN KEY ("gpu_model") REFERENCES "public"."gpu_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "market_price_samples_hour_idx" ON "market_price_samples" USING btree ("hour");