import "server-only";
import { getDb } from "@/db";
import type { Db } from "@/db/client";
import { getSession, type Session } from "@/lib/auth/session";

/** The signed-in wallet and the database, or null: every provider page reads for this wallet only. */
export async function providerContext(): Promise<{ session: Session; db: Db } | null> {
  const session = await getSession();
  if (!session) return null;
  return { session, db: await getDb() };
}
