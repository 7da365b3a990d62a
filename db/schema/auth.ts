import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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
export const siweNonces = pgTable("siwe_nonces", {
  nonce: text("nonce").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
