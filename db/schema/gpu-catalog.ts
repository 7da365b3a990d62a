import { integer, pgTable, text } from "drizzle-orm/pg-core";

/**
 * The GPU catalog as data (seeded by a migration from lib/market/gpu-catalog.ts). A small
 * reference table: on Citus it is replicated to every node, so joins with it never span shards.
 */
export const gpuModels = pgTable("gpu_models", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  vendor: text("vendor").notNull(),
  vramGb: integer("vram_gb").notNull(),
  tflops: integer("tflops").notNull(),
});
