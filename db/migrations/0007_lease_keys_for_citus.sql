-- Citus cannot enforce a key from leases (by market) to jobs (by consumer); alternatives are an append-only log read by provider.
ALTER TABLE "leases" DROP CONSTRAINT "leases_job_id_jobs_id_fk";
--> statement-breakpoint
ALTER TABLE "lease_alternatives" DROP CONSTRAINT "lease_alternatives_pkey";