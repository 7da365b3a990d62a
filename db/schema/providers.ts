import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { addressPattern } from "./columns";

export const providerStatuses = ["online", "offline"] as const;
export type ProviderStatus = (typeof providerStatuses)[number];

/**
 * A wallet that sells GPU time. `signer` is the agent key that signs quotes (set on chain with
 * setSigner). Small and read on every match: a reference table on Citus.
 */
export const providers = pgTable(
  "providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    address: text("address")
      .notNull()
      .unique()
      .references(() => users.address),
    name: text("name").notNull(),
    region: text("region").notNull(),
    signerAddress: text("signer_address").notNull(),
    status: text("status").$type<ProviderStatus>().notNull().default("online"),
    /** Share of leases completed without dispute or no-show, in basis points (measured). */
    reliabilityBps: integer("reliability_bps").notNull().default(10_000),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("providers_signer_format", sql`${t.signerAddress} ~ ${sql.raw(`'${addressPattern}'`)}`),
    check("providers_status", sql`${t.status} in ('online', 'offline')`),
    check("providers_reliability", sql`${t.reliabilityBps} between 0 and 10000`),
  ],
);

/** Agent API keys: only a sha256 of the key is kept; the key itself is shown once. */
export const providerApiKeys = pgTable(
  "provider_api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id),
    label: text("label").notNull(),
    /** The first characters of the key, so a provider can tell keys apart. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** When an agent last authenticated with the key (lib/auth/agent-keys.ts). */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("provider_api_keys_provider_idx").on(t.providerId)],
);
