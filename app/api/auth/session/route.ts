import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleSession } from "@/lib/auth/handlers";

/** Who is signed in: the session cookie, checked against the sessions table. */
export async function GET(request: Request) {
  try {
    return await handleSession(request, await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
