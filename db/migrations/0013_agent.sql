CREATE TABLE "agent_job_logs" (
	"job_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_job_logs_pkey" PRIMARY KEY("job_id","seq")
);
--> statement-breakpoint
CREATE TABLE "agent_job_runs" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"lease_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"start_tx_hash" text,
	"started_at" timestamp with time zone,
	"log_bytes" bigint DEFAULT 0 NOT NULL,
	"log_chunks" integer DEFAULT 0 NOT NULL,
	"exit_code" integer,
	"used_seconds" bigint,
	"result_hash" text,
	"result_size" integer,
	"result" "bytea",
	"result_at" timestamp with time zone,
	"submit_tx_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_agents" (
	"provider_id" uuid PRIMARY KEY NOT NULL,
	"agent_version" text NOT NULL,
	"hardware" jsonb NOT NULL,
	"tflops" double precision,
	"tflops_device" text,
	"last_heartbeat_at" timestamp with time zone NOT NULL,
	"offline_by_agent" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_agents_device" CHECK ("provider_agents"."tflops_device" in ('gpu', 'cpu'))
);
--> statement-breakpoint
ALTER TABLE "agent_job_runs" ADD CONSTRAINT "agent_job_runs_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_agents" ADD CONSTRAINT "provider_agents_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Wakes a provider's agent waiting on GET /api/agent/work (lib/services/agent/wake.ts LISTENs on
-- this channel) as soon as the engine reserves GPUs for it or a job of its is funded or ends,
-- on Postgres and PGlite alike; the payload is the provider's id.
CREATE FUNCTION agent_lease_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('agent_work', NEW.provider_id::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER leases_agent_notify AFTER INSERT OR UPDATE OF status ON leases
  FOR EACH ROW WHEN (NEW.status IN ('reserved', 'funded', 'running', 'cancelled', 'expired'))
  EXECUTE FUNCTION agent_lease_notify();
