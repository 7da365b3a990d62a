import { handleSignOut } from "@/lib/auth/handlers";
import { appOrigin } from "@/lib/env";

/** Clears the session cookie. */
export function POST(request: Request) {
  return handleSignOut(request, { origin: appOrigin() });
}
