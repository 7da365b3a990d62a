CREATE TABLE "chain_accounts" (
	"address" text PRIMARY KEY NOT NULL,
	"withdrawable" numeric(78, 0) NOT NULL,
	"credited" numeric(78, 0) NOT NULL,
	"withdrawn" numeric(78, 0) NOT NULL,
	"updated_block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_balance_moves" (
	"block_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"account" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"job_id" text,
	"block_number" bigint NOT NULL,
	"block_time" timestamp with time zone NOT NULL,
	"tx_hash" text NOT NULL,
	CONSTRAINT "chain_balance_moves_pkey" PRIMARY KEY("block_hash","log_index","account","kind")
);
--> statement-breakpoint
CREATE TABLE "chain_blocks" (
	"contract" text NOT NULL,
	"number" bigint NOT NULL,
	"hash" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	CONSTRAINT "chain_blocks_pkey" PRIMARY KEY("contract","number")
);
--> statement-breakpoint
CREATE TABLE "chain_cursor" (
	"contract" text PRIMARY KEY NOT NULL,
	"chain_id" integer NOT NULL,
	"genesis_hash" text NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"confirmed_number" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_events" (
	"contract" text NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"tx_hash" text NOT NULL,
	"block_time" timestamp with time zone NOT NULL,
	"name" text NOT NULL,
	"args" jsonb NOT NULL,
	"job_id" text,
	"apply_note" text,
	CONSTRAINT "chain_events_pkey" PRIMARY KEY("block_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "chain_jobs" (
	"job_id" text PRIMARY KEY NOT NULL,
	"consumer" text NOT NULL,
	"provider" text NOT NULL,
	"status" text NOT NULL,
	"rate_per_second" numeric(78, 0) NOT NULL,
	"max_seconds" bigint NOT NULL,
	"escrow" numeric(78, 0) NOT NULL,
	"collateral" numeric(78, 0) NOT NULL,
	"fee_bps" integer NOT NULL,
	"no_show_slash_bps" integer NOT NULL,
	"dispute_default_pay_bps" integer NOT NULL,
	"funded_at" timestamp with time zone NOT NULL,
	"start_deadline" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"challenge_window_seconds" integer NOT NULL,
	"dispute_timeout_seconds" integer NOT NULL,
	"started_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"used_seconds" bigint,
	"result_hash" text,
	"challenge_ends_at" timestamp with time zone,
	"disputed_at" timestamp with time zone,
	"dispute_ends_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"provider_amount" numeric(78, 0),
	"fee" numeric(78, 0),
	"consumer_amount" numeric(78, 0),
	"slashed" numeric(78, 0),
	"provider_pay_bps" integer,
	"slash_bps" integer,
	"timed_out" boolean,
	"updated_block" bigint NOT NULL,
	CONSTRAINT "chain_jobs_status" CHECK ("chain_jobs"."status" in ('funded', 'running', 'submitted', 'disputed', 'finalized', 'resolved', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "chain_market" (
	"contract" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"updated_block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_providers" (
	"address" text PRIMARY KEY NOT NULL,
	"stake" numeric(78, 0) NOT NULL,
	"locked" numeric(78, 0) NOT NULL,
	"pending_unstake" numeric(78, 0) NOT NULL,
	"unstake_ready_at" timestamp with time zone,
	"signer" text NOT NULL,
	"slashed_total" numeric(78, 0) NOT NULL,
	"updated_block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_undo" (
	"block_number" bigint NOT NULL,
	"table_name" text NOT NULL,
	"key" text NOT NULL,
	"before" jsonb,
	CONSTRAINT "chain_undo_pkey" PRIMARY KEY("block_number","table_name","key")
);
--> statement-breakpoint
CREATE TABLE "keeper_calls" (
	"job_id" text NOT NULL,
	"call" text NOT NULL,
	"status" text NOT NULL,
	"tx_hash" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "keeper_calls_pkey" PRIMARY KEY("job_id","call")
);
--> statement-breakpoint
CREATE TABLE "work_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chain_balance_moves_account_idx" ON "chain_balance_moves" USING btree ("account","block_time");--> statement-breakpoint
CREATE INDEX "chain_balance_moves_block_idx" ON "chain_balance_moves" USING btree ("block_number");--> statement-breakpoint
CREATE INDEX "chain_events_order_idx" ON "chain_events" USING btree ("contract","block_number","log_index");--> statement-breakpoint
CREATE INDEX "chain_events_job_idx" ON "chain_events" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "chain_jobs_provider_idx" ON "chain_jobs" USING btree ("provider");--> statement-breakpoint
CREATE INDEX "chain_jobs_consumer_idx" ON "chain_jobs" USING btree ("consumer");--> statement-breakpoint
CREATE INDEX "chain_jobs_open_idx" ON "chain_jobs" USING btree ("status") WHERE "chain_jobs"."status" in ('funded', 'running', 'submitted', 'disputed');