import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { addressPattern } from "./columns";

/** Wallet accounts that have signed in at least once. */
export const users = pgTable(
  "users",
  {
    address: text("address").primaryKey(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("users_address_format", sql`${t.address} ~ ${sql.raw(`'${addressPattern}'`)}`)],
);

/** Single-use SIWE nonces: issued with an expiry, deleted when a sign-in consumes them. */
export const siweNonces = pgTable(
  "siwe_nonces",
  {
    nonce: text("nonce").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The cleanup deletes by expiry.
  (t) => [index("siwe_nonces_expires_at_idx").on(t.expiresAt)],
);

/**
 * Server-side sessions: the cookie carries a random 32-byte token, the row is keyed by its sha256
 * (a copy of this table cannot be replayed as cookies). A session is live while it is not revoked
 * and not expired; every request looks it up by primary key.
 */
export const sessions = pgTable(
  "sessions",
  {
    /** sha256 of the cookie's token, hex. */
    id: text("id").primaryKey(),
    address: text("address")
      .notNull()
      .references(() => users.address),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** A short description of the browser for the sessions list, e.g. "Firefox on Linux". */
    userAgent: text("user_agent").notNull().default(""),
    /** The client's address with its last part masked (e.g. 203.0.113.x), or "" when unknown. */
    ipSummary: text("ip_summary").notNull().default(""),
  },
  (t) => [
    check("sessions_id_format", sql`${t.id} ~ '^[0-9a-f]{64}$'`),
    index("sessions_address_idx").on(t.address),
    index("sessions_expires_at_idx").on(t.expiresAt),
  ],
);

/**
 * Fixed-window request counters shared by every app server: one row per (key, window), bumped with
 * one atomic upsert. `expires_at` is the window's end; the cleanup deletes by it.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.windowStart] }),
    index("rate_limits_expires_at_idx").on(t.expiresAt),
  ],
);
